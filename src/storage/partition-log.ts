/**
 * The partition log: an append-only sequence of Kafka record batches in segment files, which is
 * also the Raft log. Invariants are in README.md; the ones this file keeps:
 *
 *  - Every change (append, roll, truncation, retention, flush, close) goes through one queue and
 *    runs in call order, so offsets are assigned in call order and disk state never interleaves.
 *  - Appends waiting together become one write (per segment) and, under fsync=always, one
 *    fdatasync; each append's promise settles only after its bytes meet the policy.
 *  - logStartOffset <= durableEndOffset <= writtenEndOffset == logEndOffset between operations;
 *    reads never see bytes past writtenEndOffset, nor below logStartOffset.
 *  - After a failed write the log refuses further changes (LOG_FAILED) until reopened, because the
 *    file may hold a partial batch that only recovery can cut.
 */
import { joinPath } from '../io/fs.js'
import { limits } from '../config/limits.js'
import { AssertionError, assert } from '../lib/assert.js'
import { type Offset, offset as toOffset, type Term } from '../lib/branded.js'
import { readBatchHeader, setBaseOffset, setPartitionLeaderEpoch } from '../protocol/records/header.js'
import { writeCleanShutdown, writeLogStart, writeTermRanges } from './checkpoint.js'
import { fromFsError, StorageError } from './errors.js'
import { type PinnedFile, SegmentFileCache } from './file-cache.js'
import {
  type FsyncPolicy,
  type PartitionLogOptions,
  type ResolvedOptions,
  resolveOptions,
  type StorageLogger,
  type StorageTimers,
} from './options.js'
import {
  buildOffsetMap,
  type CompactionPolicy,
  type CompactionResult,
  OffsetMap,
  swapCleanedSegment,
  writeCleanedSegment,
} from './cleaner.js'
import type {
  AppendResult,
  LogProgress,
  PartitionLog,
  RetentionPolicy,
  RetentionResult,
} from './partition-log-api.js'
import { recoverLog } from './recovery.js'
import { Segment, type SegmentContext } from './segment.js'
import { SegmentIndex } from './segment-index.js'
import { validateBatch } from './stored-batch.js'
import type { TermRanges } from './term-ranges.js'

export type { CompactionPolicy, CompactionResult } from './cleaner.js'
export type {
  AppendResult,
  LogProgress,
  PartitionLog,
  RetentionPolicy,
  RetentionResult,
} from './partition-log-api.js'

export async function openPartitionLog(options: PartitionLogOptions): Promise<PartitionLog> {
  const log = new SegmentedLog(options, resolveOptions(options))
  await log.open()
  return log
}

type AppendOp = {
  kind: 'append'
  batch: Uint8Array
  term: number
  resolve: (r: AppendResult) => void
  reject: (e: unknown) => void
}
type TaskOp = {
  kind: 'task'
  run: () => Promise<unknown>
  resolve: (r: unknown) => void
  reject: (e: unknown) => void
}

interface Planned {
  op: AppendOp
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

const defaultTimers: StorageTimers = {
  setTimeout(run, ms) {
    const t = setTimeout(run, ms)
    t.unref()
    return () => clearTimeout(t)
  },
  defer(run) {
    setImmediate(run)
  },
}

/** Reads retried when truncations keep overtaking them; after that the reader gets nothing yet. */
const READ_ATTEMPTS_MAX = 4

const quietLogger: StorageLogger = { info() {}, warn() {} }

class SegmentedLog implements PartitionLog {
  readonly dir: string
  private readonly ctx: SegmentContext
  private readonly logger: StorageLogger
  private readonly timers: StorageTimers
  private readonly policy: FsyncPolicy
  private segments: Segment[] = []
  private active!: Segment
  private activeFile: PinnedFile | undefined
  private logStart = 0
  private nextOffset = 0
  private writtenEnd = 0
  private durableEnd = 0
  private totalBytes = 0
  private terms!: TermRanges
  private lastTermEver = 0
  private queue: Array<AppendOp | TaskOp> = []
  /** Counts truncations that may rewrite offsets (suffix cuts, resets), for reads in flight. */
  private truncations = 0
  /** Bytes of appends in the queue (limits.pendingAppendBytesPerLogMax). */
  private queuedBytes = 0
  private draining = false
  private failed: StorageError | undefined
  private closed = false
  /** Set when close() is called: nothing new is queued behind its clean-shutdown task. */
  private closing = false
  private closeDone: Promise<void> | undefined
  private cancelSyncTimer: (() => void) | undefined
  private readonly listeners = new Set<(p: LogProgress) => void>()
  /** Sealed segments with a loaded index, least recently used first. */
  private loadedIndexes: Segment[] = []

  constructor(
    private readonly options: PartitionLogOptions,
    private readonly config: ResolvedOptions,
  ) {
    this.dir = options.dir
    this.logger = options.logger ?? quietLogger
    this.timers = options.timers ?? defaultTimers
    this.policy = config.fsync
    this.ctx = {
      fs: options.fs,
      dir: options.dir,
      files: options.files ?? new SegmentFileCache(options.fs),
      indexIntervalBytes: config.indexIntervalBytes,
      warn: (m) => this.logger.warn(m),
    }
  }

  async open(): Promise<void> {
    try {
      const state = await recoverLog(this.ctx, this.logger)
      this.segments = state.segments
      this.logStart = state.logStart
      this.terms = state.terms
      this.lastTermEver = state.lastTermEver
      this.active = state.segments[state.segments.length - 1] as Segment
      this.active.firstAppendMs = this.active.sizeBytes > 0 ? this.options.nowMs() : undefined
      this.nextOffset = this.active.endOffset
      this.writtenEnd = this.nextOffset
      this.durableEnd = this.nextOffset
      for (const s of this.segments) this.totalBytes += s.sizeBytes
      this.activeFile = await this.ctx.files.pin(this.active.logPath(this.ctx), false)
    } catch (err) {
      throw fromFsError(err, `open ${this.dir}`)
    }
  }

  logStartOffset(): Offset {
    return toOffset(this.logStart)
  }
  logEndOffset(): Offset {
    return toOffset(this.nextOffset)
  }
  writtenEndOffset(): Offset {
    return toOffset(this.writtenEnd)
  }
  durableEndOffset(): Offset {
    return toOffset(this.durableEnd)
  }
  sizeBytes(): number {
    return this.totalBytes
  }

  termOf(offset: Offset): Term | undefined {
    if (offset < this.logStart || offset >= this.nextOffset) return undefined
    return this.terms.termAt(offset) as Term | undefined
  }

  lastTerm(): Term {
    return (this.terms.lastTerm() ?? this.lastTermEver) as Term
  }

  onProgress(listener: (progress: LogProgress) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  append(batch: Uint8Array, term: Term): Promise<AppendResult> {
    const refused = this.refusal()
    if (refused !== undefined) return Promise.reject(refused)
    const invalid = validateBatch(batch)
    if (invalid !== undefined) return Promise.reject(invalid)
    assert(Number.isSafeInteger(term) && term >= 0 && term <= 0x7fffffff, `term ${term} fits an int32`)
    if (
      this.queue.length >= limits.pendingAppendsPerLogMax ||
      this.queuedBytes + batch.byteLength > limits.pendingAppendBytesPerLogMax
    ) {
      return Promise.reject(
        new StorageError(
          'LIMIT_EXCEEDED',
          `${this.queue.length} appends (${this.queuedBytes} bytes) already wait on ${this.dir}`,
        ),
      )
    }
    this.queuedBytes += batch.byteLength
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ kind: 'append', batch, term, resolve, reject })
      this.kick()
    })
  }

  async read(offset: Offset, maxBytes: number): Promise<Uint8Array> {
    if (this.closed) throw new StorageError('CLOSED', `${this.dir} is closed`)
    assert(Number.isInteger(maxBytes) && maxBytes >= 0, 'maxBytes is a non-negative integer')
    if (offset < this.logStart || offset > this.nextOffset) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is outside [${this.logStart}, ${this.nextOffset}] of ${this.dir}`,
      )
    }
    // A truncation that runs while the read is in flight may replace the batches it read with
    // others at the same offsets; then the read starts again (bounded), so it never returns them.
    for (let attempt = 0; attempt < READ_ATTEMPTS_MAX; attempt++) {
      if (offset < this.logStart) break
      if (offset >= this.writtenEnd) return new Uint8Array(0)
      const truncations = this.truncations
      const segment = this.segmentFor(offset)
      let bytes: Uint8Array
      try {
        bytes = await segment.read(this.ctx, offset, maxBytes, segment.sizeBytes, (o) => this.terms.termAt(o))
      } catch (err) {
        if (this.truncations !== truncations) continue
        throw fromFsError(err, `read ${this.dir}`)
      }
      if (segment !== this.active) this.touchIndex(segment)
      // Without a truncation the written end only grew, so every batch read is still in the log.
      if (this.truncations === truncations) return bytes
    }
    if (offset < this.logStart) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} fell below the log start of ${this.dir}`,
      )
    }
    return new Uint8Array(0)
  }

  async offsetForTimestamp(timestamp: number): Promise<Offset | undefined> {
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i] as Segment
      if (segment.endOffset <= this.logStart && segment !== this.active) continue
      try {
        const found = await segment.offsetForTimestamp(this.ctx, timestamp)
        if (segment !== this.active) this.touchIndex(segment)
        if (found !== undefined && found < this.writtenEnd) return toOffset(Math.max(found, this.logStart))
      } catch (err) {
        throw fromFsError(err, `offsetForTimestamp ${this.dir}`)
      }
    }
    return undefined
  }

  async maxTimestamp(): Promise<number> {
    let max = -1
    for (const segment of [...this.segments]) {
      if (segment.maxTimestamp === undefined) {
        await segment.loadIndex(this.ctx)
        if (segment !== this.active) this.touchIndex(segment)
      }
      max = Math.max(max, segment.maxTimestamp ?? -1)
    }
    return max
  }

  truncateSuffix(offset: Offset): Promise<Offset> {
    return this.task(() => this.doTruncateSuffix(offset))
  }

  truncatePrefix(offset: Offset): Promise<void> {
    return this.task(() => this.doTruncatePrefix(offset))
  }

  roll(): Promise<void> {
    return this.task(async () => {
      if (this.active.sizeBytes > 0) await this.rollTo(this.nextOffset)
    })
  }

  applyRetention(policy: RetentionPolicy): Promise<RetentionResult> {
    return this.task(() => this.doRetention(policy))
  }

  compact(policy: CompactionPolicy): Promise<CompactionResult> {
    return this.task(() => this.doCompact(policy))
  }

  flush(): Promise<void> {
    return this.task(() => this.syncActive())
  }

  close(): Promise<void> {
    this.closeDone ??= this.doClose()
    return this.closeDone
  }

  private async doClose(): Promise<void> {
    if (this.closed) return
    try {
      // A failed log has nothing it may sync and nothing it may vouch for; it still gives its
      // files back. Appends queued before close() are written first (queue order); later ones
      // are refused, so nothing can follow the marker (README: Clean shutdown, S1).
      const shutdown = this.failed === undefined ? this.task(() => this.cleanShutdown()) : undefined
      this.closing = true
      await shutdown
    } finally {
      this.closed = true
      this.cancelSyncTimer?.()
      this.activeFile?.release()
      this.activeFile = undefined
      await this.ctx.files.closeAll(joinPath(this.dir, ''))
    }
  }

  // ── the queue ────────────────────────────────────────────────────────────────────────────────

  private refusal(): StorageError | undefined {
    if (this.closed || this.closing) return new StorageError('CLOSED', `${this.dir} is closed`)
    if (this.failed !== undefined) return this.failed
    return undefined
  }

  private task<T>(run: () => Promise<T>): Promise<T> {
    const refused = this.refusal()
    if (refused !== undefined) return Promise.reject(refused)
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind: 'task', run, resolve: resolve as (r: unknown) => void, reject })
      this.kick()
    })
  }

  /** Starts draining after this turn, so appends made in the same turn join one group. */
  private kick(): void {
    if (this.draining) return
    this.draining = true
    this.timers.defer(() => void this.drain())
  }

  private async drain(): Promise<void> {
    try {
      for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
        if (this.failed !== undefined) {
          const pending = this.queue
          this.queue = []
          this.queuedBytes = 0
          for (const op of pending) op.reject(this.failed)
          break
        }
        if (head.kind === 'append') {
          let n = 0
          while (n < this.queue.length && this.queue[n]?.kind === 'append') n++
          const group = this.queue.splice(0, n) as AppendOp[]
          for (const op of group) this.queuedBytes -= op.batch.byteLength
          await this.writeGroup(group)
        } else {
          this.queue.shift()
          try {
            head.resolve(await head.run())
          } catch (err) {
            head.reject(this.noteFailure(err))
          }
        }
      }
    } finally {
      this.draining = false
    }
  }

  /** Converts an error; device failures (and bugs) fail the log until it is reopened. */
  private noteFailure(err: unknown): unknown {
    const converted = fromFsError(err, this.dir)
    const benign = converted instanceof StorageError && converted.code === 'OFFSET_OUT_OF_RANGE'
    if (!benign && this.failed === undefined) {
      const why = converted instanceof Error ? converted.message : String(converted)
      this.failed = new StorageError('LOG_FAILED', `${this.dir} failed and must be reopened: ${why}`)
      this.logger.warn(`storage: ${this.failed.message}`)
    }
    return converted
  }

  private notify(): void {
    const progress = {
      writtenEndOffset: toOffset(this.writtenEnd),
      durableEndOffset: toOffset(this.durableEnd),
    }
    for (const listener of this.listeners) {
      try {
        listener(progress)
      } catch (err) {
        this.logger.warn(`storage: a progress listener of ${this.dir} threw: ${String(err)}`)
      }
    }
  }

  // ── appends ──────────────────────────────────────────────────────────────────────────────────

  /** Assigns offsets in order, marking where the active segment must roll first. */
  private plan(group: AppendOp[]): { runs: Array<{ rollAt?: number; items: Planned[] }>; newTerm: boolean } {
    const now = this.options.nowMs()
    const runs: Array<{ rollAt?: number; items: Planned[] }> = [{ items: [] }]
    let segmentBytes = this.active.sizeBytes
    let segmentBase = this.active.baseOffset
    let firstAppendMs = this.active.firstAppendMs
    let newTerm = false
    for (const op of group) {
      const lastTerm = this.terms.lastTerm() ?? this.lastTermEver
      if (op.term < lastTerm) {
        op.reject(new AssertionError(`append with term ${op.term} below the log's last term ${lastTerm}`))
        continue
      }
      const header = readBatchHeader(op.batch)
      const total = op.batch.byteLength
      const base = this.nextOffset
      const tooOld = firstAppendMs !== undefined && now - firstAppendMs >= this.config.segmentMs
      const tooBig = segmentBytes + total > this.config.segmentBytes
      const offsetsOverflow = base + header.lastOffsetDelta - segmentBase > 0xffffffff
      if (segmentBytes > 0 && (tooOld || tooBig || offsetsOverflow)) {
        runs.push({ rollAt: base, items: [] })
        segmentBytes = 0
        segmentBase = base
        firstAppendMs = undefined
      }
      setBaseOffset(op.batch, 0, base)
      setPartitionLeaderEpoch(op.batch, 0, op.term)
      this.nextOffset = base + header.lastOffsetDelta + 1
      if (this.terms.onAppend(op.term, base)) newTerm = true
      const run = runs[runs.length - 1] as { items: Planned[] }
      run.items.push({
        op,
        baseOffset: base,
        lastOffset: this.nextOffset - 1,
        maxTimestamp: header.maxTimestamp,
      })
      segmentBytes += total
      firstAppendMs ??= now
    }
    return { runs, newTerm }
  }

  private async writeGroup(group: AppendOp[]): Promise<void> {
    let planned: Planned[] = group.map((op) => ({ op, baseOffset: 0, lastOffset: 0, maxTimestamp: -1 }))
    try {
      const { runs, newTerm } = this.plan(group)
      planned = runs.flatMap((r) => r.items)
      // The term list must name a term before any batch of it can be on disk (README, recovery).
      if (newTerm) await writeTermRanges(this.ctx.fs, this.dir, this.terms.list())
      for (const run of runs) {
        if (run.rollAt !== undefined) await this.rollTo(run.rollAt)
        if (run.items.length > 0) await this.writeRun(run.items)
      }
      if (this.policy.kind === 'always') {
        await this.syncActive()
      } else {
        if (this.policy.kind === 'interval') this.armSyncTimer(this.policy.intervalMs)
        this.notify()
      }
    } catch (err) {
      const failure = this.noteFailure(err)
      for (const p of planned) p.op.reject(failure)
      return
    }
    for (const p of planned)
      p.op.resolve({ baseOffset: toOffset(p.baseOffset), lastOffset: toOffset(p.lastOffset) })
  }

  private async writeRun(items: Planned[]): Promise<void> {
    const file = this.activeFile as PinnedFile
    const start = this.active.sizeBytes
    const parts = items.map((i) => i.op.batch)
    if (parts.length === 1) await file.handle.write(parts[0] as Uint8Array, start)
    else await file.handle.writev(parts, start)
    let position = start
    for (const item of items) {
      const total = item.op.batch.byteLength
      this.active.onBatchWritten({
        position,
        totalBytes: total,
        baseOffset: item.baseOffset,
        lastOffset: item.lastOffset,
        term: item.op.term,
        maxTimestamp: item.maxTimestamp,
      })
      position += total
    }
    this.active.firstAppendMs ??= this.options.nowMs()
    this.totalBytes += position - start
    this.writtenEnd = this.active.endOffset
  }

  private async syncActive(): Promise<void> {
    await (this.activeFile as PinnedFile).handle.datasync()
    this.cancelSyncTimer?.()
    this.cancelSyncTimer = undefined
    // Sealed segments were synced when sealed, so everything written is now on disk.
    this.durableEnd = this.writtenEnd
    this.notify()
  }

  /**
   * Everything written is made durable, the active segment's index files are written as a sealed
   * segment's are, and only then the marker that vouches for them (README: Clean shutdown, S1).
   */
  private async cleanShutdown(): Promise<void> {
    await this.syncActive()
    await this.active.writeIndexFiles(this.ctx)
    await writeCleanShutdown(this.ctx.fs, this.dir, {
      activeBase: this.active.baseOffset,
      activeBytes: this.active.sizeBytes,
      endOffset: this.active.endOffset,
      lastTerm: this.terms.lastTerm() ?? -1,
    })
  }

  private armSyncTimer(intervalMs: number): void {
    if (this.cancelSyncTimer !== undefined) return
    this.cancelSyncTimer = this.timers.setTimeout(() => {
      this.cancelSyncTimer = undefined
      this.flush().catch(() => {
        // The failure already failed the log and was logged; nobody awaits a timer's flush.
      })
    }, intervalMs)
  }

  // ── segments ─────────────────────────────────────────────────────────────────────────────────

  /** Seals the active segment (synced, index written) and starts an empty one at `base`. */
  private async rollTo(base: number): Promise<void> {
    const old = this.active
    assert(base >= this.writtenEnd, 'a new segment starts at or after the written end')
    await this.syncActive()
    if (old.sizeBytes > 0) await old.writeIndexFiles(this.ctx)
    await this.startSegment(base)
    if (old.sizeBytes > 0) {
      old.endOffset = base
      this.touchIndex(old)
    } else {
      // An empty active segment is replaced rather than kept as a sealed segment of nothing.
      this.segments = this.segments.filter((s) => s !== old)
      await old.removeFiles(this.ctx)
    }
  }

  private async startSegment(base: number): Promise<void> {
    const segment = new Segment(base, 0, base)
    segment.index = new SegmentIndex(base, this.ctx.indexIntervalBytes)
    const pinned = await this.ctx.files.pin(segment.logPath(this.ctx), true)
    await pinned.handle.truncate(0)
    await this.ctx.fs.syncDir(this.dir)
    this.activeFile?.release()
    this.activeFile = pinned
    this.segments.push(segment)
    this.active = segment
  }

  private segmentFor(offset: number): Segment {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.segments[mid] as Segment).baseOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return this.segments[lo] as Segment
  }

  /** Keeps at most limits.segmentIndexesLoadedPerLogMax sealed indexes in memory. */
  private touchIndex(segment: Segment): void {
    this.loadedIndexes = this.loadedIndexes.filter((s) => s !== segment)
    if (segment.index === undefined || segment === this.active) return
    this.loadedIndexes.push(segment)
    while (this.loadedIndexes.length > limits.segmentIndexesLoadedPerLogMax) {
      const evicted = this.loadedIndexes.shift() as Segment
      if (evicted !== this.active) evicted.index = undefined
    }
  }

  // ── truncation and retention ─────────────────────────────────────────────────────────────────

  private async doTruncateSuffix(offset: number): Promise<Offset> {
    if (offset < this.logStart || offset > this.nextOffset) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `cannot truncate ${this.dir} to ${offset}: outside [${this.logStart}, ${this.nextOffset}]`,
      )
    }
    if (offset === this.writtenEnd) return toOffset(offset)
    const at = this.segments.indexOf(this.segmentFor(offset))
    const segment = this.segments[at] as Segment
    const index = await segment.loadIndex(this.ctx)
    const pinned = await this.ctx.files.pin(segment.logPath(this.ctx), false)
    let cut: { position: number; end: number }
    try {
      const found = await segment.locate(this.ctx, pinned.handle, index, offset, segment.sizeBytes)
      assert(found !== undefined, `a batch holds offset ${offset} below the written end`)
      cut = { position: found.batch.position, end: found.batch.baseOffset }
    } finally {
      pinned.release()
    }
    if (cut.end < this.logStart) {
      // The batch holding `offset` began below the log start: nothing at or after the start is left.
      await writeLogStart(this.ctx.fs, this.dir, this.logStart)
      await this.resetTo(this.logStart)
      if (this.terms.truncateSuffix(this.logStart)) {
        await writeTermRanges(this.ctx.fs, this.dir, this.terms.list())
      }
      this.notify()
      return toOffset(this.logStart)
    }
    // Readers stop at the new end before any byte goes away.
    this.truncations++
    this.writtenEnd = cut.end
    this.nextOffset = cut.end
    this.durableEnd = Math.min(this.durableEnd, cut.end)
    const removed = this.segments.splice(at + 1)
    if (removed.length > 0) {
      this.loadedIndexes = this.loadedIndexes.filter((s) => s !== segment && !removed.includes(s))
      this.activeFile?.release()
      this.activeFile = await this.ctx.files.pin(segment.logPath(this.ctx), false)
      this.active = segment
      // Newest first, so a crash part-way leaves a log without gaps.
      for (const s of removed.reverse()) {
        this.totalBytes -= s.sizeBytes
        await s.removeFiles(this.ctx)
      }
      await segment.removeIndexFiles(this.ctx)
      // The removals must be durable before the cut: a removed segment that came back after a
      // crash would follow a shorter one and leave a gap.
      await this.ctx.fs.syncDir(this.dir)
    }
    const file = this.activeFile as PinnedFile
    await file.handle.truncate(cut.position)
    await file.handle.datasync()
    this.totalBytes -= segment.sizeBytes - cut.position
    segment.sizeBytes = cut.position
    segment.endOffset = cut.end
    // Rebuilding gives the exact index and max timestamp of what remains; truncation is rare.
    await segment.rebuildIndex(this.ctx, cut.position)
    segment.firstAppendMs =
      segment.sizeBytes > 0 ? (segment.firstAppendMs ?? this.options.nowMs()) : undefined
    if (this.terms.truncateSuffix(cut.end)) {
      await writeTermRanges(this.ctx.fs, this.dir, this.terms.list())
    }
    this.durableEnd = cut.end
    this.notify()
    return toOffset(cut.end)
  }

  private async doTruncatePrefix(offset: number): Promise<void> {
    assert(Number.isSafeInteger(offset) && offset >= 0, 'a log start is a non-negative offset')
    if (offset <= this.logStart) return
    // The checkpoint goes first: segments wholly below it are garbage, deleted again on open.
    await writeLogStart(this.ctx.fs, this.dir, offset)
    this.logStart = offset
    if (offset >= this.writtenEnd) {
      await this.resetTo(offset)
    } else {
      while (this.segments.length > 1 && (this.segments[0] as Segment).endOffset <= offset) {
        const s = this.segments.shift() as Segment
        this.loadedIndexes = this.loadedIndexes.filter((x) => x !== s)
        this.totalBytes -= s.sizeBytes
        await s.removeFiles(this.ctx)
      }
    }
    if (this.terms.truncatePrefix(offset)) await writeTermRanges(this.ctx.fs, this.dir, this.terms.list())
    this.notify()
  }

  /**
   * Empties the log so that it continues at `start` (the log start, already checkpointed): a
   * prefix truncation past the end (Raft snapshot install) or a suffix truncation below the start.
   */
  private async resetTo(start: number): Promise<void> {
    // Readers see an empty log before any file goes away.
    this.truncations++
    this.nextOffset = start
    this.writtenEnd = start
    this.durableEnd = start
    this.lastTermEver = this.terms.lastTerm() ?? this.lastTermEver
    const old = this.segments
    this.segments = []
    this.loadedIndexes = []
    this.activeFile?.release()
    this.activeFile = undefined
    for (const s of old) {
      this.totalBytes -= s.sizeBytes
      await s.removeFiles(this.ctx)
    }
    await this.ctx.fs.syncDir(this.dir)
    await this.startSegment(start)
  }

  private async doRetention(policy: RetentionPolicy): Promise<RetentionResult> {
    let deleted = 0
    let bytes = 0
    let newStart = this.logStart
    // Decide first (whole sealed segments, oldest first, never the active one), then delete.
    for (let i = 0; i < this.segments.length - 1; i++) {
      const segment = this.segments[i] as Segment
      const remaining = this.totalBytes - bytes
      const bySize =
        policy.retentionBytes !== undefined && remaining - segment.sizeBytes >= policy.retentionBytes
      let byTime = false
      if (policy.retentionMs !== undefined && !bySize) {
        await segment.loadIndex(this.ctx)
        byTime = (segment.maxTimestamp ?? -1) < policy.nowMs - policy.retentionMs
      }
      if (!bySize && !byTime) break
      deleted++
      bytes += segment.sizeBytes
      newStart = Math.max(newStart, segment.endOffset)
    }
    if (deleted > 0) await this.doTruncatePrefix(newStart)
    return { segmentsDeleted: deleted, bytesDeleted: bytes, logStartOffset: toOffset(this.logStart) }
  }

  // ── compaction (README: Compaction; cleaner.ts) ─────────────────────────────────────────────

  private async doCompact(policy: CompactionPolicy): Promise<CompactionResult> {
    // Sealed segments old enough (min.compaction.lag.ms), oldest first; never the active one.
    const eligible: Segment[] = []
    for (const segment of this.segments.slice(0, -1)) {
      await segment.loadIndex(this.ctx)
      // Tracked, so a pass over many segments keeps at most the bound of indexes loaded.
      this.touchIndex(segment)
      if ((segment.maxTimestamp ?? -1) > policy.nowMs - policy.minCompactionLagMs) break
      eligible.push(segment)
    }
    const result: CompactionResult = {
      segmentsCleaned: 0,
      recordsRemoved: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      cleanableEndOffset: eligible[0]?.baseOffset ?? this.logStart,
    }
    if (eligible.length === 0) return result
    const map = new OffsetMap(
      policy.offsetMapKeysMax ?? limits.compactionOffsetMapKeysMax,
      limits.compactionOffsetMapBytesMax,
    )
    const cleanableEnd = await buildOffsetMap(this.ctx, eligible, map)
    result.cleanableEndOffset = cleanableEnd
    for (const segment of eligible) {
      if (segment.baseOffset >= cleanableEnd) break
      await segment.loadIndex(this.ctx)
      this.touchIndex(segment)
      const dropTombstones = (segment.maxTimestamp ?? -1) < policy.nowMs - policy.deleteRetentionMs
      const cleaned = await writeCleanedSegment(this.ctx, segment, { map, cleanableEnd, dropTombstones })
      if (cleaned === undefined) continue
      const before = segment.sizeBytes
      await swapCleanedSegment(this.ctx, segment, cleaned, () => {
        // Reads in flight may hold positions of the old file: they start again (README C5).
        this.truncations++
        this.totalBytes += cleaned.sizeBytes - before
        this.touchIndex(segment)
      })
      result.segmentsCleaned++
      result.recordsRemoved += cleaned.removed
      result.bytesBefore += before
      result.bytesAfter += cleaned.sizeBytes
    }
    if (result.segmentsCleaned > 0) {
      this.logger.info(
        `storage: compacted ${this.dir}: ${result.segmentsCleaned} segments, ${result.recordsRemoved} records removed, ` +
          `${result.bytesBefore} → ${result.bytesAfter} bytes, below offset ${cleanableEnd}`,
      )
    }
    return result
  }
}
