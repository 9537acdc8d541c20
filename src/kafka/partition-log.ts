/**
 * What the Kafka front door needs from one partition's log. The storage engineer's PartitionLog
 * implements the same shape; until it lands, node/file-log.ts does.
 */
import type { BatchHeader } from '../protocol/records/header.js'

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
  offsetForTimestamp(timestampMs: number): { offset: number; timestamp: number } | null
  /** Makes offsets below `offset` unreadable. */
  truncatePrefix(offset: number): Promise<void>
  /** Headers of the batches present at open, oldest first (rebuilds producer state). */
  recoveredHeaders(): readonly BatchHeader[]
  close(): Promise<void>
}

export interface PartitionLogs {
  open(topic: string, partition: number): Promise<PartitionLog>
  /** Closes and deletes every partition log of a topic. */
  removeTopic(topic: string, partitions: number): Promise<void>
}
