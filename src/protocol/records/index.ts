/** Record batch v2: the public surface of src/protocol/records (see README.md beside this file). */
export {
  controlRecordType,
  type EncodeEndTxnInput,
  type EndTxnMarker,
  type EndTxnType,
  encodeEndTxnMarker,
  readEndTxnMarker,
} from './control.js'
export {
  type BatchSpan,
  decodeRecordBatch,
  decodeRecordBatches,
  iterateRecordBatches,
  recordBatchSpans,
} from './decode.js'
export { encodeRecordBatch } from './encode.js'
export {
  type BatchHeader,
  batchCrcMatches,
  batchTotalBytes,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from './header.js'
export type {
  Compression,
  DecodedBatch,
  DecodedRecord,
  DecodeOptions,
  EncodeBatchInput,
  RecordHeader,
  RecordInput,
  TimestampType,
} from './types.js'
