/**
 * Idempotent-producer state of one partition (KIP-98), pure: per producer id, its epoch and the
 * last `producerBatchesRetained` batches' sequence ranges and offsets.
 *
 * Rules (Kafka's ProducerAppendInfo): a lower epoch is fenced (INVALID_PRODUCER_EPOCH); a higher
 * epoch must start at sequence 0; within an epoch an exact repeat of a retained batch is a
 * duplicate answered with its original offsets, and anything else must continue at last + 1
 * (wrapping at int32) or gets OUT_OF_ORDER_SEQUENCE. An unknown producer may start anywhere.
 * Rebuilt on open from the newest producer-state snapshot plus the log's batch headers after it
 * (node/storage-log.ts; the file format is producer-snapshot.ts).
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

/** One producer's state: its epoch and its retained batches, oldest first. */
export interface ProducerEntry {
  producerId: number
  epoch: number
  batches: readonly ProducerBatch[]
}

interface Entry {
  epoch: number
  batches: ProducerBatch[]
}

const INT32_MAX = 0x7fffffff

export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  const s = baseSequence + lastOffsetDelta
  return s > INT32_MAX ? s - INT32_MAX - 1 : s
}

/** The batch's last offset: its sequence span is its offset span. */
export function lastOffsetOf(b: ProducerBatch): number {
  const span = b.lastSequence - b.baseSequence
  return b.baseOffset + (span < 0 ? span + INT32_MAX + 1 : span)
}

function nextSequence(s: number): number {
  return s === INT32_MAX ? 0 : s + 1
}

export class ProducerStateTable {
  private readonly byId = new Map<number, Entry>()

  constructor(
    private readonly retained: number = limits.producerBatchesRetained,
    private readonly producersMax: number = limits.producerIdsPerPartitionMax,
  ) {}

  get size(): number {
    return this.byId.size
  }

  check(b: Omit<ProducerBatch, 'baseOffset'>): SequenceCheck {
    if (b.producerId < 0) return { kind: 'append' }
    const e = this.byId.get(b.producerId)
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
    let e = this.byId.get(b.producerId)
    if (e === undefined || b.producerEpoch > e.epoch) e = { epoch: b.producerEpoch, batches: [] }
    // Re-insert so that Map order is least recently written first, for eviction.
    this.byId.delete(b.producerId)
    this.byId.set(b.producerId, e)
    e.batches.push(b)
    if (e.batches.length > this.retained) e.batches.shift()
    if (this.byId.size > this.producersMax) {
      const oldest = this.byId.keys().next()
      if (oldest.done !== true) this.byId.delete(oldest.value)
    }
  }

  /** Every producer, least recently written first (the order `restore` takes them back in). */
  *entries(): IterableIterator<ProducerEntry> {
    for (const [producerId, e] of this.byId) {
      yield { producerId, epoch: e.epoch, batches: e.batches }
    }
  }

  /**
   * Appends one producer's saved state as the most recently written (a snapshot being loaded,
   * in `entries()` order). Throws a RangeError on state `record` could never have produced.
   */
  restore(entry: ProducerEntry): void {
    const n = entry.batches.length
    if (entry.producerId < 0 || this.byId.has(entry.producerId))
      throw new RangeError(`producer ${entry.producerId} is negative or twice in the state`)
    if (n === 0 || n > this.retained) throw new RangeError(`producer ${entry.producerId} has ${n} batches`)
    if (this.byId.size >= this.producersMax) throw new RangeError(`more than ${this.producersMax} producers`)
    this.byId.set(entry.producerId, { epoch: entry.epoch, batches: entry.batches.map((b) => ({ ...b })) })
  }

  /**
   * Forgets batches that end below `offset` and producers left with none: what a replay of the
   * batches from the one holding `offset` would not have seen (the log start moved past them).
   */
  forgetBelow(offset: number): void {
    for (const [id, e] of this.byId) {
      const kept = e.batches.filter((b) => lastOffsetOf(b) >= offset)
      if (kept.length === 0) this.byId.delete(id)
      else if (kept.length !== e.batches.length) e.batches = kept
    }
  }
}
