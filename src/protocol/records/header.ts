/**
 * The fixed 61-byte header of a Kafka record batch (magic 2), read and patched in place.
 *
 *   0  baseOffset int64          │ not covered by the CRC: the broker rewrites these two
 *  12  partitionLeaderEpoch int32│
 *   8  batchLength int32         (bytes after this field; total = 12 + batchLength)
 *  16  magic int8 = 2
 *  17  crc uint32                CRC-32C over [21, end)
 *  21  attributes int16 · 23 lastOffsetDelta int32 · 27 baseTimestamp int64 · 35 maxTimestamp int64
 *  43  producerId int64 · 51 producerEpoch int16 · 53 baseSequence int32 · 57 recordsCount int32
 */
import { crc32c } from '../../lib/crc32c.js'
import { CodecError } from '../codec-error.js'

export const BATCH_HEADER_BYTES = 61
/** Bytes before batchLength's payload starts: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD = 12
export const BATCH_MAGIC = 2

export const OFFSET_BASE_OFFSET = 0
export const OFFSET_BATCH_LENGTH = 8
export const OFFSET_LEADER_EPOCH = 12
export const OFFSET_MAGIC = 16
export const OFFSET_CRC = 17
export const OFFSET_ATTRIBUTES = 21
export const OFFSET_LAST_OFFSET_DELTA = 23
export const OFFSET_BASE_TIMESTAMP = 27
export const OFFSET_MAX_TIMESTAMP = 35
export const OFFSET_PRODUCER_ID = 43
export const OFFSET_PRODUCER_EPOCH = 51
export const OFFSET_BASE_SEQUENCE = 53
export const OFFSET_RECORDS_COUNT = 57

export const ATTR_COMPRESSION_MASK = 0x07
export const ATTR_TIMESTAMP_TYPE_LOG_APPEND = 0x08
export const ATTR_TRANSACTIONAL = 0x10
export const ATTR_CONTROL = 0x20
export const ATTR_DELETE_HORIZON = 0x40

export interface BatchHeader {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

function readInt64(view: DataView, at: number, what: string): number {
  const v = view.getBigInt64(at)
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new CodecError('INVALID_VALUE', `record batch ${what} ${v} is outside the safe integer range`)
  }
  return Number(v)
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Total size of the batch starting at `at`, from its length field, or undefined when fewer than
 * the 12 bytes that hold it remain. Does not check that the whole batch is present.
 */
export function batchTotalBytes(bytes: Uint8Array, at = 0): number | undefined {
  if (bytes.byteLength - at < BATCH_LOG_OVERHEAD) return undefined
  const batchLength = viewOf(bytes).getInt32(at + OFFSET_BATCH_LENGTH)
  return BATCH_LOG_OVERHEAD + batchLength
}

/** Reads the header of the batch that starts at `at`. Checks sizes and magic, not the CRC. */
export function readBatchHeader(bytes: Uint8Array, at = 0): BatchHeader {
  if (bytes.byteLength - at < BATCH_HEADER_BYTES) {
    throw new CodecError(
      'TRUNCATED',
      `record batch header needs ${BATCH_HEADER_BYTES} bytes, ${bytes.byteLength - at} remain`,
    )
  }
  const view = viewOf(bytes)
  const batchLength = view.getInt32(at + OFFSET_BATCH_LENGTH)
  if (batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD) {
    throw new CodecError('INVALID_LENGTH', `record batch length ${batchLength} is shorter than its header`)
  }
  const magic = view.getInt8(at + OFFSET_MAGIC)
  if (magic !== BATCH_MAGIC) {
    throw new CodecError('INVALID_VALUE', `record batch magic ${magic} is not supported (only magic 2)`)
  }
  return {
    baseOffset: readInt64(view, at + OFFSET_BASE_OFFSET, 'baseOffset'),
    batchLength,
    partitionLeaderEpoch: view.getInt32(at + OFFSET_LEADER_EPOCH),
    magic,
    crc: view.getUint32(at + OFFSET_CRC),
    attributes: view.getInt16(at + OFFSET_ATTRIBUTES),
    lastOffsetDelta: view.getInt32(at + OFFSET_LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(view, at + OFFSET_BASE_TIMESTAMP, 'baseTimestamp'),
    maxTimestamp: readInt64(view, at + OFFSET_MAX_TIMESTAMP, 'maxTimestamp'),
    producerId: readInt64(view, at + OFFSET_PRODUCER_ID, 'producerId'),
    producerEpoch: view.getInt16(at + OFFSET_PRODUCER_EPOCH),
    baseSequence: view.getInt32(at + OFFSET_BASE_SEQUENCE),
    recordsCount: view.getInt32(at + OFFSET_RECORDS_COUNT),
  }
}

/** CRC-32C of the batch that starts at `at` and is `total` bytes long, over [21, end). */
export function computeBatchCrc(bytes: Uint8Array, at: number, total: number): number {
  return crc32c(bytes.subarray(at + OFFSET_ATTRIBUTES, at + total))
}

/** True when the stored CRC matches the bytes. The batch must be whole. */
export function batchCrcMatches(bytes: Uint8Array, at = 0): boolean {
  const total = batchTotalBytes(bytes, at)
  if (total === undefined || total < BATCH_HEADER_BYTES || at + total > bytes.byteLength) return false
  return viewOf(bytes).getUint32(at + OFFSET_CRC) === computeBatchCrc(bytes, at, total)
}

/** Rewrites baseOffset in place. Not covered by the CRC. */
export function setBaseOffset(bytes: Uint8Array, at: number, baseOffset: number): void {
  viewOf(bytes).setBigInt64(at + OFFSET_BASE_OFFSET, BigInt(baseOffset))
}

/** Rewrites partitionLeaderEpoch (the Raft term) in place. Not covered by the CRC. */
export function setPartitionLeaderEpoch(bytes: Uint8Array, at: number, epoch: number): void {
  viewOf(bytes).setInt32(at + OFFSET_LEADER_EPOCH, epoch)
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & ATTR_CONTROL) !== 0
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & ATTR_TRANSACTIONAL) !== 0
}

export function compressionOf(attributes: number): number {
  return attributes & ATTR_COMPRESSION_MASK
}

/**
 * Turns the batch at `at` into a LogAppendTime batch stamped `timestamp`, as a broker does for
 * topics with message.timestamp.type=LogAppendTime. Attributes and maxTimestamp are covered by the
 * CRC, so unlike the two setters above this recomputes it. The batch must be whole.
 */
export function setLogAppendTime(bytes: Uint8Array, at: number, timestamp: number): void {
  const total = batchTotalBytes(bytes, at)
  if (total === undefined || total < BATCH_HEADER_BYTES || at + total > bytes.byteLength) {
    throw new CodecError('TRUNCATED', 'setLogAppendTime needs the whole batch')
  }
  const view = viewOf(bytes)
  view.setInt16(
    at + OFFSET_ATTRIBUTES,
    view.getInt16(at + OFFSET_ATTRIBUTES) | ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  )
  view.setBigInt64(at + OFFSET_MAX_TIMESTAMP, BigInt(timestamp))
  view.setUint32(at + OFFSET_CRC, computeBatchCrc(bytes, at, total))
}
