/**
 * One segment of a partition log: `NNN.log` holding whole batches exactly as on the wire, where
 * NNN is the base offset of its first batch, zero-padded to 20 digits as Kafka does, plus its
 * sparse index (segment-index.ts). Only the last segment of a log is active (written to); the
 * others are sealed and never change, except that a suffix truncation may reopen the last of them.
 */
import { type FileHandle, type FileSystem, joinPath, readWholeFile, writeFileAtomically } from '../io/fs.js'
import { limits } from '../config/limits.js'
import { assert } from '../lib/assert.js'
import { StorageError } from './errors.js'
import type { SegmentFileCache } from './file-cache.js'
import { type IndexSummary, SegmentIndex } from './segment-index.js'
import { checkBatch, readFully, type ScanResult, scanBatches, type StoredBatch } from './stored-batch.js'

export interface SegmentContext {
  fs: FileSystem
  dir: string
  files: SegmentFileCache
  indexIntervalBytes: number
  warn(message: string): void
}

/** A batch found by a walk, with the bytes last read (which hold at least its header). */
export interface Walked {
  batch: StoredBatch
  chunk: Uint8Array
  chunkStart: number
}

export function segmentName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0')
}

export const SEGMENT_NAME_RE = /^(\d{20})\.(log|index|timeindex)$/

export class Segment {
  /** Loaded lazily for sealed segments; always present for the active one. */
  index: SegmentIndex | undefined
  /** Known once the index is loaded or the segment was written in this process. */
  maxTimestamp: number | undefined
  private loading: Promise<SegmentIndex> | undefined
  /** When the segment took its first batch in this process (age-based roll). */
  firstAppendMs: number | undefined
  /** Bumped when compaction swaps the .log; an index loaded from the old file is then discarded. */
  private generation = 0

  constructor(
    readonly baseOffset: number,
    /** Valid bytes in the .log; reads never go past it. */
    public sizeBytes: number,
    /** One past the last offset held; for sealed segments it is the next segment's base offset. */
    public endOffset: number,
  ) {}

  logPath(ctx: SegmentContext): string {
    return joinPath(ctx.dir, `${segmentName(this.baseOffset)}.log`)
  }

  private indexPaths(ctx: SegmentContext): [string, string] {
    const stem = joinPath(ctx.dir, segmentName(this.baseOffset))
    return [`${stem}.index`, `${stem}.timeindex`]
  }

  /** Takes the contents of a cleaned .log just renamed over this one (README C5, C6). */
  replaceContents(sizeBytes: number, index: SegmentIndex): void {
    this.generation++
    this.sizeBytes = sizeBytes
    this.index = index
    this.loading = undefined
  }

  /** Notes a batch just written at `position` (the active segment only). */
  onBatchWritten(batch: StoredBatch): void {
    const index = this.index as SegmentIndex
    index.onBatch(batch.baseOffset, batch.position, this.maxTimestamp ?? -1)
    this.maxTimestamp = Math.max(this.maxTimestamp ?? -1, batch.maxTimestamp)
    this.sizeBytes = batch.position + batch.totalBytes
    this.endOffset = batch.lastOffset + 1
  }

  /** Writes the index files of a segment that is being sealed. Its .log must be synced first. */
  async writeIndexFiles(ctx: SegmentContext): Promise<void> {
    const index = this.index as SegmentIndex
    const summary: IndexSummary = {
      endOffset: this.endOffset,
      sizeBytes: this.sizeBytes,
      maxTimestamp: this.maxTimestamp ?? -1,
    }
    const [offsetPath, timePath] = this.indexPaths(ctx)
    await writeFileAtomically(ctx.fs, ctx.dir, baseName(offsetPath), index.encodeOffsetIndex())
    await writeFileAtomically(ctx.fs, ctx.dir, baseName(timePath), index.encodeTimeIndex(summary))
  }

  /**
   * Takes the index from its files when they describe exactly this .log (`sizeBytes`) ending at
   * `endOffset`, as a clean shutdown wrote them for the active segment; false (nothing changed)
   * when they are missing, damaged or describe something else.
   */
  async adoptIndexFiles(ctx: SegmentContext, endOffset: number): Promise<boolean> {
    const [offsetPath, timePath] = this.indexPaths(ctx)
    const decoded = SegmentIndex.decode(
      this.baseOffset,
      ctx.indexIntervalBytes,
      await readWholeFile(ctx.fs, offsetPath),
      await readWholeFile(ctx.fs, timePath),
      this.sizeBytes,
    )
    if (!('index' in decoded) || decoded.summary.endOffset !== endOffset) return false
    if (endOffset > this.baseOffset !== this.sizeBytes > 0 || endOffset < this.baseOffset) return false
    this.index = decoded.index
    this.maxTimestamp = decoded.summary.maxTimestamp
    this.endOffset = endOffset
    return true
  }

  async removeIndexFiles(ctx: SegmentContext): Promise<void> {
    for (const path of this.indexPaths(ctx)) await ctx.fs.remove(path)
  }

  async removeFiles(ctx: SegmentContext): Promise<void> {
    ctx.files.drop(this.logPath(ctx))
    await this.removeIndexFiles(ctx)
    await ctx.fs.remove(this.logPath(ctx))
  }

  /**
   * Loads a sealed segment's index from its files, or rebuilds it from the .log when they are
   * missing or damaged (and rewrites them when the .log scanned clean).
   */
  loadIndex(ctx: SegmentContext): Promise<SegmentIndex> {
    if (this.index !== undefined) return Promise.resolve(this.index)
    // Readers arriving together share one load, so one rebuild writes the index files once.
    this.loading ??= this.loadIndexFiles(ctx).finally(() => {
      this.loading = undefined
    })
    return this.loading
  }

  private async loadIndexFiles(ctx: SegmentContext): Promise<SegmentIndex> {
    const generation = this.generation
    const [offsetPath, timePath] = this.indexPaths(ctx)
    const decoded = SegmentIndex.decode(
      this.baseOffset,
      ctx.indexIntervalBytes,
      await readWholeFile(ctx.fs, offsetPath),
      await readWholeFile(ctx.fs, timePath),
      this.sizeBytes,
    )
    if (this.generation !== generation) return this.swappedIndex(ctx)
    if ('index' in decoded && decoded.summary.endOffset === this.endOffset) {
      this.index = decoded.index
      this.maxTimestamp = decoded.summary.maxTimestamp
      return decoded.index
    }
    const damage = 'damage' in decoded ? decoded.damage : 'index describes a different end offset'
    const scan = await this.rebuildIndex(ctx, this.sizeBytes)
    if (this.generation !== generation) return this.swappedIndex(ctx)
    if (scan.stopped === undefined && scan.nextOffset === this.endOffset) {
      ctx.warn(`storage: rebuilt the index of ${this.logPath(ctx)} (${damage})`)
      await this.writeIndexFiles(ctx)
    } else {
      ctx.warn(
        `storage: ${this.logPath(ctx)} is damaged at byte ${scan.position} (${scan.stopped ?? 'ends early'}); ` +
          'reads past that point fail with CORRUPT_BATCH',
      )
    }
    return this.requireIndex()
  }

  /** The index compaction installed while a load of the old file was in flight. */
  private swappedIndex(ctx: SegmentContext): SegmentIndex {
    if (this.index !== undefined) return this.index
    // Evicted again already: the reader retries (its read sees the truncation counter moved).
    throw new StorageError('CORRUPT_BATCH', `${this.logPath(ctx)} was replaced by compaction during a read`)
  }

  private requireIndex(): SegmentIndex {
    assert(this.index !== undefined, 'a rebuilt segment has an index')
    return this.index
  }

  /** Scans the .log from its start, building a fresh index; the caller decides what a stop means. */
  async rebuildIndex(
    ctx: SegmentContext,
    endPosition: number,
    check?: (batch: StoredBatch) => string | undefined,
    onBatch?: (batch: StoredBatch) => void,
  ): Promise<ScanResult> {
    const generation = this.generation
    const index = new SegmentIndex(this.baseOffset, ctx.indexIntervalBytes)
    let maxTimestamp = -1
    const pinned = await ctx.files.pin(this.logPath(ctx), false)
    try {
      const scan = await scanBatches(
        pinned.handle,
        { position: 0, nextOffset: this.baseOffset, endPosition },
        (batch) => {
          index.onBatch(batch.baseOffset, batch.position, maxTimestamp)
          maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp)
          onBatch?.(batch)
          return true
        },
        check,
      )
      if (this.generation === generation) {
        this.index = index
        this.maxTimestamp = maxTimestamp
      }
      return scan
    } finally {
      pinned.release()
    }
  }

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes` (but always the
   * first whole batch), ending before byte `endBytes`. Every returned batch is checked; a bad one
   * is a CORRUPT_BATCH error.
   */
  async read(
    ctx: SegmentContext,
    offset: number,
    maxBytes: number,
    endBytes: number,
    termAt: (offset: number) => number | undefined,
  ): Promise<Uint8Array> {
    const index = await this.loadIndex(ctx)
    const pinned = await ctx.files.pin(this.logPath(ctx), false)
    try {
      const located = await this.locate(ctx, pinned.handle, index, offset, endBytes)
      if (located === undefined) return new Uint8Array(0)
      const { batch: found, chunk, chunkStart } = located
      const want = Math.max(found.totalBytes, Math.min(maxBytes, endBytes - found.position))
      const from = found.position - chunkStart
      // The walk's last read often holds the whole answer already (small fetches).
      const bytes =
        from + want <= chunk.byteLength
          ? chunk.subarray(from, from + want)
          : await readFully(pinned.handle, found.position, want)
      let at = 0
      let expected = found.baseOffset
      while (at < bytes.byteLength) {
        const verdict = checkBatch(bytes, at, found.position + at, expected, { crc: true })
        if (!verdict.ok) {
          // A batch that claims to run past the valid end is damaged; a short read of one that
          // fits means a truncation raced this read, and whatever it removed is not returned.
          const claimsPastEnd = at === 0 && found.position + found.totalBytes > endBytes
          if (verdict.short && !claimsPastEnd) break
          throw this.corrupt(ctx, found.position + at, verdict.reason)
        }
        const term = termAt(verdict.batch.baseOffset)
        if (term !== undefined && term !== verdict.batch.term) {
          throw this.corrupt(ctx, found.position + at, `batch term ${verdict.batch.term}, log says ${term}`)
        }
        at += verdict.batch.totalBytes
        expected = verdict.batch.lastOffset + 1
      }
      return bytes.subarray(0, at)
    } finally {
      pinned.release()
    }
  }

  /** Header of the batch holding `offset`, found from the index and a bounded forward walk. */
  async locate(
    ctx: SegmentContext,
    handle: FileHandle,
    index: SegmentIndex,
    offset: number,
    endBytes: number,
  ): Promise<Walked | undefined> {
    const entry = index.floor(offset)
    return this.walk(ctx, handle, entry, endBytes, (b) => b.lastOffset >= offset)
  }

  /** First batch, walking from `entry`, for which `stop` holds, checking headers on the way. */
  async walk(
    ctx: SegmentContext,
    handle: FileHandle,
    entry: { offset: number; position: number },
    endBytes: number,
    stop: (b: StoredBatch) => boolean,
  ): Promise<Walked | undefined> {
    // Two index intervals cover the walk from an entry to the batch wanted, in one read mostly.
    const chunkBytes = Math.min(limits.segmentScanChunkBytes, Math.max(16 * 1024, 2 * ctx.indexIntervalBytes))
    let position = entry.position
    let expected = entry.offset
    let chunk: Uint8Array = new Uint8Array(0)
    let chunkStart = position
    while (position < endBytes) {
      let verdict = checkBatch(chunk, position - chunkStart, position, expected, { crc: false })
      if (!verdict.ok && verdict.short) {
        chunk = await readFully(handle, position, Math.min(endBytes - position, chunkBytes))
        chunkStart = position
        verdict = checkBatch(chunk, 0, position, expected, { crc: false })
      }
      if (!verdict.ok) {
        if (verdict.short) return undefined
        throw this.corrupt(ctx, position, verdict.reason)
      }
      if (stop(verdict.batch)) return { batch: verdict.batch, chunk, chunkStart }
      position += verdict.batch.totalBytes
      expected = verdict.batch.lastOffset + 1
    }
    return undefined
  }

  /** Base offset of the first batch with a max timestamp at or above `timestamp`, if any. */
  async offsetForTimestamp(ctx: SegmentContext, timestamp: number): Promise<number | undefined> {
    const index = await this.loadIndex(ctx)
    if ((this.maxTimestamp ?? -1) < timestamp) return undefined
    const pinned = await ctx.files.pin(this.logPath(ctx), false)
    try {
      const entry = index.floorForTimestamp(timestamp)
      const found = await this.walk(
        ctx,
        pinned.handle,
        entry,
        this.sizeBytes,
        (b) => b.maxTimestamp >= timestamp,
      )
      return found?.batch.baseOffset
    } finally {
      pinned.release()
    }
  }

  private corrupt(ctx: SegmentContext, position: number, reason: string): StorageError {
    return new StorageError('CORRUPT_BATCH', `${this.logPath(ctx)} at byte ${position}: ${reason}`)
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
