/**
 * Control batches: end-transaction markers (COMMIT / ABORT), Kafka's EndTransactionMarker.
 * One record; key = int16 version (0) + int16 type; value = int16 version (0) + int32
 * coordinatorEpoch. Attributes carry control and transactional; baseSequence is -1.
 */
import { assert } from '../../lib/assert.js'
import { CodecError } from '../codec-error.js'
import { encodeRecordBatch } from './encode.js'
import type { DecodedBatch, DecodedRecord } from './types.js'

export const CONTROL_TYPE_ABORT = 0
export const CONTROL_TYPE_COMMIT = 1
const CONTROL_KEY_BYTES = 4
const END_TXN_VALUE_BYTES = 6

export type EndTxnType = 'ABORT' | 'COMMIT'

export interface EndTxnMarker {
  type: EndTxnType
  coordinatorEpoch: number
}

export interface EncodeEndTxnInput {
  baseOffset: number
  partitionLeaderEpoch?: number
  producerId: number
  producerEpoch: number
  timestamp: number
  type: EndTxnType
  coordinatorEpoch: number
}

/** Encodes a one-record control batch holding an end-transaction marker. */
export function encodeEndTxnMarker(input: EncodeEndTxnInput): Uint8Array {
  assert(input.producerId >= 0, 'a transaction marker belongs to a producer')
  const key = new Uint8Array(CONTROL_KEY_BYTES)
  const keyView = new DataView(key.buffer)
  keyView.setInt16(0, 0)
  keyView.setInt16(2, input.type === 'COMMIT' ? CONTROL_TYPE_COMMIT : CONTROL_TYPE_ABORT)
  const value = new Uint8Array(END_TXN_VALUE_BYTES)
  const valueView = new DataView(value.buffer)
  valueView.setInt16(0, 0)
  valueView.setInt32(2, input.coordinatorEpoch)
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    compression: 'none',
    timestampType: 'CreateTime',
    transactional: true,
    control: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    records: [{ key, value, timestamp: input.timestamp }],
  })
}

/**
 * The control record type from a control record's key: 0 ABORT, 1 COMMIT, 2-6 KRaft-internal.
 * Newer key versions are read the way Kafka does, by their leading version and type.
 */
export function controlRecordType(record: DecodedRecord): number {
  const key = record.key
  if (key === null || key.byteLength < CONTROL_KEY_BYTES) {
    throw new CodecError('CORRUPT', 'control record key is shorter than version + type')
  }
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength)
  const version = view.getInt16(0)
  if (version < 0) throw new CodecError('INVALID_VALUE', `control record key version ${version} is negative`)
  return view.getInt16(2)
}

/** Reads the end-transaction marker of a decoded control batch. */
export function readEndTxnMarker(batch: DecodedBatch): EndTxnMarker {
  if (!batch.control) throw new CodecError('INVALID_VALUE', 'batch is not a control batch')
  const record = batch.records[0]
  if (batch.records.length !== 1 || record === undefined) {
    throw new CodecError('CORRUPT', `control batch holds ${batch.records.length} records, not 1`)
  }
  const type = controlRecordType(record)
  if (type !== CONTROL_TYPE_ABORT && type !== CONTROL_TYPE_COMMIT) {
    throw new CodecError('INVALID_VALUE', `control record type ${type} is not an end-transaction marker`)
  }
  const value = record.value
  if (value === null || value.byteLength < END_TXN_VALUE_BYTES) {
    throw new CodecError('CORRUPT', 'end-transaction marker value is shorter than version + epoch')
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength)
  const version = view.getInt16(0)
  if (version < 0)
    throw new CodecError('INVALID_VALUE', `end-transaction marker version ${version} is negative`)
  return { type: type === CONTROL_TYPE_COMMIT ? 'COMMIT' : 'ABORT', coordinatorEpoch: view.getInt32(2) }
}
