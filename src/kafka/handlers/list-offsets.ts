/**
 * ListOffsets (2) v0-5: -1 latest (the high watermark, which is also the last stable offset
 * with no transactions), -2 earliest (log start), otherwise the first record whose timestamp is
 * at or after the given time (exact per record for every codec, see timestamps.ts), or -1
 * when there is none.
 */
import { assert } from '../../lib/assert.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeListOffsetsRequest,
  encodeListOffsetsResponse,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsTopicResponse,
} from '../../protocol/kafka/generated/list-offsets.js'
import { BATCH_HEADER_BYTES, readBatchHeader } from '../../protocol/records/header.js'
import { LEADER_EPOCH } from '../broker.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'
import type { PartitionLog } from '../partition-log.js'
import { type FoundRecord, firstRecordAtOrAfter } from '../timestamps.js'

/**
 * As Kafka: the earliest record at or after `ts` from the log start on. The log skips to the first
 * batch whose max timestamp reaches `ts`; its records give the exact offset. A batch can reach `ts`
 * only through records below the log start (which sits inside it after DeleteRecords), and then
 * the following batches are searched; the loop ends at the high watermark. A batch whose records
 * cannot be decoded answers its first readable offset, still never after the wanted record.
 */
async function exactOffsetForTimestamp(log: PartitionLog, ts: number): Promise<FoundRecord | null> {
  const batchFound = await log.offsetForTimestamp(ts)
  if (batchFound === null) return null
  let offset = batchFound.offset
  while (offset < log.highWatermark()) {
    // Re-read the log start after each await: DeleteRecords may have moved it meanwhile.
    const bytes = await log.read(offset, 1)
    if (bytes.byteLength < BATCH_HEADER_BYTES) return null
    const h = readBatchHeader(bytes)
    const from = Math.max(offset, log.startOffset())
    if (h.maxTimestamp >= ts) {
      const found = firstRecordAtOrAfter(bytes, ts, from)
      if (found === 'unreadable') return { offset: from, timestamp: h.maxTimestamp }
      if (found !== 'none') return found
    }
    const next = h.baseOffset + h.lastOffsetDelta + 1
    assert(next > offset, 'each step moves past a whole batch')
    offset = next
  }
  return null
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
