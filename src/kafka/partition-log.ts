/**
 * What the Kafka front door needs from one partition's log. node/storage-log.ts implements it on
 * the segmented storage engine (src/storage).
 */
import type { ProducerStateTable } from './producer-state.js'

export interface PartitionLog {
  /** First offset still readable (DeleteRecords moves it forward). */
  startOffset(): number
  /** One past the last durable offset: the high watermark on a single node. */
  highWatermark(): number
  /**
   * Appends one validated batch: assigns offsets at once (rewriting baseOffset in `batch`, in
   * order with every other append), and resolves `durable` once the bytes are on disk.
   */
  append(batch: Uint8Array, term: number): { baseOffset: number; durable: Promise<void> }
  /** Resolves when everything below `offset` is durable. */
  whenDurable(offset: number): Promise<void>
  /**
   * Whole batches from the one that holds `offset`, up to `maxBytes` but always at least one
   * batch when any is readable; empty when `offset` is at the high watermark.
   */
  read(offset: number, maxBytes: number): Promise<Uint8Array>
  /** The first batch whose max timestamp is at or after `timestampMs`. */
  offsetForTimestamp(timestampMs: number): Promise<{ offset: number; timestamp: number } | null>
  /** Makes offsets below `offset` unreadable. */
  truncatePrefix(offset: number): Promise<void>
  /**
   * The partition's idempotent-producer table, rebuilt at open from what the log holds. The
   * front door checks and records every appended batch in it in the same turn as `append`; the
   * log may save it (as of its end offset) at any later turn, so it must never run ahead of or
   * behind the appends.
   */
  producers(): ProducerStateTable
  close(): Promise<void>
}

export interface PartitionLogs {
  open(topic: string, partition: number): Promise<PartitionLog>
  /** Closes and deletes every partition log of a topic. */
  removeTopic(topic: string, partitions: number): Promise<void>
}
