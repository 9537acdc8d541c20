/**
 * The first record at or after a timestamp inside one batch, for ListOffsets. The log finds the
 * batch (by its max timestamp); this walks its records. Uncompressed and gzip batches are read
 * exactly; for other codecs, until the records codec is wired in, the answer is the batch's base
 * offset, which is still a correct place to start consuming (never after the wanted record).
 */
import { gunzipSync } from 'node:zlib'
import { limits } from '../config/limits.js'
import {
  ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  BATCH_HEADER_BYTES,
  compressionOf,
  readBatchHeader,
} from '../protocol/records/header.js'

const COMPRESSION_NONE = 0
const COMPRESSION_GZIP = 1

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

export function firstRecordAtOrAfter(
  batch: Uint8Array,
  timestampMs: number,
): { offset: number; timestamp: number } | null {
  const h = readBatchHeader(batch)
  if ((h.attributes & ATTR_TIMESTAMP_TYPE_LOG_APPEND) !== 0) {
    return h.maxTimestamp >= timestampMs ? { offset: h.baseOffset, timestamp: h.maxTimestamp } : null
  }
  let records: Uint8Array
  const codec = compressionOf(h.attributes)
  if (codec === COMPRESSION_NONE) records = batch.subarray(BATCH_HEADER_BYTES, 12 + h.batchLength)
  else if (codec === COMPRESSION_GZIP) {
    try {
      records = gunzipSync(batch.subarray(BATCH_HEADER_BYTES, 12 + h.batchLength), {
        maxOutputLength: limits.decompressedBatchBytesMax,
      })
    } catch {
      return null
    }
  } else return null
  let at = 0
  for (let i = 0; i < h.recordsCount && i < limits.recordsPerBatchMax; i++) {
    const length = varint(records, at)
    if (length === null || length.value < 0) return null
    const tsDelta = varint(records, length.next + 1)
    if (tsDelta === null) return null
    const offsetDelta = varint(records, tsDelta.next)
    if (offsetDelta === null) return null
    const timestamp = h.baseTimestamp + tsDelta.value
    if (timestamp >= timestampMs) return { offset: h.baseOffset + offsetDelta.value, timestamp }
    at = length.next + length.value
  }
  return null
}
