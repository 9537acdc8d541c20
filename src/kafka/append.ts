/**
 * Validating and appending one produced batch to one partition. Nothing is appended unless every
 * check passes: exactly one magic-2 batch that fills the records field, within max.message.bytes,
 * a matching CRC-32C, consistent counts, a supported compression, no control or transactional
 * flag, and a producer sequence that continues the producer's last one (or repeats a retained
 * batch, which is answered with its original offsets).
 */
import { compacts } from '../cluster/topics.js'
import { CodecError } from '../protocol/codec-error.js'
import { decodeRecordBatch } from '../protocol/records/decode.js'
import {
  BATCH_HEADER_BYTES,
  type BatchHeader,
  batchCrcMatches,
  batchTotalBytes,
  compressionOf,
  isControlBatch,
  isTransactionalBatch,
  readBatchHeader,
} from '../protocol/records/header.js'
import { type Broker, LEADER_EPOCH } from './broker.js'
import type { ErrorCode } from './errors.js'
import { lastSequenceOf } from './producer-state.js'

export interface AppendOutcome {
  error: ErrorCode
  message: string | null
  baseOffset: number
  logStartOffset: number
}

/** Compression codecs: none, gzip, snappy, lz4, zstd (zstd only from Produce v7). */
const COMPRESSION_ZSTD = 4

function fail(error: ErrorCode, message: string | null): AppendOutcome {
  return { error, message, baseOffset: -1, logStartOffset: -1 }
}

/** Checks the batch bytes alone; returns its header or the reason it is refused. */
export function validateBatch(
  records: Uint8Array,
  produceVersion: number,
  maxMessageBytes: number,
): BatchHeader | AppendOutcome {
  if (records.byteLength > maxMessageBytes) {
    return fail(
      'MESSAGE_TOO_LARGE',
      `batch of ${records.byteLength} bytes exceeds max.message.bytes ${maxMessageBytes}`,
    )
  }
  if (records.byteLength < BATCH_HEADER_BYTES)
    return fail('INVALID_RECORD', 'records shorter than a batch header')
  let h: BatchHeader
  try {
    h = readBatchHeader(records)
  } catch (e) {
    if (e instanceof CodecError) return fail('INVALID_RECORD', e.message)
    throw e
  }
  if (batchTotalBytes(records) !== records.byteLength) {
    return fail('INVALID_RECORD', 'a produce request must carry exactly one record batch per partition')
  }
  if (!batchCrcMatches(records)) return fail('CORRUPT_MESSAGE', 'record batch CRC-32C does not match')
  if (h.recordsCount <= 0 || h.lastOffsetDelta !== h.recordsCount - 1) {
    return fail(
      'INVALID_RECORD',
      `records count ${h.recordsCount} disagrees with last offset delta ${h.lastOffsetDelta}`,
    )
  }
  const compression = compressionOf(h.attributes)
  if (compression > COMPRESSION_ZSTD || (compression === COMPRESSION_ZSTD && produceVersion < 7)) {
    return fail('UNSUPPORTED_COMPRESSION', `compression ${compression} at Produce v${produceVersion}`)
  }
  if (isControlBatch(h.attributes)) return fail('INVALID_RECORD', 'clients may not produce control batches')
  if (isTransactionalBatch(h.attributes))
    return fail('TRANSACTIONS_UNSUPPORTED', 'transactions are not served yet')
  return h
}

export async function appendBatch(
  broker: Broker,
  topic: string,
  partition: number,
  records: Uint8Array | null,
  produceVersion: number,
): Promise<AppendOutcome> {
  const t = broker.topic(topic)
  const p = await broker.partition(topic, partition)
  if (t === undefined || p === undefined) return fail('UNKNOWN_TOPIC_OR_PARTITION', null)
  if (records === null) return fail('INVALID_RECORD', 'records are missing')
  const checked = validateBatch(records, produceVersion, t.config.maxMessageBytes)
  if (!('batchLength' in checked)) return checked
  const h = checked
  if (compacts(t.config)) {
    const unkeyed = keylessRecordOf(records)
    if (unkeyed !== undefined) return unkeyed
  }
  const seq = {
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    lastSequence: lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
  }
  // Check and append run without an await between them, so no other append can interleave.
  const verdict = p.producers.check(seq)
  if (verdict.kind === 'error')
    return fail(verdict.code, `producer ${h.producerId} epoch ${h.producerEpoch} seq ${h.baseSequence}`)
  if (verdict.kind === 'duplicate') {
    // The original may be the write that failed (a full disk): then the retry is not an ack either.
    try {
      await p.log.whenDurable(verdict.baseOffset + 1)
    } catch {
      return fail('STORAGE_ERROR', 'the write to disk failed')
    }
    return {
      error: 'NONE',
      message: null,
      baseOffset: verdict.baseOffset,
      logStartOffset: p.log.startOffset(),
    }
  }
  // Copy: the frame buffer is shared with the rest of the request, and the log rewrites offsets.
  const { baseOffset, durable } = p.log.append(records.slice(), LEADER_EPOCH)
  p.producers.record({ ...seq, baseOffset })
  try {
    await durable
  } catch (e) {
    broker.log.error('log.write_failed', { topic, partition, reason: (e as Error).message })
    return fail('STORAGE_ERROR', 'the write to disk failed')
  }
  broker.notifyAppend()
  return { error: 'NONE', message: null, baseOffset, logStartOffset: p.log.startOffset() }
}

/**
 * A compacted topic keeps the latest record per key, so a record without a key has no place in it:
 * Kafka refuses such a batch with INVALID_RECORD, and so do we. The batch is decoded (and
 * decompressed, bounded by limits.decompressedBatchBytesMax) only for compacted topics.
 */
function keylessRecordOf(records: Uint8Array): AppendOutcome | undefined {
  let decoded: ReturnType<typeof decodeRecordBatch>
  try {
    decoded = decodeRecordBatch(records, { verifyCrc: false })
  } catch (e) {
    if (e instanceof CodecError) return fail('INVALID_RECORD', e.message)
    throw e
  }
  const at = decoded.records.findIndex((r) => r.key === null)
  if (at < 0) return undefined
  return fail('INVALID_RECORD', `compacted topic: record ${at} of the batch has no key`)
}
