/** OffsetDelete (47) v0: removes committed offsets of topics the group no longer consumes. */
import {
  decodeOffsetDeleteRequest,
  encodeOffsetDeleteResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
} from '../../protocol/kafka/generated/offset-delete.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  decode: decodeOffsetDeleteRequest,
  encode: encodeOffsetDeleteResponse,
  async handle(req, { broker }) {
    const groups = broker.groups
    if (groups === null) return { errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'), topics: [] }
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitionIndexes: t.partitions.map((p) => p.partitionIndex),
    }))
    const r = await groups.step((c, ctx) => c.offsetDelete({ groupId: req.groupId, topics }, ctx))
    return {
      errorCode: kafkaErrorCode(r.errorCode),
      topics: r.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: kafkaErrorCode(p.errorCode),
        })),
      })),
    }
  },
}

export const offsetDeleteHandler = served(handler)
