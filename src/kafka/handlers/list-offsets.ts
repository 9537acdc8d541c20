/**
 * ListOffsets (2) v0-5: -1 latest (the high watermark, which is also the last stable offset
 * with no transactions), -2 earliest (log start), otherwise the first record whose timestamp is
 * at or after the given time (exact per record for every codec, see timestamps.ts), or -1
 * when there is none.
 */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeListOffsetsRequest,
  encodeListOffsetsResponse,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsTopicResponse,
} from '../../protocol/kafka/generated/list-offsets.js'
import { LEADER_EPOCH } from '../broker.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'
import type { PartitionLog } from '../partition-log.js'
import { firstRecordAtOrAfter } from '../timestamps.js'

/** The log finds the batch; the batch's records give the exact offset where they can be read. */
async function exactOffsetForTimestamp(
  log: PartitionLog,
  ts: number,
): Promise<{ offset: number; timestamp: number } | null> {
  const batchFound = await log.offsetForTimestamp(ts)
  if (batchFound === null) return null
  const bytes = await log.read(batchFound.offset, 1)
  if (bytes.byteLength === 0) return batchFound
  const exact = firstRecordAtOrAfter(bytes, ts)
  if (exact === null || exact.offset < log.startOffset()) return batchFound
  return exact
}

const LATEST = -1
const EARLIEST = -2

function answer(
  index: number,
  version: number,
  error: ErrorCode,
  offset: number,
  timestamp: number,
): Encodable<ListOffsetsPartitionResponse> {
  if (version === 0) {
    return {
      partitionIndex: index,
      errorCode: kafkaErrorCode(error),
      oldStyleOffsets: offset >= 0 ? [BigInt(offset)] : [],
    }
  }
  return {
    partitionIndex: index,
    errorCode: kafkaErrorCode(error),
    timestamp: BigInt(timestamp),
    offset: BigInt(offset),
    leaderEpoch: version >= 4 ? LEADER_EPOCH : -1,
  }
}

const handler: Handler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeListOffsetsRequest,
  encode: encodeListOffsetsResponse,
  async handle(req, { version, broker }) {
    const topics: Encodable<ListOffsetsTopicResponse>[] = []
    for (const t of req.topics) {
      const partitions: Encodable<ListOffsetsPartitionResponse>[] = []
      topics.push({ name: t.name, partitions })
      for (const rp of t.partitions) {
        const index = rp.partitionIndex
        const ts = Number(rp.timestamp)
        const p = await broker.partition(t.name, index)
        if (p === undefined) {
          partitions.push(answer(index, version, 'UNKNOWN_TOPIC_OR_PARTITION', -1, -1))
        } else if (ts === LATEST) {
          partitions.push(answer(index, version, 'NONE', p.log.highWatermark(), -1))
        } else if (ts === EARLIEST) {
          partitions.push(answer(index, version, 'NONE', p.log.startOffset(), -1))
        } else if (ts < 0) {
          partitions.push(answer(index, version, 'INVALID_REQUEST', -1, -1))
        } else {
          const found = await exactOffsetForTimestamp(p.log, ts)
          partitions.push(answer(index, version, 'NONE', found?.offset ?? -1, found?.timestamp ?? -1))
        }
      }
    }
    return { topics }
  },
}

export const listOffsetsHandler = served(handler)
