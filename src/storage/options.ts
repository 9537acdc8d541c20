/**
 * How a partition log is configured, validated once when it opens (undici's habit: a bad option
 * is a clear message at construction, not a surprise later).
 */
import type { FileSystem } from '../io/fs.js'
import { limits } from '../config/limits.js'
import type { SegmentFileCache } from './file-cache.js'

/**
 * When appended bytes are forced to disk:
 *  - always: every append's promise resolves only after an fdatasync covering it (appends that
 *    arrive together share one write and one fdatasync). The default.
 *  - interval: appends resolve once written to the OS; an fdatasync runs `intervalMs` after the
 *    first unsynced write. A crash of the machine may lose up to that much acknowledged data.
 *  - never: appends resolve once written; fdatasync runs only when a segment is sealed, on
 *    flush() and on close(). A crash of the machine may lose anything not yet sealed.
 */
export type FsyncPolicy = { kind: 'always' } | { kind: 'interval'; intervalMs: number } | { kind: 'never' }

/** Parses `always`, `never` or `interval:<ms>` (the form config files and flags use). */
export function parseFsyncPolicy(text: string): FsyncPolicy {
  if (text === 'always') return { kind: 'always' }
  if (text === 'never') return { kind: 'never' }
  const m = /^interval:(\d{1,9})$/.exec(text)
  if (m !== null) {
    const intervalMs = Number(m[1])
    if (intervalMs >= 1) return { kind: 'interval', intervalMs }
  }
  throw new RangeError(`fsync policy '${text}' is not one of always, never, interval:<ms> (ms >= 1)`)
}

export interface StorageLogger {
  info(message: string): void
  warn(message: string): void
}

/** Timers the interval policy needs; the simulator passes its own. Returns a cancel function. */
export interface StorageTimers {
  setTimeout(run: () => void, ms: number): () => void
}

export interface PartitionLogOptions {
  fs: FileSystem
  /** The partition's directory; created when missing. */
  dir: string
  /** Wall-clock milliseconds, for segment age; time is an input so tests can drive it. */
  nowMs: () => number
  fsync?: FsyncPolicy
  /** A segment rolls before a batch that would take it past this size (Kafka's segment.bytes). */
  segmentBytes?: number
  /** A segment rolls once its first batch is this old (Kafka's segment.ms). */
  segmentMs?: number
  /** Bytes between sparse index entries (Kafka's index.interval.bytes). */
  indexIntervalBytes?: number
  logger?: StorageLogger
  /** The node's shared cache of open segment files; a log makes its own when none is given. */
  files?: SegmentFileCache
  timers?: StorageTimers
}

export interface ResolvedOptions {
  fsync: FsyncPolicy
  segmentBytes: number
  segmentMs: number
  indexIntervalBytes: number
}

export const DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024
export const DEFAULT_SEGMENT_MS = 7 * 24 * 60 * 60 * 1000
/** Kafka's index.interval.bytes; why this spacing is in src/storage/README.md. */
export const DEFAULT_INDEX_INTERVAL_BYTES = 4096

export function resolveOptions(options: PartitionLogOptions): ResolvedOptions {
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES
  if (
    !Number.isInteger(segmentBytes) ||
    segmentBytes < limits.segmentBytesMin ||
    segmentBytes > limits.segmentBytesMax
  ) {
    throw new RangeError(
      `segmentBytes ${segmentBytes} must be an integer in [${limits.segmentBytesMin}, ${limits.segmentBytesMax}]`,
    )
  }
  const segmentMs = options.segmentMs ?? DEFAULT_SEGMENT_MS
  if (!Number.isSafeInteger(segmentMs) || segmentMs < 1) {
    throw new RangeError(`segmentMs ${segmentMs} must be a positive integer`)
  }
  const indexIntervalBytes = options.indexIntervalBytes ?? DEFAULT_INDEX_INTERVAL_BYTES
  if (!Number.isInteger(indexIntervalBytes) || indexIntervalBytes < 1 || indexIntervalBytes > segmentBytes) {
    throw new RangeError(`indexIntervalBytes ${indexIntervalBytes} must be an integer in [1, segmentBytes]`)
  }
  const fsync = options.fsync ?? { kind: 'always' }
  if (fsync.kind === 'interval' && !(Number.isInteger(fsync.intervalMs) && fsync.intervalMs >= 1)) {
    throw new RangeError(`fsync interval ${fsync.intervalMs} must be a positive integer of milliseconds`)
  }
  return { fsync, segmentBytes, segmentMs, indexIntervalBytes }
}
