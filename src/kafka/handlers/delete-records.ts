/** DeleteRecords (21) v0-2: moves a partition's log start forward (-1 means the high watermark). */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  type DeleteRecordsPartitionResult,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type DeleteRecordsTopicResult,
  decodeDeleteRecordsRequest,
  encodeDeleteRecordsResponse,
} from '../../protocol/kafka/generated/delete-records.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeDeleteRecordsRequest,
  encode: encodeDeleteRecordsResponse,
  async handle(req, { broker }) {
    const topics: Encodable<DeleteRecordsTopicResult>[] = []
    for (const t of req.topics) {
      const partitions: Encodable<DeleteRecordsPartitionResult>[] = []
      topics.push({ name: t.name, partitions })
      for (const rp of t.partitions) {
        const index = rp.partitionIndex
        const answer = (error: ErrorCode, low: number): Encodable<DeleteRecordsPartitionResult> => ({
          partitionIndex: index,
          lowWatermark: BigInt(low),
          errorCode: kafkaErrorCode(error),
        })
        const p = await broker.partition(t.name, index)
        if (p === undefined) {
          partitions.push(answer('UNKNOWN_TOPIC_OR_PARTITION', -1))
          continue
        }
        const hw = p.log.highWatermark()
        const target = rp.offset === -1n ? hw : Number(rp.offset)
        if (target < 0 || target > hw) {
          partitions.push(answer('OFFSET_OUT_OF_RANGE', -1))
          continue
        }
        await p.log.truncatePrefix(target)
        partitions.push(answer('NONE', p.log.startOffset()))
      }
    }
    return { topics }
  },
}

export const deleteRecordsHandler = served(handler)
