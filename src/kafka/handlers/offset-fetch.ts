/**
 * OffsetFetch (9) v0-8. v0-7 ask for one group (a null topic list, v2+, means every committed
 * offset); v8 batches groups. The top-level error code exists from v2. `requireStable` (v7+)
 * needs no waiting: there are no transactional offset commits yet.
 */
import type { GroupErrorCode, OffsetFetchResponse as GroupOffsets } from '../../groups/types.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeOffsetFetchRequest,
  encodeOffsetFetchResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponseTopic,
} from '../../protocol/kafka/generated/offset-fetch.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

interface Query {
  groupId: string
  topics: { name: string; partitionIndexes: number[] }[] | null
}

function topicsOf(r: GroupOffsets, version: number): Encodable<OffsetFetchResponseTopic>[] {
  return r.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: BigInt(p.committedOffset),
      committedLeaderEpoch: version >= 5 ? p.committedLeaderEpoch : -1,
      metadata: p.metadata,
      errorCode: kafkaErrorCode(p.errorCode),
    })),
  }))
}

/** The answer when no coordinator is loaded: every asked partition (or none) with `code`. */
function unavailable(q: Query, code: GroupErrorCode): GroupOffsets {
  return {
    errorCode: code,
    topics: (q.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((i) => ({
        partitionIndex: i,
        committedOffset: -1,
        committedLeaderEpoch: -1,
        metadata: '',
        errorCode: code,
      })),
    })),
  }
}

const handler: Handler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 8,
  decode: decodeOffsetFetchRequest,
  encode: encodeOffsetFetchResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    const fetch = (q: Query): Promise<GroupOffsets> =>
      groups === null
        ? Promise.resolve(unavailable(q, 'COORDINATOR_NOT_AVAILABLE'))
        : groups.read((c) => c.offsetFetch({ groupId: q.groupId, topics: q.topics }))
    if (version >= 8) {
      const out = []
      for (const g of req.groups) {
        const r = await fetch({ groupId: g.groupId, topics: g.topics })
        out.push({ groupId: g.groupId, topics: topicsOf(r, version), errorCode: kafkaErrorCode(r.errorCode) })
      }
      return { groups: out }
    }
    const r = await fetch({ groupId: req.groupId, topics: req.topics })
    // Before v2 there is no top-level error: it travels in each partition instead.
    const topics =
      version < 2 && r.errorCode !== 'NONE'
        ? topicsOf(unavailable({ groupId: req.groupId, topics: req.topics }, r.errorCode), version)
        : topicsOf(r, version)
    return { topics, errorCode: kafkaErrorCode(r.errorCode) }
  },
}

export const offsetFetchHandler = served(handler)
