/** The shapes the record batch codec takes and gives. */
import type { BatchHeader } from './header.js'

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
export type TimestampType = 'CreateTime' | 'LogAppendTime'

/** Attribute bits 0-2, by Kafka's numbering. */
export const COMPRESSION_IDS: Readonly<Record<Compression, number>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
}
export const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

export interface RecordHeader {
  key: string
  value: Uint8Array | null
}

export interface RecordInput {
  key: Uint8Array | null
  value: Uint8Array | null
  headers?: readonly RecordHeader[]
  /** Milliseconds since the epoch (CreateTime), a safe integer. */
  timestamp: number
  /** Defaults to the record's index in the batch. Must increase strictly. */
  offsetDelta?: number
}

export interface EncodeBatchInput {
  baseOffset: number
  /** Defaults to -1 (none); the leader stamps its Raft term here on append. */
  partitionLeaderEpoch?: number
  compression?: Compression
  timestampType?: TimestampType
  transactional?: boolean
  /** Set only for control batches (end-transaction markers); implies transactional. */
  control?: boolean
  /** -1, -1, -1 when the producer is not idempotent. */
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  records: readonly RecordInput[]
}

/**
 * One decoded record. `key`, `value` and header values are views into the bytes the batch was
 * decoded from (or into its decompressed records): copy them to keep them past that buffer.
 */
export interface DecodedRecord {
  offset: number
  offsetDelta: number
  /** Absolute: baseTimestamp + delta, or maxTimestamp for LogAppendTime batches (as Kafka clients do). */
  timestamp: number
  timestampDelta: number
  attributes: number
  key: Uint8Array | null
  value: Uint8Array | null
  headers: RecordHeader[]
}

export interface DecodedBatch {
  header: BatchHeader
  compression: Compression
  timestampType: TimestampType
  transactional: boolean
  control: boolean
  records: DecodedRecord[]
  /** Total bytes of the batch on the wire (12 + batchLength). */
  sizeBytes: number
}

export interface DecodeOptions {
  /** Skip the CRC-32C check, for callers that already checked these exact bytes. Default true. */
  verifyCrc?: boolean
  /** Bound on decompressed records bytes; defaults to limits.decompressedBatchBytesMax. */
  decompressedBytesMax?: number
}
