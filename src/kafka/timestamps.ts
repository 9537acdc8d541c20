/**
 * The first record at or after a timestamp inside one batch, for ListOffsets. The log finds the
 * batch (the first whose max timestamp reaches the time, so earlier batches are skipped without
 * being read); this walks its records, decompressing them whatever the codec. A LogAppendTime
 * batch stamps every record with its max timestamp, so its base offset is the answer.
 */
import { limits } from '../config/limits.js'
import { CodecError } from '../protocol/codec-error.js'
import { decompressRecords } from '../protocol/records/compression.js'
import {
  ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  BATCH_HEADER_BYTES,
  compressionOf,
  readBatchHeader,
} from '../protocol/records/header.js'
import { COMPRESSIONS } from '../protocol/records/types.js'

/** The batch's records section, decompressed; null when it cannot be read. */
function recordsOf(batch: Uint8Array, attributes: number, batchLength: number): Uint8Array | null {
  const section = batch.subarray(BATCH_HEADER_BYTES, 12 + batchLength)
  const codec = COMPRESSIONS[compressionOf(attributes)]
  if (codec === undefined) return null
  if (codec === 'none') return section
  try {
    return decompressRecords(codec, section, limits.decompressedBatchBytesMax)
  } catch (e) {
    if (e instanceof CodecError) return null
    throw e
  }
}

/** Reads a zig-zag varint (up to 64 bits) at `at`; null when it overruns. */
function varint(b: Uint8Array, at: number): { value: number; next: number } | null {
  let raw = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    const byte = b[at + i]
    if (byte === undefined) return null
    raw += (byte & 0x7f) * scale
    scale *= 128
    if ((byte & 0x80) === 0) {
      const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
      return { value, next: at + i + 1 }
    }
  }
  return null
}

export interface FoundRecord {
  offset: number
  timestamp: number
}

/**
 * The first record of the batch at or after `timestampMs` whose offset is at least `fromOffset`
 * (the log start may sit inside a batch), 'none' when no record qualifies, 'unreadable' when the
 * records cannot be decoded.
 */
export function firstRecordAtOrAfter(
  batch: Uint8Array,
  timestampMs: number,
  fromOffset = 0,
): FoundRecord | 'none' | 'unreadable' {
  const h = readBatchHeader(batch)
  if ((h.attributes & ATTR_TIMESTAMP_TYPE_LOG_APPEND) !== 0) {
    const qualifies = h.maxTimestamp >= timestampMs && h.baseOffset + h.lastOffsetDelta >= fromOffset
    return qualifies ? { offset: Math.max(h.baseOffset, fromOffset), timestamp: h.maxTimestamp } : 'none'
  }
  const records = recordsOf(batch, h.attributes, h.batchLength)
  if (records === null) return 'unreadable'
  let at = 0
  for (let i = 0; i < h.recordsCount && i < limits.recordsPerBatchMax; i++) {
    const length = varint(records, at)
    if (length === null || length.value < 0) return 'unreadable'
    const tsDelta = varint(records, length.next + 1)
    if (tsDelta === null) return 'unreadable'
    const offsetDelta = varint(records, tsDelta.next)
    if (offsetDelta === null) return 'unreadable'
    const timestamp = h.baseTimestamp + tsDelta.value
    const offset = h.baseOffset + offsetDelta.value
    if (timestamp >= timestampMs && offset >= fromOffset) return { offset, timestamp }
    at = length.next + length.value
  }
  return 'none'
}
