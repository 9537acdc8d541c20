/** Keyed batches and whole-log readers for the compaction tests. */
import { decodeRecordBatch } from '../../src/protocol/records/decode.js'
import { encodeRecordBatch } from '../../src/protocol/records/encode.js'
import { batchTotalBytes, readBatchHeader } from '../../src/protocol/records/header.js'
import type { BatchHeader } from '../../src/protocol/records/header.js'
import type { Compression } from '../../src/protocol/records/types.js'
import type { PartitionLog } from '../../src/storage/partition-log.js'
import { o } from './storage.js'

const utf8 = new TextEncoder()
const text = new TextDecoder()

export interface KeyedRecord {
  key: string
  /** null is a tombstone. */
  value: string | null
}

export function keyedBatch(
  records: readonly KeyedRecord[],
  options: {
    compression?: Compression
    producerId?: number
    producerEpoch?: number
    baseSequence?: number
    timestampMs?: number
  } = {},
): Uint8Array {
  const ts = options.timestampMs ?? 1_700_000_000_000
  return encodeRecordBatch({
    baseOffset: 0,
    compression: options.compression ?? 'none',
    producerId: options.producerId ?? -1,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    records: records.map((r, i) => ({
      key: utf8.encode(r.key),
      value: r.value === null ? null : utf8.encode(r.value),
      timestamp: ts + i,
    })),
  })
}

export interface ReadRecord {
  offset: number
  key: string | null
  value: string | null
}

/** Every batch header and record from the log start to the end, checking contiguity. */
export async function readAll(log: PartitionLog): Promise<{ headers: BatchHeader[]; records: ReadRecord[] }> {
  const headers: BatchHeader[] = []
  const records: ReadRecord[] = []
  let next: number = log.logStartOffset()
  // Bounded by the log end: every read returns at least one whole batch and moves `next` past it.
  while (next < log.logEndOffset()) {
    const bytes = await log.read(o(next), 64 * 1024)
    if (bytes.byteLength === 0) throw new Error(`nothing read at ${next}`)
    for (let at = 0; at < bytes.byteLength; ) {
      const total = batchTotalBytes(bytes, at) as number
      const one = bytes.subarray(at, at + total)
      const h = readBatchHeader(one)
      if (h.baseOffset !== next && headers.length > 0) throw new Error(`gap at ${next}: ${h.baseOffset}`)
      headers.push(h)
      for (const r of decodeRecordBatch(one).records) {
        records.push({
          offset: r.offset,
          key: r.key === null ? null : text.decode(r.key),
          value: r.value === null ? null : text.decode(r.value),
        })
      }
      next = h.baseOffset + h.lastOffsetDelta + 1
      at += total
    }
  }
  return { headers, records }
}
