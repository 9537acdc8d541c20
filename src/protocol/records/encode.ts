/**
 * Record batch v2 encoder. Two passes: size every record (so the output is allocated once, at
 * its exact size), then write. Bad input here is a programmer error (the broker and the client
 * build these from values they own), so it is asserted, not reported.
 */
import { limits } from '../../config/limits.js'
import { assert } from '../../lib/assert.js'
import { compressRecords } from './compression.js'
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  BATCH_MAGIC,
  computeBatchCrc,
  OFFSET_ATTRIBUTES,
  OFFSET_BASE_OFFSET,
  OFFSET_BASE_SEQUENCE,
  OFFSET_BASE_TIMESTAMP,
  OFFSET_BATCH_LENGTH,
  OFFSET_CRC,
  OFFSET_LAST_OFFSET_DELTA,
  OFFSET_LEADER_EPOCH,
  OFFSET_MAGIC,
  OFFSET_MAX_TIMESTAMP,
  OFFSET_PRODUCER_EPOCH,
  OFFSET_PRODUCER_ID,
  OFFSET_RECORDS_COUNT,
} from './header.js'
import { COMPRESSION_IDS, type EncodeBatchInput, type RecordInput } from './types.js'
import { varintBytes, varlongBytes, writeVarint, writeVarlong } from './varint.js'

const utf8 = new TextEncoder()

/** What pass one learns about a record, so pass two only writes. */
interface SizedRecord {
  record: RecordInput
  offsetDelta: number
  timestampDelta: number
  headerKeys: Uint8Array[]
  bodyBytes: number
}

/** Short ASCII header keys (the common case) encoded without TextEncoder's per-call cost. */
const ASCII_FAST_CHARS_MAX = 64

function headerKeyBytes(key: string): Uint8Array {
  const n = key.length
  if (n > ASCII_FAST_CHARS_MAX) return utf8.encode(key)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i)
    if (c >= 0x80) return utf8.encode(key)
    out[i] = c
  }
  return out
}

function isInt32(v: number): boolean {
  return Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff
}

function sizeRecord(record: RecordInput, offsetDelta: number, baseTimestamp: number): SizedRecord {
  const headers = record.headers ?? []
  assert(headers.length <= limits.headersPerRecordMax, 'headers per record within headersPerRecordMax')
  assert(Number.isSafeInteger(record.timestamp), 'record timestamp is a safe integer')
  const timestampDelta = record.timestamp - baseTimestamp
  assert(Number.isSafeInteger(timestampDelta), 'timestamp delta is a safe integer')
  let body = 1 + varlongBytes(timestampDelta) + varintBytes(offsetDelta)
  body += record.key === null ? 1 : varintBytes(record.key.byteLength) + record.key.byteLength
  body += record.value === null ? 1 : varintBytes(record.value.byteLength) + record.value.byteLength
  body += varintBytes(headers.length)
  const headerKeys: Uint8Array[] = []
  for (const h of headers) {
    const k = headerKeyBytes(h.key)
    headerKeys.push(k)
    body += varintBytes(k.byteLength) + k.byteLength
    body += h.value === null ? 1 : varintBytes(h.value.byteLength) + h.value.byteLength
  }
  return { record, offsetDelta, timestampDelta, headerKeys, bodyBytes: body }
}

/** Below this many bytes a plain loop beats the call into TypedArray.prototype.set. */
const COPY_LOOP_BYTES_MAX = 32

function writeNullableBytes(out: Uint8Array, at: number, b: Uint8Array | null): number {
  if (b === null) return writeVarint(out, at, -1)
  const p = writeVarint(out, at, b.byteLength)
  const n = b.byteLength
  if (n <= COPY_LOOP_BYTES_MAX) {
    for (let i = 0; i < n; i++) out[p + i] = b[i] as number
  } else {
    out.set(b, p)
  }
  return p + n
}

function writeRecord(out: Uint8Array, at: number, s: SizedRecord): number {
  let p = writeVarint(out, at, s.bodyBytes)
  const start = p
  out[p++] = 0 // record attributes: unused in v2
  p = writeVarlong(out, p, s.timestampDelta)
  p = writeVarint(out, p, s.offsetDelta)
  p = writeNullableBytes(out, p, s.record.key)
  p = writeNullableBytes(out, p, s.record.value)
  const headers = s.record.headers ?? []
  p = writeVarint(out, p, headers.length)
  for (let i = 0; i < headers.length; i++) {
    p = writeNullableBytes(out, p, s.headerKeys[i] as Uint8Array)
    p = writeNullableBytes(out, p, (headers[i] as (typeof headers)[number]).value)
  }
  assert(p - start === s.bodyBytes, 'record body written to its computed size')
  return p
}

interface SizedBatch {
  sized: SizedRecord[]
  recordsBytes: number
  baseTimestamp: number
  maxTimestamp: number
  lastOffsetDelta: number
}

function sizeRecords(records: readonly RecordInput[]): SizedBatch {
  assert(records.length >= 1, 'a batch carries at least one record')
  assert(records.length <= limits.recordsPerBatchMax, 'records within recordsPerBatchMax')
  const baseTimestamp = (records[0] as RecordInput).timestamp
  let maxTimestamp = baseTimestamp
  let lastOffsetDelta = -1
  let recordsBytes = 0
  const sized: SizedRecord[] = []
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as RecordInput
    const offsetDelta = r.offsetDelta ?? i
    assert(isInt32(offsetDelta) && offsetDelta > lastOffsetDelta, 'offset deltas increase strictly')
    lastOffsetDelta = offsetDelta
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp
    const s = sizeRecord(r, offsetDelta, baseTimestamp)
    recordsBytes += varintBytes(s.bodyBytes) + s.bodyBytes
    sized.push(s)
  }
  return { sized, recordsBytes, baseTimestamp, maxTimestamp, lastOffsetDelta }
}

function attributesOf(input: EncodeBatchInput): number {
  const control = input.control ?? false
  const transactional = (input.transactional ?? false) || control
  let attributes = COMPRESSION_IDS[input.compression ?? 'none']
  if (input.timestampType === 'LogAppendTime') attributes |= ATTR_TIMESTAMP_TYPE_LOG_APPEND
  if (transactional) attributes |= ATTR_TRANSACTIONAL
  if (control) attributes |= ATTR_CONTROL
  return attributes
}

/** Encodes one record batch (magic 2) with correct lengths, deltas, timestamps and CRC-32C. */
export function encodeRecordBatch(input: EncodeBatchInput): Uint8Array {
  assert(Number.isSafeInteger(input.baseOffset) && input.baseOffset >= 0, 'baseOffset is a safe integer ≥ 0')
  const b = sizeRecords(input.records)
  const compression = input.compression ?? 'none'
  let out: Uint8Array
  if (compression === 'none') {
    // Not zero-filled: every byte is written below (asserted), header fields included. Slow =
    // not from the shared pool, so the batch owns its ArrayBuffer.
    out = Buffer.allocUnsafeSlow(BATCH_HEADER_BYTES + b.recordsBytes)
    let p = BATCH_HEADER_BYTES
    for (const s of b.sized) p = writeRecord(out, p, s)
    assert(p === out.byteLength, 'records filled the batch exactly')
  } else {
    const plain = Buffer.allocUnsafe(b.recordsBytes)
    let p = 0
    for (const s of b.sized) p = writeRecord(plain, p, s)
    assert(p === plain.byteLength, 'records filled their buffer exactly')
    const packed = compressRecords(compression, plain)
    out = Buffer.allocUnsafeSlow(BATCH_HEADER_BYTES + packed.byteLength)
    out.set(packed, BATCH_HEADER_BYTES)
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  view.setBigInt64(OFFSET_BASE_OFFSET, BigInt(input.baseOffset))
  view.setInt32(OFFSET_BATCH_LENGTH, out.byteLength - BATCH_LOG_OVERHEAD)
  view.setInt32(OFFSET_LEADER_EPOCH, input.partitionLeaderEpoch ?? -1)
  view.setInt8(OFFSET_MAGIC, BATCH_MAGIC)
  view.setInt16(OFFSET_ATTRIBUTES, attributesOf(input))
  view.setInt32(OFFSET_LAST_OFFSET_DELTA, b.lastOffsetDelta)
  view.setBigInt64(OFFSET_BASE_TIMESTAMP, BigInt(b.baseTimestamp))
  view.setBigInt64(OFFSET_MAX_TIMESTAMP, BigInt(b.maxTimestamp))
  view.setBigInt64(OFFSET_PRODUCER_ID, BigInt(input.producerId ?? -1))
  view.setInt16(OFFSET_PRODUCER_EPOCH, input.producerEpoch ?? -1)
  view.setInt32(OFFSET_BASE_SEQUENCE, input.baseSequence ?? -1)
  view.setInt32(OFFSET_RECORDS_COUNT, b.sized.length)
  view.setUint32(OFFSET_CRC, computeBatchCrc(out, 0, out.byteLength))
  return out
}
