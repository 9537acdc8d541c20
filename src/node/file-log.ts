/**
 * A simple durable partition log: one append-only file of record batches per partition, an
 * in-memory index, group commit (one write and one fdatasync for all appends that queue up while
 * the previous write is in flight). Interim until the storage branch's segmented log lands.
 *
 * Invariants: offsets are assigned in append order with no gaps; the high watermark only covers
 * bytes that are fdatasync'ed; on open, the file is cut at the first batch that is torn or fails
 * its CRC, so a crash mid-write loses only unacknowledged batches.
 */
import { mkdir, open, readFile, rm, writeFile, rename, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../io/log.js'
import type { PartitionLog, PartitionLogs } from '../kafka/partition-log.js'
import {
  BATCH_HEADER_BYTES,
  type BatchHeader,
  batchCrcMatches,
  batchTotalBytes,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../protocol/records/header.js'

interface Pending {
  bytes: Uint8Array
  position: number
  endOffset: number
  resolve: () => void
  reject: (e: Error) => void
}

class FileLog implements PartitionLog {
  private readonly baseOffsets: number[] = []
  private readonly positions: number[] = []
  private readonly sizes: number[] = []
  private readonly maxTimestamps: number[] = []
  private fileBytes: number
  private nextOffset: number
  private durableOffset: number
  private logStart: number
  private pending: Pending[] = []
  private writing = false
  private failed: Error | null = null
  private readonly waiters: { offset: number; resolve: () => void; reject: (e: Error) => void }[] = []

  constructor(
    private readonly fh: FileHandle,
    private readonly dir: string,
    recovered: { headers: BatchHeader[]; positions: number[]; fileBytes: number; logStart: number },
  ) {
    this.headersAtOpen = recovered.headers
    for (let i = 0; i < recovered.headers.length; i++) {
      const h = recovered.headers[i] as BatchHeader
      this.baseOffsets.push(h.baseOffset)
      this.positions.push(recovered.positions[i] as number)
      this.sizes.push(12 + h.batchLength)
      this.maxTimestamps.push(h.maxTimestamp)
    }
    this.fileBytes = recovered.fileBytes
    const last = recovered.headers.at(-1)
    this.nextOffset = last === undefined ? recovered.logStart : last.baseOffset + last.lastOffsetDelta + 1
    this.durableOffset = this.nextOffset
    this.logStart = Math.min(recovered.logStart, this.nextOffset)
  }

  private readonly headersAtOpen: BatchHeader[]

  recoveredHeaders(): readonly BatchHeader[] {
    return this.headersAtOpen
  }

  startOffset(): number {
    return this.logStart
  }

  highWatermark(): number {
    return this.durableOffset
  }

  append(batch: Uint8Array, term: number): { baseOffset: number; durable: Promise<void> } {
    if (this.failed !== null) return { baseOffset: -1, durable: Promise.reject(this.failed) }
    const h = readBatchHeader(batch)
    const baseOffset = this.nextOffset
    setBaseOffset(batch, 0, baseOffset)
    setPartitionLeaderEpoch(batch, 0, term)
    this.nextOffset = baseOffset + h.lastOffsetDelta + 1
    this.baseOffsets.push(baseOffset)
    this.positions.push(this.fileBytes)
    this.sizes.push(batch.byteLength)
    this.maxTimestamps.push(h.maxTimestamp)
    this.fileBytes += batch.byteLength
    const durable = new Promise<void>((resolve, reject) => {
      this.pending.push({
        bytes: batch,
        position: this.fileBytes - batch.byteLength,
        endOffset: this.nextOffset,
        resolve,
        reject,
      })
    })
    if (!this.writing) void this.writeLoop()
    return { baseOffset, durable }
  }

  private async writeLoop(): Promise<void> {
    this.writing = true
    while (this.pending.length > 0 && this.failed === null) {
      const group = this.pending
      this.pending = []
      // Positions were assigned in order at append time, so the group is one contiguous run.
      const position = (group[0] as Pending).position
      try {
        await this.fh.writev(
          group.map((p) => p.bytes),
          position,
        )
        await this.fh.datasync()
      } catch (e) {
        this.failed = e instanceof Error ? e : new Error(String(e))
        for (const p of [...group, ...this.pending]) p.reject(this.failed)
        for (const w of this.waiters.splice(0)) w.reject(this.failed)
        break
      }
      this.durableOffset = (group.at(-1) as Pending).endOffset
      for (const p of group) p.resolve()
      this.wakeWaiters()
    }
    this.writing = false
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]
      if (w !== undefined && w.offset <= this.durableOffset) {
        this.waiters.splice(i, 1)
        w.resolve()
      }
    }
  }

  whenDurable(offset: number): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed)
    if (offset <= this.durableOffset) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push({ offset, resolve, reject }))
  }

  /** Index of the batch holding `offset` (the last with baseOffset <= offset), or -1. */
  private indexOf(offset: number): number {
    let lo = 0
    let hi = this.baseOffsets.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((this.baseOffsets[mid] as number) <= offset) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  async read(offset: number, maxBytes: number): Promise<Uint8Array> {
    if (offset >= this.durableOffset) return new Uint8Array(0)
    const first = Math.max(0, this.indexOf(offset))
    let bytes = 0
    let end = first
    while (end < this.baseOffsets.length && (this.baseOffsets[end] as number) < this.durableOffset) {
      const size = this.sizes[end] as number
      if (end > first && bytes + size > maxBytes) break
      bytes += size
      end++
    }
    if (bytes === 0) return new Uint8Array(0)
    const out = new Uint8Array(bytes)
    await this.fh.read(out, 0, bytes, this.positions[first] as number)
    return out
  }

  offsetForTimestamp(timestampMs: number): { offset: number; timestamp: number } | null {
    const startIdx = Math.max(0, this.indexOf(this.logStart))
    for (let i = startIdx; i < this.baseOffsets.length; i++) {
      const base = this.baseOffsets[i] as number
      if (base >= this.durableOffset) break
      const ts = this.maxTimestamps[i] as number
      if (ts >= timestampMs) return { offset: Math.max(base, this.logStart), timestamp: ts }
    }
    return null
  }

  async truncatePrefix(offset: number): Promise<void> {
    if (offset <= this.logStart) return
    const tmp = join(this.dir, 'start.tmp')
    await writeFile(tmp, String(offset))
    await rename(tmp, join(this.dir, 'start'))
    this.logStart = offset
  }

  async close(): Promise<void> {
    // Let queued writes finish so a clean shutdown loses nothing that was acknowledged.
    await this.whenDurable(this.nextOffset).catch(() => {})
    await this.fh.close()
  }
}

/** Scans a log file, returning the valid prefix's headers and positions. */
function scan(bytes: Uint8Array): { headers: BatchHeader[]; positions: number[]; validBytes: number } {
  const headers: BatchHeader[] = []
  const positions: number[] = []
  let at = 0
  while (at + BATCH_HEADER_BYTES <= bytes.byteLength) {
    const total = batchTotalBytes(bytes, at)
    if (total === undefined || total < BATCH_HEADER_BYTES || at + total > bytes.byteLength) break
    if (!batchCrcMatches(bytes, at)) break
    headers.push(readBatchHeader(bytes, at))
    positions.push(at)
    at += total
  }
  return { headers, positions, validBytes: at }
}

export class FileLogs implements PartitionLogs {
  private readonly open_ = new Map<string, Promise<FileLog>>()

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  private dirOf(topic: string, partition: number): string {
    return join(this.dataDir, 'logs', `${topic}-${partition}`)
  }

  open(topic: string, partition: number): Promise<PartitionLog> {
    const key = `${topic}\u0000${partition}`
    let p = this.open_.get(key)
    if (p === undefined) {
      p = this.openLog(topic, partition)
      this.open_.set(key, p)
    }
    return p
  }

  private async openLog(topic: string, partition: number): Promise<FileLog> {
    const dir = this.dirOf(topic, partition)
    await mkdir(dir, { recursive: true })
    const path = join(dir, 'batches.log')
    const fh = await open(path, 'a+').then(async (h) => {
      await h.close()
      return open(path, 'r+')
    })
    const bytes = new Uint8Array(await readFile(path))
    const { headers, positions, validBytes } = scan(bytes)
    if (validBytes < bytes.byteLength) {
      this.log.warn('log.truncated_tail', { topic, partition, validBytes, fileBytes: bytes.byteLength })
      await fh.truncate(validBytes)
      await fh.datasync()
    }
    let logStart = headers[0]?.baseOffset ?? 0
    try {
      logStart = Math.max(logStart, Number(await readFile(join(dir, 'start'), 'utf8')))
    } catch {
      // No DeleteRecords yet: the log starts at its first batch.
    }
    return new FileLog(fh, dir, { headers, positions, fileBytes: validBytes, logStart })
  }

  async removeTopic(topic: string, partitions: number): Promise<void> {
    for (let partition = 0; partition < partitions; partition++) {
      const key = `${topic}\u0000${partition}`
      const p = this.open_.get(key)
      this.open_.delete(key)
      if (p !== undefined) await (await p).close()
      await rm(this.dirOf(topic, partition), { recursive: true, force: true })
    }
  }

  async closeAll(): Promise<void> {
    for (const p of this.open_.values()) await (await p).close()
    this.open_.clear()
  }
}
