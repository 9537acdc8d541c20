/**
 * Record batch v2 decoder. Every length is checked against the bytes that remain and every count
 * against config/limits.ts before anything is allocated for it; bad input fails with CodecError
 * and nothing else. Records' keys and values are views into the (decompressed) records bytes.
 */
import { limits } from '../../config/limits.js'
import { CodecError } from '../codec-error.js'
import { decompressRecords } from './compression.js'
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  batchTotalBytes,
  computeBatchCrc,
  readBatchHeader,
} from './header.js'
import {
  COMPRESSIONS,
  type Compression,
  type DecodedBatch,
  type DecodedRecord,
  type DecodeOptions,
  type RecordHeader,
} from './types.js'
import { type Cursor, readVarint, readVarlong } from './varint.js'

/** Smallest encoded record: length, attributes, timestampDelta, offsetDelta, key, value, headers. */
export const RECORD_BYTES_MIN = 7
/** Smallest encoded header: key length 0 and value length -1. */
const HEADER_BYTES_MIN = 2

// ignoreBOM: keep a leading U+FEFF in the key, as Kafka's Java decoder does, so keys re-encode as they came.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function readNullableBytes(c: Cursor, what: string): Uint8Array | null {
  const n = readVarint(c)
  if (n === -1) return null
  if (n < -1) throw new CodecError('INVALID_LENGTH', `record ${what} length ${n} is negative`)
  if (n > c.end - c.at) {
    throw new CodecError(
      'TRUNCATED',
      `record ${what} of ${n} bytes overruns its record (${c.end - c.at} left)`,
    )
  }
  const b = c.bytes.subarray(c.at, c.at + n)
  c.at += n
  return b
}

/** Short ASCII header keys (the common case) decoded without TextDecoder's per-call cost. */
const ASCII_FAST_BYTES_MAX = 64

function headerKey(bytes: Uint8Array): string {
  if (bytes.byteLength <= ASCII_FAST_BYTES_MAX) {
    let key = ''
    let ascii = true
    for (let i = 0; i < bytes.byteLength; i++) {
      const b = bytes[i] as number
      if (b >= 0x80) {
        ascii = false
        break
      }
      key += String.fromCharCode(b)
    }
    if (ascii) return key
  }
  try {
    return utf8.decode(bytes)
  } catch {
    throw new CodecError('INVALID_VALUE', 'record header key is not valid UTF-8')
  }
}

function readHeaders(c: Cursor): RecordHeader[] {
  const count = readVarint(c)
  if (count < 0) throw new CodecError('INVALID_LENGTH', `record header count ${count} is negative`)
  if (count > limits.headersPerRecordMax) {
    throw new CodecError('LIMIT_EXCEEDED', `record has ${count} headers, limit ${limits.headersPerRecordMax}`)
  }
  if (count * HEADER_BYTES_MIN > c.end - c.at) {
    throw new CodecError('TRUNCATED', `record claims ${count} headers in ${c.end - c.at} bytes`)
  }
  const headers: RecordHeader[] = []
  for (let i = 0; i < count; i++) {
    const keyBytes = readNullableBytes(c, 'header key')
    if (keyBytes === null) throw new CodecError('INVALID_LENGTH', 'record header key is null')
    headers.push({ key: headerKey(keyBytes), value: readNullableBytes(c, 'header value') })
  }
  return headers
}

interface RecordContext {
  baseOffset: number
  baseTimestamp: number
  /** Set for LogAppendTime batches: every record's timestamp is the batch's maxTimestamp. */
  appendTime: number | undefined
}

function readRecord(c: Cursor, ctx: RecordContext): DecodedRecord {
  const length = readVarint(c)
  if (length < 0) throw new CodecError('INVALID_LENGTH', `record length ${length} is negative`)
  if (length > c.end - c.at) {
    throw new CodecError('TRUNCATED', `record of ${length} bytes overruns the batch (${c.end - c.at} left)`)
  }
  const end = c.at + length
  const r: Cursor = { bytes: c.bytes, at: c.at, end }
  if (r.at >= r.end) throw new CodecError('TRUNCATED', 'record is empty')
  const attributes = ((r.bytes[r.at++] as number) << 24) >> 24
  const timestampDelta = readVarlong(r)
  const offsetDelta = readVarint(r)
  const key = readNullableBytes(r, 'key')
  const value = readNullableBytes(r, 'value')
  const headers = readHeaders(r)
  if (r.at !== end) throw new CodecError('CORRUPT', `record has ${end - r.at} bytes past its last header`)
  c.at = end
  const offset = ctx.baseOffset + offsetDelta
  const timestamp = ctx.appendTime ?? ctx.baseTimestamp + timestampDelta
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(timestamp)) {
    throw new CodecError('INVALID_VALUE', 'record offset or timestamp is outside the safe integer range')
  }
  return { offset, offsetDelta, timestamp, timestampDelta, attributes, key, value, headers }
}

/** Parses `count` records filling `bytes` exactly. */
function readRecords(bytes: Uint8Array, count: number, ctx: RecordContext): DecodedRecord[] {
  if (count * RECORD_BYTES_MIN > bytes.byteLength) {
    throw new CodecError('CORRUPT', `batch claims ${count} records in ${bytes.byteLength} bytes`)
  }
  const c: Cursor = { bytes, at: 0, end: bytes.byteLength }
  const records: DecodedRecord[] = []
  for (let i = 0; i < count; i++) records.push(readRecord(c, ctx))
  if (c.at !== c.end) throw new CodecError('CORRUPT', `batch has ${c.end - c.at} bytes past its last record`)
  return records
}

function compressionOfAttributes(attributes: number): Compression {
  const id = attributes & 0x07
  const kind = COMPRESSIONS[id]
  if (kind === undefined) throw new CodecError('UNSUPPORTED_COMPRESSION', `compression id ${id} is unknown`)
  return kind
}

function checkHeader(bytes: Uint8Array, header: BatchHeader, verifyCrc: boolean): number {
  const total = BATCH_LOG_OVERHEAD + header.batchLength
  if (total > bytes.byteLength) {
    throw new CodecError('TRUNCATED', `record batch of ${total} bytes, only ${bytes.byteLength} present`)
  }
  if (total < bytes.byteLength) {
    throw new CodecError('CORRUPT', `${bytes.byteLength - total} bytes follow the record batch`)
  }
  if (verifyCrc && computeBatchCrc(bytes, 0, total) !== header.crc) {
    throw new CodecError('CORRUPT', 'record batch CRC-32C does not match its bytes')
  }
  if (header.recordsCount < 0) {
    throw new CodecError('INVALID_LENGTH', `record batch count ${header.recordsCount} is negative`)
  }
  if (header.recordsCount > limits.recordsPerBatchMax) {
    throw new CodecError(
      'LIMIT_EXCEEDED',
      `record batch claims ${header.recordsCount} records, limit ${limits.recordsPerBatchMax}`,
    )
  }
  return total
}

/**
 * Decodes exactly one record batch: `bytes` must hold the whole batch and nothing after it.
 * Checks the CRC-32C unless `verifyCrc: false`.
 */
export function decodeRecordBatch(bytes: Uint8Array, options: DecodeOptions = {}): DecodedBatch {
  const header = readBatchHeader(bytes, 0)
  const total = checkHeader(bytes, header, options.verifyCrc ?? true)
  const compression = compressionOfAttributes(header.attributes)
  const section = bytes.subarray(BATCH_HEADER_BYTES, total)
  const bytesMax = options.decompressedBytesMax ?? limits.decompressedBatchBytesMax
  // An empty section with no records needs no codec (compaction may leave such batches).
  const plain =
    compression === 'none' || (section.byteLength === 0 && header.recordsCount === 0)
      ? section
      : decompressRecords(compression, section, bytesMax)
  const appendTime = (header.attributes & ATTR_TIMESTAMP_TYPE_LOG_APPEND) !== 0
  const ctx: RecordContext = {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    appendTime: appendTime ? header.maxTimestamp : undefined,
  }
  return {
    header,
    compression,
    timestampType: appendTime ? 'LogAppendTime' : 'CreateTime',
    transactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (header.attributes & ATTR_CONTROL) !== 0,
    records: readRecords(plain, header.recordsCount, ctx),
    sizeBytes: total,
  }
}

/** Where one whole batch sits inside a sequence of batches. */
export interface BatchSpan {
  at: number
  sizeBytes: number
}

/**
 * Walks concatenated batches (a Fetch response's records) without decoding them. Stops before a
 * partial trailing batch, as Kafka clients do: a broker may cut the last batch at the fetch size.
 * A length that cannot be a batch's is an error, not a partial batch.
 */
export function* recordBatchSpans(bytes: Uint8Array): Generator<BatchSpan> {
  let at = 0
  // Each step advances by at least BATCH_HEADER_BYTES, so this ends within length/61 steps.
  while (at < bytes.byteLength) {
    const total = batchTotalBytes(bytes, at)
    if (total === undefined) return
    if (total < BATCH_HEADER_BYTES) {
      throw new CodecError('INVALID_LENGTH', `record batch at byte ${at} has length ${total - 12}`)
    }
    if (at + total > bytes.byteLength) return
    yield { at, sizeBytes: total }
    at += total
  }
}

/** Decodes each whole batch in a sequence, lazily; a partial trailing batch ends the sequence. */
export function* iterateRecordBatches(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): Generator<DecodedBatch> {
  for (const span of recordBatchSpans(bytes)) {
    yield decodeRecordBatch(bytes.subarray(span.at, span.at + span.sizeBytes), options)
  }
}

/** Decodes every whole batch in a sequence; a partial trailing batch is left out. */
export function decodeRecordBatches(bytes: Uint8Array, options: DecodeOptions = {}): DecodedBatch[] {
  return [...iterateRecordBatches(bytes, options)]
}
