/**
 * The partition log's public contract: what the broker, the Raft driver and tests program
 * against. The implementation is partition-log.ts; the invariants are in README.md.
 */
import type { Offset, Term } from '../lib/branded.js'
import type { CompactionPolicy, CompactionResult } from './cleaner.js'
import type { Segment } from './segment.js'
import type { TermRanges } from './term-ranges.js'

export interface AppendResult {
  baseOffset: Offset
  lastOffset: Offset
}

export interface RetentionPolicy {
  /** Delete sealed segments whose newest batch is older than this (Kafka's retention.ms). */
  retentionMs?: number
  /** Delete the oldest sealed segments while the log would stay at least this big. */
  retentionBytes?: number
  nowMs: number
}

export interface RetentionResult {
  segmentsDeleted: number
  bytesDeleted: number
  logStartOffset: Offset
}

export interface LogProgress {
  /** Offsets below this are written and readable. */
  writtenEndOffset: Offset
  /** Offsets below this are on disk (fdatasync done). */
  durableEndOffset: Offset
}

export interface PartitionLog {
  readonly dir: string
  logStartOffset(): Offset
  /** The next offset to assign. Appends still waiting for the next turn are not counted yet. */
  logEndOffset(): Offset
  writtenEndOffset(): Offset
  durableEndOffset(): Offset
  /** Term of the batch holding `offset`, for offsets in [logStart, logEnd); else undefined. */
  termOf(offset: Offset): Term | undefined
  /** Term of the last batch, or of the last batch ever held if the log was emptied; else 0. */
  lastTerm(): Term
  /** Bytes of segment files (indexes not counted). */
  sizeBytes(): number
  /**
   * Appends one record batch (v2, with a correct CRC). The log takes the buffer: it rewrites the
   * base offset and partition leader epoch (the term) in place and writes it as it is.
   */
  append(batch: Uint8Array, term: Term): Promise<AppendResult>
  /**
   * Whole batches starting with the one holding `offset`, from one segment, at most `maxBytes`
   * unless the first batch alone is larger (KIP-74). Empty at the end of the log.
   */
  read(offset: Offset, maxBytes: number): Promise<Uint8Array>
  /** The first batch's base offset whose max timestamp is >= `timestamp`, or undefined. */
  offsetForTimestamp(timestamp: number): Promise<Offset | undefined>
  /** Largest batch max timestamp in the log (-1 when empty or none carries a timestamp). */
  maxTimestamp(): Promise<number>
  /** Removes the batch holding `offset` and all after it; returns the new log end offset. */
  truncateSuffix(offset: Offset): Promise<Offset>
  /** Moves the log start to `offset`, deleting whole segments below it; past the end, empties the log. */
  truncatePrefix(offset: Offset): Promise<void>
  /** Seals the active segment (if it holds anything) and starts a new one. */
  roll(): Promise<void>
  applyRetention(policy: RetentionPolicy): Promise<RetentionResult>
  /** Keeps only the latest record per key in sealed segments (README: Compaction). */
  compact(policy: CompactionPolicy): Promise<CompactionResult>
  /** Forces everything written to disk, whatever the policy. */
  flush(): Promise<void>
  /** Called whenever the written or durable end moves (long-polling fetches wake on it). */
  onProgress(listener: (progress: LogProgress) => void): () => void
  close(): Promise<void>
}

/** The state recovery hands over: what the directory held, checked. */
export interface RecoveredState {
  segments: Segment[]
  logStart: number
  terms: TermRanges
  lastTermEver: number
}
