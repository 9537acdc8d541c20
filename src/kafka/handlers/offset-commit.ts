/**
 * OffsetCommit (8) v0-8. v0 has no generation or member: a simple commit (generation -1), as are
 * later requests that send -1 and no member id. An offset that is no safe integer is answered
 * OFFSET_OUT_OF_RANGE for its partition and never reaches the coordinator.
 */
import type { OffsetCommitTopic } from '../../groups/types.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeOffsetCommitRequest,
  encodeOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetCommitResponsePartition,
} from '../../protocol/kafka/generated/offset-commit.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

function isSafe(v: bigint): boolean {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
}

function everyPartition(req: OffsetCommitRequest, code: ErrorCode): Encodable<OffsetCommitResponse> {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: kafkaErrorCode(code),
      })),
    })),
  }
}

const handler: Handler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  decode: decodeOffsetCommitRequest,
  encode: encodeOffsetCommitResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) return everyPartition(req, 'COORDINATOR_NOT_AVAILABLE')
    const rejected = new Map<string, Encodable<OffsetCommitResponsePartition>[]>()
    const topics: OffsetCommitTopic[] = []
    for (const t of req.topics) {
      const partitions = []
      for (const p of t.partitions) {
        if (!isSafe(p.committedOffset)) {
          const list = rejected.get(t.name) ?? []
          list.push({ partitionIndex: p.partitionIndex, errorCode: kafkaErrorCode('OFFSET_OUT_OF_RANGE') })
          rejected.set(t.name, list)
          continue
        }
        partitions.push({
          partitionIndex: p.partitionIndex,
          committedOffset: Number(p.committedOffset),
          committedLeaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })
      }
      if (partitions.length > 0) topics.push({ name: t.name, partitions })
    }
    const r =
      topics.length === 0
        ? { topics: [] }
        : await groups.step((c, ctx) =>
            c.offsetCommit(
              {
                apiVersion: version,
                groupId: req.groupId,
                generationId: version >= 1 ? req.generationIdOrMemberEpoch : -1,
                memberId: version >= 1 ? req.memberId : '',
                groupInstanceId: version >= 7 ? req.groupInstanceId : null,
                topics,
              },
              ctx,
            ),
          )
    const out = r.topics.map((t) => ({
      name: t.name,
      partitions: [
        ...t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: kafkaErrorCode(p.errorCode),
        })),
        ...(rejected.get(t.name) ?? []),
      ],
    }))
    for (const [name, partitions] of rejected) {
      if (!r.topics.some((t) => t.name === name)) out.push({ name, partitions })
    }
    return { topics: out }
  },
}

export const offsetCommitHandler = served(handler)
