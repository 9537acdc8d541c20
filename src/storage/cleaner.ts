/**
 * Log compaction (Kafka's cleanup.policy=compact): among the records of sealed segments only the
 * latest record of each key survives, at its original offset. The rules and the crash-safety
 * invariants (C1–C6) of the segment swap are in README.md; this file keeps them.
 */
import { limits } from '../config/limits.js'
import { assert } from '../lib/assert.js'
import { decodeRecordBatch } from '../protocol/records/decode.js'
import { encodeRecordBatch } from '../protocol/records/encode.js'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  batchTotalBytes,
  computeBatchCrc,
  OFFSET_ATTRIBUTES,
  OFFSET_BATCH_LENGTH,
  OFFSET_CRC,
  OFFSET_LAST_OFFSET_DELTA,
  OFFSET_MAX_TIMESTAMP,
  OFFSET_RECORDS_COUNT,
  readBatchHeader,
} from '../protocol/records/header.js'
import type { DecodedRecord } from '../protocol/records/types.js'
import { StorageError } from './errors.js'
import type { Segment, SegmentContext } from './segment.js'
import { SegmentIndex } from './segment-index.js'
import { checkBatch, readFully } from './stored-batch.js'

export interface CompactionPolicy {
  nowMs: number
  /** Tombstones are dropped once their segment's newest timestamp is this old (delete.retention.ms). */
  deleteRetentionMs: number
  /** Segments whose newest timestamp is younger than this are not cleaned (min.compaction.lag.ms). */
  minCompactionLagMs: number
  /** Defaults to limits.compactionOffsetMapKeysMax; tests lower it. */
  offsetMapKeysMax?: number
}

export interface CompactionResult {
  segmentsCleaned: number
  recordsRemoved: number
  bytesBefore: number
  bytesAfter: number
  /** Offsets below this were considered; the map was full (or the lag stopped it) there. */
  cleanableEndOffset: number
}

/** Bytes an offset map entry costs beyond its key (Map slot, string header, number). */
const OFFSET_MAP_ENTRY_OVERHEAD_BYTES = 64
/** Cleaned bytes buffered before they are written to the `.cleaned` file. */
const CLEANED_WRITE_CHUNK_BYTES = 1024 * 1024
const INT32_MAX = 0x7fffffff

/** Key → latest offset, bounded in keys and bytes. */
export class OffsetMap {
  private readonly latestByKey = new Map<string, number>()
  private bytes = 0

  constructor(
    private readonly keysMax: number,
    private readonly bytesMax: number,
  ) {}

  /** Records `offset` as the latest for `key`; false when the key is new and the map is full. */
  put(key: Uint8Array, offset: number): boolean {
    const k = keyString(key)
    if (!this.latestByKey.has(k)) {
      const cost = k.length + OFFSET_MAP_ENTRY_OVERHEAD_BYTES
      if (this.latestByKey.size >= this.keysMax || this.bytes + cost > this.bytesMax) return false
      this.bytes += cost
    }
    this.latestByKey.set(k, offset)
    return true
  }

  latest(key: Uint8Array): number | undefined {
    return this.latestByKey.get(keyString(key))
  }

  get size(): number {
    return this.latestByKey.size
  }
}

function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')
}

function isCleanable(attributes: number): boolean {
  return (attributes & (ATTR_CONTROL | ATTR_TRANSACTIONAL)) === 0
}

/**
 * Calls `visit` with the bytes of every batch of a sealed segment, in order, each checked
 * (length, CRC, contiguous base offset). A damaged segment is CORRUPT_BATCH: it is not cleaned.
 */
export async function forEachBatch(
  ctx: SegmentContext,
  segment: Segment,
  visit: (bytes: Uint8Array) => boolean | undefined | Promise<boolean | undefined>,
): Promise<void> {
  const pinned = await ctx.files.pin(segment.logPath(ctx), false)
  try {
    let position = 0
    let expected = segment.baseOffset
    let chunk: Uint8Array = new Uint8Array(0)
    let chunkStart = 0
    // Bounded: every step moves `position` forward by a whole batch, or ends the loop.
    while (position < segment.sizeBytes) {
      let verdict = checkBatch(chunk, position - chunkStart, position, expected, { crc: true })
      if (!verdict.ok && verdict.short) {
        const total = batchTotalBytes(chunk, position - chunkStart) ?? BATCH_LOG_OVERHEAD
        const size = Math.min(segment.sizeBytes - position, Math.max(limits.segmentScanChunkBytes, total))
        chunk = await readFully(pinned.handle, position, size)
        chunkStart = position
        verdict = checkBatch(chunk, 0, position, expected, { crc: true })
      }
      if (!verdict.ok) {
        throw new StorageError(
          'CORRUPT_BATCH',
          `${segment.logPath(ctx)} at byte ${position}: ${verdict.reason}; not cleaned`,
        )
      }
      const at = position - chunkStart
      // Views stay valid: every read allocates a fresh chunk.
      if ((await visit(chunk.subarray(at, at + verdict.batch.totalBytes))) === false) return
      position += verdict.batch.totalBytes
      expected = verdict.batch.lastOffset + 1
    }
  } finally {
    pinned.release()
  }
}

/**
 * The map pass: key → latest offset over `segments` (oldest first). Returns the offset below
 * which every keyed record is mapped: the end of the last segment, or the first record whose key
 * did not fit.
 */
export async function buildOffsetMap(
  ctx: SegmentContext,
  segments: readonly Segment[],
  map: OffsetMap,
): Promise<number> {
  let end = segments[0]?.baseOffset ?? 0
  for (const segment of segments) {
    let full = false
    await forEachBatch(ctx, segment, (bytes) => {
      const header = readBatchHeader(bytes)
      if (isCleanable(header.attributes)) {
        for (const record of decodeRecordBatch(bytes, { verifyCrc: false }).records) {
          if (record.key === null) continue
          if (!map.put(record.key, record.offset)) {
            end = record.offset
            full = true
            return false
          }
        }
      }
      end = header.baseOffset + header.lastOffsetDelta + 1
      return true
    })
    if (full) return end
    end = segment.endOffset
  }
  return end
}

export interface SegmentCleaning {
  map: OffsetMap
  cleanableEnd: number
  dropTombstones: boolean
}

/** What cleaning one batch gives: its bytes (maybe the same array) and the records it lost. */
export function cleanBatch(bytes: Uint8Array, c: SegmentCleaning): { bytes: Uint8Array; removed: number } {
  const header = readBatchHeader(bytes)
  if (!isCleanable(header.attributes) || header.baseOffset >= c.cleanableEnd) return { bytes, removed: 0 }
  const decoded = decodeRecordBatch(bytes, { verifyCrc: false })
  const kept = decoded.records.filter((r) => survives(r, c))
  const removed = decoded.records.length - kept.length
  if (removed === 0) return { bytes, removed: 0 }
  if (kept.length === 0) return { bytes: emptyBatch(bytes), removed }
  const out = encodeRecordBatch({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    compression: decoded.compression,
    timestampType: decoded.timestampType,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    records: kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: r.offsetDelta,
    })),
  })
  // The batch keeps its offset range and newest timestamp (time index, retention, LogAppendTime).
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  view.setInt32(OFFSET_LAST_OFFSET_DELTA, header.lastOffsetDelta)
  view.setBigInt64(OFFSET_MAX_TIMESTAMP, BigInt(header.maxTimestamp))
  view.setUint32(OFFSET_CRC, computeBatchCrc(out, 0, out.byteLength))
  return { bytes: out, removed }
}

function survives(record: DecodedRecord, c: SegmentCleaning): boolean {
  if (record.offset >= c.cleanableEnd || record.key === null) return true
  const latest = c.map.latest(record.key)
  // Every keyed record below cleanableEnd is in the map, so `latest` is this one or a later one.
  assert(latest !== undefined && latest >= record.offset, 'the offset map covers the cleanable range')
  if (latest !== record.offset) return false
  return !(record.value === null && c.dropTombstones)
}

/** The header of `bytes` alone: no records, no compression, the same offsets, producer and term. */
function emptyBatch(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(BATCH_HEADER_BYTES)
  out.set(bytes.subarray(0, BATCH_HEADER_BYTES))
  const view = new DataView(out.buffer)
  view.setInt32(OFFSET_BATCH_LENGTH, BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD)
  view.setInt16(OFFSET_ATTRIBUTES, view.getInt16(OFFSET_ATTRIBUTES) & ~ATTR_COMPRESSION_MASK)
  view.setInt32(OFFSET_RECORDS_COUNT, 0)
  view.setUint32(OFFSET_CRC, computeBatchCrc(out, 0, out.byteLength))
  return out
}

/**
 * One empty batch spanning two adjacent empty ones, when neither belongs to a producer (whose
 * last batch idempotence needs) and both carry the same term; undefined otherwise.
 */
export function mergeEmpty(a: Uint8Array, b: Uint8Array): Uint8Array | undefined {
  if (a.byteLength !== BATCH_HEADER_BYTES || b.byteLength !== BATCH_HEADER_BYTES) return undefined
  const ha = readBatchHeader(a)
  const hb = readBatchHeader(b)
  if (ha.recordsCount !== 0 || hb.recordsCount !== 0) return undefined
  if (ha.producerId !== -1 || hb.producerId !== -1) return undefined
  if (!isCleanable(ha.attributes) || !isCleanable(hb.attributes)) return undefined
  if (ha.partitionLeaderEpoch !== hb.partitionLeaderEpoch) return undefined
  const delta = hb.baseOffset + hb.lastOffsetDelta - ha.baseOffset
  if (delta > INT32_MAX) return undefined
  const out = new Uint8Array(a)
  const view = new DataView(out.buffer)
  view.setInt32(OFFSET_LAST_OFFSET_DELTA, delta)
  view.setBigInt64(OFFSET_MAX_TIMESTAMP, BigInt(Math.max(ha.maxTimestamp, hb.maxTimestamp)))
  view.setUint32(OFFSET_CRC, computeBatchCrc(out, 0, out.byteLength))
  return out
}

export function cleanedPath(ctx: SegmentContext, segment: Segment): string {
  return `${segment.logPath(ctx)}.cleaned`
}

export const CLEANED_SUFFIX = '.cleaned'

/**
 * Cleans one sealed segment into `NNN.log.cleaned` (fdatasync'd, C1) and returns what the swap
 * needs, or undefined when nothing would change (the temp file is removed then; a crash before
 * that leaves it to recovery, C4). Memory: one read chunk and at most CLEANED_WRITE_CHUNK_BYTES.
 */
export async function writeCleanedSegment(
  ctx: SegmentContext,
  segment: Segment,
  c: SegmentCleaning,
): Promise<{ sizeBytes: number; index: SegmentIndex; removed: number } | undefined> {
  const index = new SegmentIndex(segment.baseOffset, ctx.indexIntervalBytes)
  const path = cleanedPath(ctx, segment)
  const handle = await ctx.fs.open(path, { create: true })
  let last: Uint8Array | undefined
  let removed = 0
  let merged = 0
  let outBytes = 0
  let written = 0
  let maxBefore = -1
  let pending: Uint8Array[] = []
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    const parts = pending
    pending = []
    await handle.writev(parts, written)
    written = outBytes
  }
  const place = (bytes: Uint8Array): void => {
    const h = readBatchHeader(bytes)
    // The index entry's timestamp is the newest before the batch, as rebuildIndex makes it.
    index.onBatch(h.baseOffset, outBytes, maxBefore)
    maxBefore = Math.max(maxBefore, h.maxTimestamp)
    pending.push(bytes)
    outBytes += bytes.byteLength
  }
  try {
    await handle.truncate(0)
    await forEachBatch(ctx, segment, async (bytes) => {
      const cleaned = cleanBatch(bytes, c)
      removed += cleaned.removed
      const joined = last === undefined ? undefined : mergeEmpty(last, cleaned.bytes)
      if (joined !== undefined) {
        merged++
        last = joined
      } else {
        if (last !== undefined) place(last)
        last = cleaned.bytes
      }
      if (outBytes - written >= CLEANED_WRITE_CHUNK_BYTES) await flush()
      return true
    })
    if (last !== undefined) place(last)
    if (removed > 0 || merged > 0) {
      await flush()
      await handle.datasync()
    }
  } finally {
    await handle.close()
  }
  if (removed === 0 && merged === 0) {
    await ctx.fs.remove(path)
    return undefined
  }
  return { sizeBytes: outBytes, index, removed }
}

/**
 * Swaps the cleaned file in (C2, C3): old indexes go, the rename replaces the .log atomically,
 * the directory is synced; `onSwapped` runs in the same turn as the rename completes (C5).
 */
export async function swapCleanedSegment(
  ctx: SegmentContext,
  segment: Segment,
  cleaned: { sizeBytes: number; index: SegmentIndex },
  onSwapped: () => void,
): Promise<void> {
  await segment.removeIndexFiles(ctx)
  ctx.files.drop(segment.logPath(ctx))
  await ctx.fs.rename(cleanedPath(ctx, segment), segment.logPath(ctx))
  segment.replaceContents(cleaned.sizeBytes, cleaned.index)
  onSwapped()
  await ctx.fs.syncDir(ctx.dir)
  await segment.writeIndexFiles(ctx)
}

export function isCleanedTemp(name: string): boolean {
  return name.endsWith(CLEANED_SUFFIX)
}
