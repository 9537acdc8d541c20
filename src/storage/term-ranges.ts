/**
 * Which Raft term wrote which offsets, as a list of (term, first offset) in log order: the cheap
 * answer to termOf(offset) that Raft asks on every AppendEntries. Terms never decrease along the
 * log. The list is persisted (checkpoint.ts) before the first batch of a new term is written, so
 * after a crash it may name a term whose first batch never reached the disk; recovery drops
 * entries at or past the log end.
 */
import { assert } from '../lib/assert.js'
import type { TermStart } from './checkpoint.js'

export class TermRanges {
  private readonly ranges: TermStart[]

  constructor(ranges: readonly TermStart[] = []) {
    this.ranges = ranges.map((r) => ({ ...r }))
    for (let i = 1; i < this.ranges.length; i++) {
      const prev = this.ranges[i - 1] as TermStart
      const cur = this.ranges[i] as TermStart
      assert(cur.term > prev.term && cur.startOffset > prev.startOffset, 'term ranges ascend')
    }
  }

  list(): TermStart[] {
    return this.ranges.map((r) => ({ ...r }))
  }

  get length(): number {
    return this.ranges.length
  }

  lastTerm(): number | undefined {
    return this.ranges[this.ranges.length - 1]?.term
  }

  /** The term of the range that holds `offset`; callers check that offset is inside the log. */
  termAt(offset: number): number | undefined {
    let lo = 0
    let hi = this.ranges.length - 1
    if (hi < 0 || (this.ranges[0] as TermStart).startOffset > offset) return undefined
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if ((this.ranges[mid] as TermStart).startOffset <= offset) lo = mid
      else hi = mid - 1
    }
    return (this.ranges[lo] as TermStart).term
  }

  /** Records that a batch of `term` starts at `offset`; true when this begins a new range. */
  onAppend(term: number, offset: number): boolean {
    const last = this.ranges[this.ranges.length - 1]
    if (last !== undefined && last.term === term) return false
    assert(last === undefined || term > last.term, `term ${term} is below the log's last term ${last?.term}`)
    assert(last === undefined || offset > last.startOffset, 'a new term starts after the previous one')
    this.ranges.push({ term, startOffset: offset })
    return true
  }

  /** Forgets offsets at or past `end`; true when the list changed. */
  truncateSuffix(end: number): boolean {
    const before = this.ranges.length
    while (this.ranges.length > 0 && (this.ranges[this.ranges.length - 1] as TermStart).startOffset >= end) {
      this.ranges.pop()
    }
    return this.ranges.length !== before
  }

  /** Forgets ranges that end at or before `start`, keeping the one that covers it. */
  truncatePrefix(start: number): boolean {
    let drop = 0
    while (drop + 1 < this.ranges.length && (this.ranges[drop + 1] as TermStart).startOffset <= start) drop++
    this.ranges.splice(0, drop)
    return drop > 0
  }
}
