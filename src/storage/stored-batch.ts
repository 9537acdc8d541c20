/**
 * Checks one stored batch and walks the batches of a segment file. Everything storage reads from
 * a .log passes through `checkBatch`, so a damaged batch is never handed out: its length, magic,
 * CRC-32C and base offset (which must follow the previous batch exactly, since the CRC does not
 * cover it) are all checked.
 */
import type { FileHandle } from '../io/fs.js'
import { limits } from '../config/limits.js'
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchCrcMatches,
  batchTotalBytes,
  readBatchHeader,
} from '../protocol/records/header.js'

export interface StoredBatch {
  position: number
  totalBytes: number
  baseOffset: number
  lastOffset: number
  term: number
  maxTimestamp: number
}

export type BatchCheck =
  | { ok: true; batch: StoredBatch }
  | { ok: false; reason: string /** the bytes end inside the batch (more may be on disk) */; short: boolean }

/** Checks the batch at `at` of `bytes`, which sits at file position `position`. */
export function checkBatch(
  bytes: Uint8Array,
  at: number,
  position: number,
  expectedBaseOffset: number,
  options: { crc: boolean },
): BatchCheck {
  const total = batchTotalBytes(bytes, at)
  if (total === undefined) return { ok: false, reason: 'batch length cut short', short: true }
  if (total < BATCH_HEADER_BYTES)
    return { ok: false, reason: `batch length ${total} too small`, short: false }
  if (total > limits.recordBatchBytesConfigurableMax) {
    return { ok: false, reason: `batch length ${total} above the batch limit`, short: false }
  }
  if (bytes.byteLength - at < (options.crc ? total : BATCH_HEADER_BYTES)) {
    return { ok: false, reason: 'batch cut short', short: true }
  }
  let header: ReturnType<typeof readBatchHeader>
  try {
    header = readBatchHeader(bytes, at)
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err), short: false }
  }
  if (header.baseOffset !== expectedBaseOffset) {
    return {
      ok: false,
      reason: `batch base offset ${header.baseOffset} where ${expectedBaseOffset} was expected`,
      short: false,
    }
  }
  if (header.lastOffsetDelta < 0 || header.partitionLeaderEpoch < 0) {
    return { ok: false, reason: 'batch has a negative offset delta or term', short: false }
  }
  if (options.crc && !batchCrcMatches(bytes, at))
    return { ok: false, reason: 'batch CRC mismatch', short: false }
  return {
    ok: true,
    batch: {
      position,
      totalBytes: total,
      baseOffset: header.baseOffset,
      lastOffset: header.baseOffset + header.lastOffsetDelta,
      term: header.partitionLeaderEpoch,
      maxTimestamp: header.maxTimestamp,
    },
  }
}

export async function readFully(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length)
  let done = 0
  while (done < length) {
    const n = await handle.read(bytes.subarray(done), position + done)
    if (n === 0) break
    done += n
  }
  return done === length ? bytes : bytes.subarray(0, done)
}

export interface ScanResult {
  /** Position just after the last good batch. */
  position: number
  nextOffset: number
  /** Why the scan stopped before `endPosition`, if it did. */
  stopped?: string
}

/**
 * Walks whole batches from `position` (where a batch with base `nextOffset` starts) to
 * `endPosition`, checking each one, and calls `onBatch` for each good one. Stops at the first bad
 * batch or when `onBatch` returns false. Memory: one chunk, or one batch if larger.
 */
export async function scanBatches(
  handle: FileHandle,
  from: { position: number; nextOffset: number; endPosition: number },
  onBatch: (batch: StoredBatch) => boolean | undefined,
  check?: (batch: StoredBatch) => string | undefined,
): Promise<ScanResult> {
  let position = from.position
  let nextOffset = from.nextOffset
  let chunk: Uint8Array = new Uint8Array(0)
  let chunkStart = position
  while (position < from.endPosition) {
    const at = position - chunkStart
    let verdict = checkBatch(chunk, at, position, nextOffset, { crc: true })
    if (!verdict.ok && verdict.short) {
      const total = batchTotalBytes(chunk, at) ?? BATCH_LOG_OVERHEAD
      const size = Math.min(from.endPosition - position, Math.max(limits.segmentScanChunkBytes, total))
      chunk = await readFully(handle, position, size)
      chunkStart = position
      verdict = checkBatch(chunk, 0, position, nextOffset, { crc: true })
    }
    if (!verdict.ok) {
      const why = verdict.short ? 'torn batch at the end of the file' : verdict.reason
      return { position, nextOffset, stopped: why }
    }
    const reject = check?.(verdict.batch)
    if (reject !== undefined) return { position, nextOffset, stopped: reject }
    if (onBatch(verdict.batch) === false) return { position, nextOffset }
    position += verdict.batch.totalBytes
    nextOffset = verdict.batch.lastOffset + 1
  }
  return { position, nextOffset }
}
