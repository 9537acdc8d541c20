/**
 * The Raft log as the core sees it: what the caller has persisted (storage) followed by what it
 * has not yet persisted (unstable entries, or a snapshot received from the leader), plus the
 * commit and applied indexes. Entries are 1-based; index 0 has term 0.
 */
import { assert } from '../lib/assert.js'
import { type Term, term as toTerm } from '../lib/branded.js'
import { entryBytes } from './entry.js'
import type { Entry, Index, RaftLogStorage, Snapshot } from './types.js'

export class RaftLog {
  /** Index of unstable[0]; always storage.lastIndex() + 1 unless a snapshot is pending. */
  private offset: Index
  private unstable: Entry[] = []
  private pendingSnapshot: Snapshot | undefined
  committed: Index
  applied: Index

  constructor(
    private readonly storage: RaftLogStorage,
    private readonly entriesPerMsgMax: number,
  ) {
    this.offset = storage.lastIndex() + 1
    this.committed = storage.firstIndex() - 1
    this.applied = this.committed
  }

  firstIndex(): Index {
    if (this.pendingSnapshot !== undefined) return this.pendingSnapshot.metadata.index + 1
    return this.storage.firstIndex()
  }

  lastIndex(): Index {
    if (this.unstable.length > 0) return this.offset + this.unstable.length - 1
    if (this.pendingSnapshot !== undefined) return this.pendingSnapshot.metadata.index
    return this.storage.lastIndex()
  }

  /** The term at index, or undefined if it is compacted away or beyond the log. */
  term(index: Index): Term | undefined {
    if (index === 0) return toTerm(0)
    if (index >= this.offset) return this.unstable[index - this.offset]?.term
    const snap = this.pendingSnapshot
    if (snap !== undefined) return index === snap.metadata.index ? snap.metadata.term : undefined
    return this.storage.term(index)
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex())
    assert(t !== undefined, 'the last entry has a term')
    return t
  }

  matchTerm(index: Index, t: Term): boolean {
    return this.term(index) === t
  }

  /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: Index, lastTerm: Term): boolean {
    const ours = this.lastTerm()
    return lastTerm > ours || (lastTerm === ours && lastIndex >= this.lastIndex())
  }

  /**
   * The follower side of an append. Returns the last index now known to match the leader, or
   * undefined if the log does not hold (index, logTerm). Truncates only at a real conflict,
   * unless the planted bug asks to truncate whenever the append is shorter than the log.
   */
  maybeAppend(
    index: Index,
    logTerm: Term,
    leaderCommit: Index,
    ents: readonly Entry[],
    truncateWithoutConflict: boolean,
  ): Index | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined
    const lastNew = index + ents.length
    const conflict = this.findConflict(ents)
    if (conflict !== 0) {
      assert(conflict > this.committed, `conflict at ${conflict} is at or below commit ${this.committed}`)
      this.append(ents.slice(conflict - (index + 1)))
    } else if (truncateWithoutConflict && Math.max(lastNew, this.committed) < this.lastIndex()) {
      // The planted bug: a stale or empty append cuts off entries the leader may count as held.
      this.truncateAfter(Math.max(lastNew, this.committed))
    }
    this.commitTo(Math.min(leaderCommit, lastNew))
    return lastNew
  }

  /** Append entries; any entries at or after ents[0].index are replaced. */
  append(ents: readonly Entry[]): void {
    const first = ents[0]
    if (first === undefined) return
    const after = first.index
    assert(after > this.committed, `append at ${after} would overwrite committed ${this.committed}`)
    assert(after <= this.lastIndex() + 1, `append at ${after} leaves a gap after ${this.lastIndex()}`)
    if (after === this.offset + this.unstable.length) {
      this.unstable.push(...ents)
    } else if (after <= this.offset) {
      // Replaces persisted entries too; the Ready tells the caller to discard them.
      this.offset = after
      this.unstable = [...ents]
    } else {
      this.unstable = [...this.unstable.slice(0, after - this.offset), ...ents]
    }
  }

  commitTo(index: Index): void {
    if (index <= this.committed) return
    assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`)
    this.committed = index
  }

  appliedTo(index: Index): void {
    assert(index <= this.committed && index >= this.applied, `applied ${index} out of range`)
    this.applied = index
  }

  /**
   * Entries [lo, hi) within maxBytes (at least one), or undefined if lo is compacted away.
   */
  slice(lo: Index, hi: Index, maxBytes: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined
    assert(hi <= this.lastIndex() + 1, 'slice within the log')
    const out: Entry[] = []
    if (lo >= hi) return out
    const stableHi = Math.min(hi, this.offset)
    if (lo < stableHi) out.push(...this.storage.entries(lo, stableHi, maxBytes))
    let bytes = 0
    for (const e of out) bytes += entryBytes(e)
    for (let i = Math.max(lo, this.offset); i < hi && out.length === i - lo; i++) {
      const e = this.unstable[i - this.offset]
      assert(e !== undefined, 'unstable entry present')
      if (out.length > 0 && bytes + entryBytes(e) > maxBytes) break
      bytes += entryBytes(e)
      out.push(e)
    }
    if (out.length > this.entriesPerMsgMax) out.length = this.entriesPerMsgMax
    return out
  }

  /** Committed entries not yet applied (after a pending snapshot, if any). */
  nextCommitted(): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex())
    if (lo > this.committed) return []
    const out = this.slice(lo, this.committed + 1, Number.POSITIVE_INFINITY)
    assert(out !== undefined, 'unapplied entries are never compacted')
    return out
  }

  hasNextCommitted(): boolean {
    return Math.max(this.applied + 1, this.firstIndex()) <= this.committed
  }

  hasUnstableEntries(): boolean {
    return this.unstable.length > 0
  }

  unstableEntries(): Entry[] {
    return [...this.unstable]
  }

  unstableSnapshot(): Snapshot | undefined {
    return this.pendingSnapshot
  }

  /** The caller persisted entries up to (index, term). */
  stableTo(index: Index, t: Term): void {
    if (index < this.offset || this.term(index) !== t) return
    this.unstable = this.unstable.slice(index + 1 - this.offset)
    this.offset = index + 1
  }

  stableSnapTo(index: Index): void {
    if (this.pendingSnapshot?.metadata.index === index) this.pendingSnapshot = undefined
  }

  /** Replace the whole log with a snapshot received from the leader. */
  restore(snap: Snapshot): void {
    this.committed = snap.metadata.index
    this.pendingSnapshot = snap
    this.offset = snap.metadata.index + 1
    this.unstable = []
  }

  /** Does the unapplied, committed part of the log hold a conf change? */
  hasUnappliedConfChange(): boolean {
    if (!this.hasNextCommitted()) return false
    return this.nextCommitted().some((e) => e.kind === 'confChange')
  }

  private findConflict(ents: readonly Entry[]): Index {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index
    }
    return 0
  }

  private truncateAfter(index: Index): void {
    if (index + 1 >= this.offset) {
      this.unstable = this.unstable.slice(0, index + 1 - this.offset)
      return
    }
    // Persisted entries go too: re-emit the entry at `index` so that the caller, writing it,
    // discards everything after it. Nothing to do if that entry is compacted away.
    if (index < this.firstIndex()) return
    this.unstable = this.storage.entries(index, index + 1, Number.POSITIVE_INFINITY)
    this.offset = index
  }
}
