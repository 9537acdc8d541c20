/**
 * The sparse offset and time index of one segment, in memory and in its two files.
 *
 * Entry i says: the batch whose base offset is offsets[i] starts at byte positions[i], and every
 * batch of the segment before it has a max timestamp of at most timestamps[i] (-1 when none).
 * An entry is added for the first batch and then for the first batch that starts at least
 * `intervalBytes` after the previous entry, so a lookup scans at most one interval plus a batch.
 *
 * Files (written once, when the segment is sealed; the active segment's index lives in memory and
 * is rebuilt by the recovery scan on open):
 *   NNN.index      count × (relativeOffset u32, position u32) · "PIDX" · crc32c u32
 *   NNN.timeindex  count × (timestamp i64, relativeOffset u32) ·
 *                  endOffset i64 · sizeBytes i64 · maxTimestamp i64 · "PTIX" · crc32c u32
 * A file whose CRC, shape or summary does not match its .log is rebuilt from the .log.
 */
import { crc32c } from '../lib/crc32c.js'

export interface IndexSummary {
  endOffset: number
  sizeBytes: number
  maxTimestamp: number
}

export class SegmentIndex {
  readonly offsets: number[] = []
  readonly positions: number[] = []
  readonly timestamps: number[] = []
  private lastEntryPosition = Number.NEGATIVE_INFINITY

  constructor(
    readonly baseOffset: number,
    private readonly intervalBytes: number,
  ) {}

  get entries(): number {
    return this.offsets.length
  }

  /** Called for each batch written, in order. `maxTimestampBefore` covers the earlier batches. */
  onBatch(baseOffset: number, position: number, maxTimestampBefore: number): void {
    if (position - this.lastEntryPosition < this.intervalBytes) return
    this.offsets.push(baseOffset)
    this.positions.push(position)
    this.timestamps.push(maxTimestampBefore)
    this.lastEntryPosition = position
  }

  /** The last entry at or before `offset` (entry 0 when `offset` precedes them all). */
  floor(offset: number): { offset: number; position: number } {
    let lo = 0
    let hi = this.offsets.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.offsets[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    if (this.offsets.length === 0) return { offset: this.baseOffset, position: 0 }
    return { offset: this.offsets[lo] as number, position: this.positions[lo] as number }
  }

  /** The last entry before which every batch's max timestamp is below `timestamp`. */
  floorForTimestamp(timestamp: number): { offset: number; position: number } {
    let lo = 0
    let hi = this.timestamps.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.timestamps[mid] as number) < timestamp) lo = mid
      else hi = mid - 1
    }
    if (this.offsets.length === 0) return { offset: this.baseOffset, position: 0 }
    return { offset: this.offsets[lo] as number, position: this.positions[lo] as number }
  }

  /** Drops entries at or past `position` (after a suffix truncation). */
  truncateAtPosition(position: number): void {
    while (this.positions.length > 0 && (this.positions[this.positions.length - 1] as number) >= position) {
      this.offsets.pop()
      this.positions.pop()
      this.timestamps.pop()
    }
    const last = this.positions[this.positions.length - 1]
    this.lastEntryPosition = last ?? Number.NEGATIVE_INFINITY
  }

  encodeOffsetIndex(): Uint8Array {
    const n = this.entries
    const bytes = new Uint8Array(n * 8 + 8)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < n; i++) {
      view.setUint32(i * 8, (this.offsets[i] as number) - this.baseOffset)
      view.setUint32(i * 8 + 4, this.positions[i] as number)
    }
    writeTrailer(view, n * 8, 'PIDX')
    return bytes
  }

  encodeTimeIndex(summary: IndexSummary): Uint8Array {
    const n = this.entries
    const at = n * 12
    const bytes = new Uint8Array(at + 24 + 8)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < n; i++) {
      view.setBigInt64(i * 12, BigInt(this.timestamps[i] as number))
      view.setUint32(i * 12 + 8, (this.offsets[i] as number) - this.baseOffset)
    }
    view.setBigInt64(at, BigInt(summary.endOffset))
    view.setBigInt64(at + 8, BigInt(summary.sizeBytes))
    view.setBigInt64(at + 16, BigInt(summary.maxTimestamp))
    writeTrailer(view, at + 24, 'PTIX')
    return bytes
  }

  /**
   * Parses both files of a sealed segment, or returns why they cannot be trusted. `logBytes` is
   * the .log file's size; an index written for different contents is rejected.
   */
  static decode(
    baseOffset: number,
    intervalBytes: number,
    offsetFile: Uint8Array | undefined,
    timeFile: Uint8Array | undefined,
    logBytes: number,
  ): { index: SegmentIndex; summary: IndexSummary } | { damage: string } {
    if (offsetFile === undefined || timeFile === undefined) return { damage: 'index file missing' }
    const ov = viewOf(offsetFile)
    const tv = viewOf(timeFile)
    if (!trailerOk(ov, 'PIDX') || !trailerOk(tv, 'PTIX')) return { damage: 'index checksum mismatch' }
    const n = (offsetFile.byteLength - 8) / 8
    if (!Number.isInteger(n) || timeFile.byteLength !== n * 12 + 32) return { damage: 'index sizes disagree' }
    const summary: IndexSummary = {
      endOffset: Number(tv.getBigInt64(n * 12)),
      sizeBytes: Number(tv.getBigInt64(n * 12 + 8)),
      maxTimestamp: Number(tv.getBigInt64(n * 12 + 16)),
    }
    if (summary.sizeBytes !== logBytes) return { damage: 'index describes a different log size' }
    const index = new SegmentIndex(baseOffset, intervalBytes)
    for (let i = 0; i < n; i++) {
      const rel = ov.getUint32(i * 8)
      const position = ov.getUint32(i * 8 + 4)
      const timestamp = Number(tv.getBigInt64(i * 12))
      const ordered =
        i === 0
          ? rel === 0 && position === 0
          : rel + baseOffset > (index.offsets[i - 1] as number) &&
            position > (index.positions[i - 1] as number) &&
            timestamp >= (index.timestamps[i - 1] as number)
      if (!ordered || tv.getUint32(i * 12 + 8) !== rel || position >= logBytes) {
        return { damage: `index entry ${i} is out of order` }
      }
      index.offsets.push(baseOffset + rel)
      index.positions.push(position)
      index.timestamps.push(timestamp)
    }
    if (n > 0) index.lastEntryPosition = index.positions[n - 1] as number
    if (n === 0 && logBytes > 0) return { damage: 'index is empty but the log is not' }
    return { index, summary }
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function writeTrailer(view: DataView, at: number, magic: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(at + i, magic.charCodeAt(i))
  const body = new Uint8Array(view.buffer, view.byteOffset, at + 4)
  view.setUint32(at + 4, crc32c(body))
}

function trailerOk(view: DataView, magic: string): boolean {
  const at = view.byteLength - 8
  if (at < 0) return false
  for (let i = 0; i < 4; i++) if (view.getUint8(at + i) !== magic.charCodeAt(i)) return false
  const body = new Uint8Array(view.buffer, view.byteOffset, at + 4)
  return view.getUint32(at + 4) === crc32c(body)
}
