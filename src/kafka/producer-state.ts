/**
 * Idempotent-producer state of one partition (KIP-98), pure: per producer id, its epoch and the
 * last `producerBatchesRetained` batches' sequence ranges and offsets.
 *
 * Rules (Kafka's ProducerAppendInfo): a lower epoch is fenced (INVALID_PRODUCER_EPOCH); a higher
 * epoch must start at sequence 0; within an epoch an exact repeat of a retained batch is a
 * duplicate answered with its original offsets, and anything else must continue at last + 1
 * (wrapping at int32) or gets OUT_OF_ORDER_SEQUENCE. An unknown producer may start anywhere.
 * Rebuilt on open by replaying the log's batch headers through `record`.
 */
import { limits } from '../config/limits.js'

export interface ProducerBatch {
  producerId: number
  producerEpoch: number
  baseSequence: number
  /** baseSequence + lastOffsetDelta, wrapped at int32. */
  lastSequence: number
  baseOffset: number
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; code: 'OUT_OF_ORDER_SEQUENCE' | 'INVALID_PRODUCER_EPOCH' }

interface Entry {
  epoch: number
  batches: ProducerBatch[]
}

const INT32_MAX = 0x7fffffff

export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  const s = baseSequence + lastOffsetDelta
  return s > INT32_MAX ? s - INT32_MAX - 1 : s
}

function nextSequence(s: number): number {
  return s === INT32_MAX ? 0 : s + 1
}

export class ProducerStateTable {
  private readonly entries = new Map<number, Entry>()

  constructor(
    private readonly retained: number = limits.producerBatchesRetained,
    private readonly producersMax: number = limits.producerIdsPerPartitionMax,
  ) {}

  get size(): number {
    return this.entries.size
  }

  check(b: Omit<ProducerBatch, 'baseOffset'>): SequenceCheck {
    if (b.producerId < 0) return { kind: 'append' }
    const e = this.entries.get(b.producerId)
    if (e === undefined) return { kind: 'append' }
    if (b.producerEpoch < e.epoch) return { kind: 'error', code: 'INVALID_PRODUCER_EPOCH' }
    if (b.producerEpoch > e.epoch) {
      return b.baseSequence === 0 ? { kind: 'append' } : { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' }
    }
    for (const old of e.batches) {
      if (old.baseSequence === b.baseSequence && old.lastSequence === b.lastSequence) {
        return { kind: 'duplicate', baseOffset: old.baseOffset }
      }
    }
    const last = e.batches.at(-1)
    if (last === undefined || b.baseSequence === nextSequence(last.lastSequence)) return { kind: 'append' }
    return { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' }
  }

  /** Records an appended batch (after `check` said append, or when replaying the log). */
  record(b: ProducerBatch): void {
    if (b.producerId < 0) return
    let e = this.entries.get(b.producerId)
    if (e === undefined || b.producerEpoch > e.epoch) e = { epoch: b.producerEpoch, batches: [] }
    // Re-insert so that Map order is least recently written first, for eviction.
    this.entries.delete(b.producerId)
    this.entries.set(b.producerId, e)
    e.batches.push(b)
    if (e.batches.length > this.retained) e.batches.shift()
    if (this.entries.size > this.producersMax) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
  }
}
