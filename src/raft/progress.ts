/**
 * What the leader knows about one follower's log, and how fast it may send to it (etcd's
 * design.md flow control): probe sends one append at a time until a match is found, replicate
 * pipelines appends up to the in-flight limits, snapshot sends nothing until the snapshot lands.
 */
import { assert } from '../lib/assert.js'
import type { Index, ProgressState, ProgressStatus } from './types.js'

/** Appends sent in replicate state and not yet acknowledged, oldest first. */
export class Inflights {
  private readonly lastIndexes: Index[] = []
  private readonly sizes: number[] = []
  private bytesTotal = 0

  constructor(
    private readonly msgsMax: number,
    private readonly bytesMax: number,
  ) {}

  add(lastIndex: Index, bytes: number): void {
    assert(!this.full(), 'no append is sent while in-flight limits are reached')
    const prev = this.lastIndexes[this.lastIndexes.length - 1]
    assert(prev === undefined || lastIndex > prev, 'in-flight appends have increasing indexes')
    this.lastIndexes.push(lastIndex)
    this.sizes.push(bytes)
    this.bytesTotal += bytes
  }

  /** Forget every append whose last index is at or below `index` (acknowledged). */
  freeLE(index: Index): void {
    let n = 0
    while (n < this.lastIndexes.length && (this.lastIndexes[n] ?? Number.POSITIVE_INFINITY) <= index) n++
    this.drop(n)
  }

  freeFirstOne(): void {
    this.drop(Math.min(1, this.lastIndexes.length))
  }

  full(): boolean {
    return this.lastIndexes.length >= this.msgsMax || (this.bytesMax > 0 && this.bytesTotal >= this.bytesMax)
  }

  count(): number {
    return this.lastIndexes.length
  }

  bytes(): number {
    return this.bytesTotal
  }

  reset(): void {
    this.drop(this.lastIndexes.length)
  }

  private drop(n: number): void {
    const removed = this.sizes.splice(0, n)
    this.lastIndexes.splice(0, n)
    for (const s of removed) this.bytesTotal -= s
  }
}

export class Progress {
  match: Index = 0
  next: Index
  state: ProgressState = 'probe'
  /** Probe state: an append is out and we wait for its answer (or the next heartbeat reply). */
  probeSent = false
  /** Snapshot state: the index of the snapshot sent. */
  pendingSnapshot: Index = 0
  /** Heard from within the current election timeout (for check-quorum). */
  recentActive = false
  /** Ticks spent in snapshot state without an answer; past an election timeout we probe again. */
  stallTicks = 0
  readonly inflights: Inflights

  constructor(opts: { next: Index; isLearner: boolean; inflightMsgsMax: number; inflightBytesMax: number }) {
    this.next = opts.next
    this.isLearner = opts.isLearner
    this.inflights = new Inflights(opts.inflightMsgsMax, opts.inflightBytesMax)
  }

  isLearner: boolean

  becomeProbe(): void {
    const floor = this.state === 'snapshot' ? Math.max(this.match, this.pendingSnapshot) : this.match
    this.reset('probe')
    this.next = floor + 1
  }

  becomeReplicate(): void {
    this.reset('replicate')
    this.next = this.match + 1
  }

  becomeSnapshot(snapshotIndex: Index): void {
    this.reset('snapshot')
    this.pendingSnapshot = snapshotIndex
  }

  /** An acknowledgement up to index n; returns whether match moved. */
  maybeUpdate(n: Index): boolean {
    const updated = this.match < n
    if (updated) {
      this.match = n
      this.probeSent = false
      this.stallTicks = 0
    }
    this.next = Math.max(this.next, n + 1)
    return updated
  }

  /**
   * A rejection of the append whose previous index was `rejected`; the follower's last index is
   * `hint`. Returns false when the rejection is stale (answers an append we no longer care about).
   */
  maybeDecrTo(rejected: Index, hint: Index): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false
      this.next = this.match + 1
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1)
    this.probeSent = false
    return true
  }

  /** An append carrying `count` entries (last one at lastIndex, `bytes` in all) was sent. */
  sentEntries(count: number, lastIndex: Index, bytes: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next = lastIndex + 1
        this.inflights.add(lastIndex, bytes)
      }
    } else if (this.state === 'probe') {
      this.probeSent = true
    } else {
      assert(false, 'no append is sent in snapshot state')
    }
  }

  isPaused(): boolean {
    if (this.state === 'probe') return this.probeSent
    if (this.state === 'replicate') return this.inflights.full()
    return true
  }

  status(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      isLearner: this.isLearner,
      recentActive: this.recentActive,
      inflightMsgs: this.inflights.count(),
      inflightBytes: this.inflights.bytes(),
    }
  }

  private reset(state: ProgressState): void {
    this.state = state
    this.probeSent = false
    this.pendingSnapshot = 0
    this.stallTicks = 0
    this.inflights.reset()
  }
}
