/**
 * The Kafka front door's partition-log seam (kafka/partition-log.ts) on the segmented storage
 * engine (src/storage): one directory per partition, `<dataDir>/logs/<topic>-<partition>`.
 *
 * Why offsets are predicted here: the produce path records producer state with the base offset
 * in the same turn as the append (no await between check and append), but storage resolves
 * offsets only once durable. Storage assigns offsets in call order, and the only other queued
 * change the node makes (truncatePrefix, at or below the high watermark) never moves the end, so
 * `nextOffset + lastOffsetDelta + 1` per accepted append is what storage will assign. Anything
 * storage refuses before queueing (invalid batch, too many waiting appends) is refused here first,
 * without taking an offset; every durable result is checked against the prediction and a
 * mismatch fails the partition until it is reopened, like a storage write failure.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { limits } from '../config/limits.js'
import { type FileSystem, joinPath, readWholeFile, writeFileAtomically } from '../io/fs.js'
import type { Logger } from '../io/log.js'
import { NodeFileSystem } from '../io/impl/node-fs.js'
import { isInternalTopic } from '../kafka/handlers/group-service.js'
import type { PartitionLog, PartitionLogs } from '../kafka/partition-log.js'
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  PRODUCER_SNAPSHOT_BYTES_MAX,
} from '../kafka/producer-snapshot.js'
import { lastSequenceOf, ProducerStateTable } from '../kafka/producer-state.js'
import type { Offset, Term } from '../lib/branded.js'
import { compacts, deletes, otherIntConfig, type TopicConfig } from '../cluster/topics.js'
import {
  BATCH_HEADER_BYTES,
  batchTotalBytes,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../protocol/records/header.js'
import { SegmentFileCache } from '../storage/file-cache.js'
import { openPartitionLog } from '../storage/partition-log.js'
import type { PartitionLog as StoragePartitionLog } from '../storage/partition-log-api.js'
import { validateBatch } from '../storage/stored-batch.js'

/** Kafka's delete.retention.ms default: how long tombstones outlive their segment's newest record. */
const DELETE_RETENTION_MS_DEFAULT = 86_400_000

/** Bytes read per step while rebuilding producer state at open. */
const RECOVERY_READ_BYTES = 1024 * 1024

/** Default log growth (batch bytes appended) between two producer-state snapshots. */
export const PRODUCER_SNAPSHOT_INTERVAL_BYTES_DEFAULT = 64 * 1024 * 1024

/** Producer-state snapshots kept per partition directory (the newest ones). */
const PRODUCER_SNAPSHOTS_KEPT = 2

const SNAPSHOT_RE = /^(\d{20})\.snapshot$/

function snapshotName(offset: number): string {
  return `${String(offset).padStart(20, '0')}.snapshot`
}

/** Where and how a log's producer state was rebuilt at open (tests and logs read it). */
export interface ProducerRecovery {
  /** Offset of the snapshot loaded, or undefined when none was usable. */
  snapshotOffset: number | undefined
  /** The batch scan ran over [scanFrom, scanTo). */
  scanFrom: number
  scanTo: number
  bytesScanned: number
}

interface SnapshotContext {
  fs: FileSystem
  intervalBytes: number
  warn: (message: string) => void
}

export class StorageLog implements PartitionLog {
  private nextOffset: number
  private pendingAppends = 0
  private pendingBytes = 0
  private failed: Error | null = null
  private readonly waiters: { offset: number; resolve: () => void; reject: (e: Error) => void }[] = []
  private readonly unsubscribe: () => void
  /** Batch bytes appended since the last snapshot was taken. */
  private bytesSinceSnapshot = 0
  private snapshotScheduled = false
  /** The snapshot being written, if any (one at a time, so they land in offset order). */
  private snapshotting: Promise<void> | null = null
  private lastSnapshotOffset: number | undefined

  constructor(
    readonly inner: StoragePartitionLog,
    private readonly table: ProducerStateTable,
    readonly recovery: ProducerRecovery,
    private readonly snapshots: SnapshotContext,
  ) {
    this.nextOffset = inner.logEndOffset()
    this.lastSnapshotOffset = recovery.snapshotOffset
    this.unsubscribe = inner.onProgress(() => this.wakeWaiters())
  }

  producers(): ProducerStateTable {
    return this.table
  }

  startOffset(): number {
    return this.inner.logStartOffset()
  }

  highWatermark(): number {
    return this.inner.durableEndOffset()
  }

  append(batch: Uint8Array, term: number): { baseOffset: number; durable: Promise<void> } {
    if (this.failed !== null) return { baseOffset: -1, durable: Promise.reject(this.failed) }
    const invalid = validateBatch(batch)
    if (invalid !== undefined) return { baseOffset: -1, durable: Promise.reject(invalid) }
    // Refused here, below storage's own bounds, so that storage never refuses a batch after an
    // offset was promised for it.
    if (
      this.pendingAppends >= limits.pendingAppendsPerLogMax ||
      this.pendingBytes + batch.byteLength > limits.pendingAppendBytesPerLogMax
    ) {
      return {
        baseOffset: -1,
        durable: Promise.reject(
          new Error(`${this.pendingAppends} appends already wait on ${this.inner.dir}`),
        ),
      }
    }
    const h = readBatchHeader(batch)
    const baseOffset = this.nextOffset
    setBaseOffset(batch, 0, baseOffset)
    setPartitionLeaderEpoch(batch, 0, term)
    this.nextOffset = baseOffset + h.lastOffsetDelta + 1
    this.pendingAppends++
    this.pendingBytes += batch.byteLength
    this.bytesSinceSnapshot += batch.byteLength
    if (this.bytesSinceSnapshot >= this.snapshots.intervalBytes && !this.snapshotScheduled) {
      // Taken in a microtask: the caller records this batch in the table later in this turn.
      this.snapshotScheduled = true
      queueMicrotask(() => {
        this.snapshotScheduled = false
        if (this.snapshotting === null) void this.snapshot()
      })
    }
    const size = batch.byteLength
    const durable = this.inner.append(batch, term as Term).then(
      (r) => {
        this.settle(size)
        if (r.baseOffset !== baseOffset) {
          this.fail(new Error(`storage assigned ${r.baseOffset}, the node promised ${baseOffset}`))
          throw this.failed
        }
      },
      (e: unknown) => {
        this.settle(size)
        this.fail(e instanceof Error ? e : new Error(String(e)))
        throw this.failed
      },
    )
    return { baseOffset, durable }
  }

  private settle(bytes: number): void {
    this.pendingAppends--
    this.pendingBytes -= bytes
  }

  private fail(e: Error): void {
    this.failed ??= e
    for (const w of this.waiters.splice(0)) w.reject(this.failed)
  }

  private wakeWaiters(): void {
    const durable = this.inner.durableEndOffset()
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]
      if (w !== undefined && w.offset <= durable) {
        this.waiters.splice(i, 1)
        w.resolve()
      }
    }
  }

  whenDurable(offset: number): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed)
    if (offset <= this.inner.durableEndOffset()) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push({ offset, resolve, reject }))
  }

  async read(offset: number, maxBytes: number): Promise<Uint8Array> {
    const hw = this.inner.durableEndOffset()
    if (offset >= hw) return new Uint8Array(0)
    let bytes = cutAt(await this.inner.read(offset as Offset, maxBytes), hw)
    // Compaction keeps emptied batches (storage README: Compaction), and a storage read stops at
    // its segment's end. An answer of empty batches alone stalls kafkajs, which moves its offset
    // only past records it saw, so read on (bounded) until a batch with records or the end.
    const parts = [bytes]
    let total = bytes.byteLength
    for (let i = 0; i < limits.compactedEmptyReadsPerFetchMax && total < maxBytes; i++) {
      const next = onlyEmptyBatchesEnd(bytes)
      if (next === undefined || next >= hw) break
      bytes = cutAt(await this.inner.read(next as Offset, maxBytes - total), hw)
      if (bytes.byteLength === 0) break
      parts.push(bytes)
      total += bytes.byteLength
    }
    return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)
  }

  async offsetForTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | null> {
    const base = await this.inner.offsetForTimestamp(timestampMs)
    if (base === undefined || base >= this.inner.durableEndOffset()) return null
    const bytes = await this.inner.read(base, 1)
    if (bytes.byteLength < BATCH_HEADER_BYTES) return null
    const h = readBatchHeader(bytes)
    return { offset: Math.max(base, this.inner.logStartOffset()), timestamp: h.maxTimestamp }
  }

  truncatePrefix(offset: number): Promise<void> {
    if (offset <= this.inner.logStartOffset()) return Promise.resolve()
    // Past the written end storage would empty the log and move its end, breaking the offsets
    // promised above; DeleteRecords never asks for more than the high watermark.
    if (offset > this.nextOffset)
      throw new RangeError(`truncatePrefix(${offset}) past the end ${this.nextOffset}`)
    return this.inner.truncatePrefix(offset as Offset)
  }

  async applyRetention(config: TopicConfig, nowMs: number): Promise<number> {
    if (this.failed !== null) return 0
    const r = await this.inner.applyRetention({
      ...(config.retentionMs >= 0 ? { retentionMs: config.retentionMs } : {}),
      ...(config.retentionBytes >= 0 ? { retentionBytes: config.retentionBytes } : {}),
      nowMs,
    })
    return r.segmentsDeleted
  }

  /**
   * One compaction pass over the sealed segments (storage's cleaner). Offsets and the log end
   * never move, so the offsets this class promised stay true; `config` undefined means Kafka's
   * defaults (__consumer_offsets).
   */
  async compact(config: TopicConfig | undefined, nowMs: number): Promise<number> {
    if (this.failed !== null) return 0
    const r = await this.inner.compact({
      nowMs,
      deleteRetentionMs:
        config === undefined
          ? DELETE_RETENTION_MS_DEFAULT
          : otherIntConfig(config, 'delete.retention.ms', DELETE_RETENTION_MS_DEFAULT),
      minCompactionLagMs: config === undefined ? 0 : otherIntConfig(config, 'min.compaction.lag.ms', 0),
    })
    return r.recordsRemoved
  }

  /**
   * Saves the producer table as of the predicted end, once everything below that end is
   * durable (a snapshot never describes batches a crash could take back), then keeps only the
   * newest snapshots. A failure is logged and costs only a longer scan at the next open.
   */
  private snapshot(): Promise<void> {
    const offset = this.nextOffset
    // An empty log needs no scan at open, so no snapshot either.
    const useless = offset === this.lastSnapshotOffset || offset <= this.inner.logStartOffset()
    if (this.failed !== null || useless) return Promise.resolve()
    const bytes = encodeProducerSnapshot(this.table, offset)
    this.bytesSinceSnapshot = 0
    const { fs, warn } = this.snapshots
    const dir = this.inner.dir
    const run = (async () => {
      try {
        await this.whenDurable(offset)
        await writeFileAtomically(fs, dir, snapshotName(offset), bytes)
        this.lastSnapshotOffset = offset
        const older = (await listSnapshots(fs, dir)).filter((o) => o < offset)
        for (const o of older.slice(PRODUCER_SNAPSHOTS_KEPT - 1))
          await fs.remove(joinPath(dir, snapshotName(o)))
      } catch (e) {
        warn(`producer-state snapshot at ${offset} not written: ${(e as Error).message}`)
      } finally {
        this.snapshotting = null
      }
    })()
    this.snapshotting = run
    return run
  }

  async close(): Promise<void> {
    // The snapshot waits for the appends still queued, which the progress listener reports.
    while (this.snapshotting !== null) await this.snapshotting
    await this.snapshot()
    this.unsubscribe()
    await this.inner.close()
  }
}

/** A damaged snapshot: if it cannot be removed, the next open finds it damaged again. */
async function removeQuietly(fs: FileSystem, path: string, warn: (message: string) => void): Promise<void> {
  try {
    await fs.remove(path)
  } catch (e) {
    warn(`producer-state snapshot ${path} not removed: ${(e as Error).message}`)
  }
}

/** Offsets of the snapshot files in `dir`, newest first. */
async function listSnapshots(fs: FileSystem, dir: string): Promise<number[]> {
  const offsets: number[] = []
  for (const name of await fs.list(dir)) {
    const m = SNAPSHOT_RE.exec(name)
    if (m !== null) offsets.push(Number(m[1]))
  }
  return offsets.sort((a, b) => b - a)
}

/**
 * The producer table of a freshly opened log: the newest valid snapshot at or below the log
 * end, less what lies below the log start, plus a replay of the batch headers after it. Snapshots
 * past the log end (the log lost its tail) are deleted; damaged ones are skipped and deleted.
 * The result equals a replay of every batch from the log start (README invariants).
 */
async function recoverProducers(
  fs: FileSystem,
  log: StoragePartitionLog,
  warn: (message: string) => void,
): Promise<{ table: ProducerStateTable; recovery: ProducerRecovery }> {
  const start = log.logStartOffset() as number
  const end = log.logEndOffset() as number
  let table: ProducerStateTable | undefined
  let snapshotOffset: number | undefined
  for (const offset of await listSnapshots(fs, log.dir)) {
    const path = joinPath(log.dir, snapshotName(offset))
    if (table !== undefined) continue
    if (offset > end) {
      // Must go: once the log grows past it again it would look valid. A failure fails the open.
      await fs.remove(path)
      continue
    }
    try {
      const size = await fs.sizeOf(path)
      if (size === undefined || size > PRODUCER_SNAPSHOT_BYTES_MAX) throw new Error(`size ${size}`)
      const bytes = await readWholeFile(fs, path)
      if (bytes === undefined) throw new Error('gone')
      const s = decodeProducerSnapshot(bytes)
      if (s.offset !== offset) throw new Error(`holds offset ${s.offset}`)
      table = s.table
      snapshotOffset = offset
    } catch (e) {
      warn(`producer-state snapshot ${path} skipped: ${(e as Error).message}`)
      await removeQuietly(fs, path, warn)
    }
  }
  table ??= new ProducerStateTable()
  table.forgetBelow(start)
  const scanFrom = Math.max(start, snapshotOffset ?? 0)
  let offset = scanFrom
  let bytesScanned = 0
  while (offset < end) {
    const bytes = await log.read(offset as Offset, RECOVERY_READ_BYTES)
    if (bytes.byteLength === 0) break
    bytesScanned += bytes.byteLength
    let at = 0
    while (at + BATCH_HEADER_BYTES <= bytes.byteLength) {
      const h = readBatchHeader(bytes, at)
      if (h.producerId >= 0) {
        table.record({
          producerId: h.producerId,
          producerEpoch: h.producerEpoch,
          baseSequence: h.baseSequence,
          lastSequence: lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
          baseOffset: h.baseOffset,
        })
      }
      offset = h.baseOffset + h.lastOffsetDelta + 1
      at += batchTotalBytes(bytes, at) ?? bytes.byteLength
    }
  }
  return { table, recovery: { snapshotOffset, scanFrom, scanTo: end, bytesScanned } }
}

/** Whole batches of `bytes` that end at or below `endOffset` (reads never pass the high watermark). */
function cutAt(bytes: Uint8Array, endOffset: number): Uint8Array {
  let at = 0
  while (at + BATCH_HEADER_BYTES <= bytes.byteLength) {
    const h = readBatchHeader(bytes, at)
    if (h.baseOffset + h.lastOffsetDelta >= endOffset) break
    at += batchTotalBytes(bytes, at) ?? bytes.byteLength
  }
  return at === bytes.byteLength ? bytes : bytes.subarray(0, at)
}

/** The offset after `bytes` when every batch in it holds no records; undefined otherwise. */
function onlyEmptyBatchesEnd(bytes: Uint8Array): number | undefined {
  let at = 0
  let end: number | undefined
  while (at + BATCH_HEADER_BYTES <= bytes.byteLength) {
    const h = readBatchHeader(bytes, at)
    if (h.recordsCount !== 0) return undefined
    end = h.baseOffset + h.lastOffsetDelta + 1
    at += batchTotalBytes(bytes, at) ?? bytes.byteLength
  }
  return end
}

export interface StorageLogsOptions {
  dataDir: string
  log: Logger
  /** The topic's current config (segment.bytes at open, retention on every check). */
  configOf: (topic: string) => TopicConfig | undefined
  nowMs: () => number
  /** How often retention runs over every open log (Kafka's log.retention.check.interval.ms). */
  retentionCheckIntervalMs?: number
  /** The file system the logs live on. Default: the real one (tests pass one that can fill up). */
  fs?: FileSystem
  /** Log growth (batch bytes) between producer-state snapshots; one is also taken on close. */
  producerSnapshotIntervalBytes?: number
}

export class StorageLogs implements PartitionLogs {
  private readonly open_ = new Map<string, { topic: string; log: Promise<StorageLog> }>()
  private readonly fs: FileSystem
  private readonly files: SegmentFileCache
  private readonly timer: ReturnType<typeof setInterval>
  private retaining = false

  constructor(private readonly options: StorageLogsOptions) {
    this.fs = options.fs ?? new NodeFileSystem()
    this.files = new SegmentFileCache(this.fs)
    this.timer = setInterval(() => void this.retainAll(), options.retentionCheckIntervalMs ?? 300_000)
    this.timer.unref()
  }

  private dirOf(topic: string, partition: number): string {
    return join(this.options.dataDir, 'logs', `${topic}-${partition}`)
  }

  open(topic: string, partition: number): Promise<PartitionLog> {
    const key = `${topic}\u0000${partition}`
    let entry = this.open_.get(key)
    if (entry === undefined) {
      entry = { topic, log: this.openLog(topic, partition) }
      this.open_.set(key, entry)
    }
    return entry.log
  }

  private async openLog(topic: string, partition: number): Promise<StorageLog> {
    const config = this.options.configOf(topic)
    const logger = this.options.log
    const inner = await openPartitionLog({
      fs: this.fs,
      dir: this.dirOf(topic, partition),
      nowMs: this.options.nowMs,
      files: this.files,
      ...(config === undefined ? {} : { segmentBytes: config.segmentBytes }),
      logger: {
        info: (message) => logger.info('storage', { topic, partition, message }),
        warn: (message) => logger.warn('storage', { topic, partition, message }),
      },
    })
    const warn = (message: string): void => logger.warn('producer_state', { topic, partition, message })
    const { table, recovery } = await recoverProducers(this.fs, inner, warn)
    return new StorageLog(inner, table, recovery, {
      fs: this.fs,
      intervalBytes: this.options.producerSnapshotIntervalBytes ?? PRODUCER_SNAPSHOT_INTERVAL_BYTES_DEFAULT,
      warn,
    })
  }

  /**
   * Runs retention and compaction once over every open log, one log at a time, off the append
   * path (both are queued tasks of the storage log): retention (whole sealed segments) where
   * cleanup.policy includes delete, compaction where it includes compact. __consumer_offsets is
   * always compacted and never expired, as in Kafka: expiring its old segments would forget
   * committed offsets of quiet groups. Returns the segments deleted.
   */
  async retainAll(): Promise<number> {
    return (await this.maintainAll()).segmentsDeleted
  }

  async maintainAll(): Promise<{ segmentsDeleted: number; recordsCompacted: number }> {
    const done = { segmentsDeleted: 0, recordsCompacted: 0 }
    if (this.retaining) return done
    this.retaining = true
    try {
      for (const { topic, log } of this.open_.values()) {
        const internal = isInternalTopic(topic)
        const config = internal ? undefined : this.options.configOf(topic)
        if (!internal && config === undefined) continue
        try {
          const l = await log
          if (config !== undefined && deletes(config))
            done.segmentsDeleted += await l.applyRetention(config, this.options.nowMs())
          if (internal || (config !== undefined && compacts(config)))
            done.recordsCompacted += await l.compact(config, this.options.nowMs())
        } catch (e) {
          this.options.log.warn('log.retention_failed', { topic, reason: (e as Error).message })
        }
      }
    } finally {
      this.retaining = false
    }
    return done
  }

  async removeTopic(topic: string, partitions: number): Promise<void> {
    for (let partition = 0; partition < partitions; partition++) {
      const key = `${topic}\u0000${partition}`
      const entry = this.open_.get(key)
      this.open_.delete(key)
      if (entry !== undefined) await (await entry.log).close()
      await rm(this.dirOf(topic, partition), { recursive: true, force: true })
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.timer)
    for (const entry of this.open_.values()) await (await entry.log).close()
    this.open_.clear()
  }
}
