/**
 * An in-memory RaftLogStorage that the caller appends to when it persists a Ready. Pure: used by
 * unit tests, the benchmark and the simulator (which layers crash and disk faults on top).
 *
 * Layout: `ents[0]` is a dummy entry standing for the snapshot (its index and term), so
 * term(firstIndex - 1) always answers; real entries follow at consecutive indexes.
 */
import { assert } from '../lib/assert.js'
import { type Term, term as toTerm } from '../lib/branded.js'
import { entryBytes } from './entry.js'
import type { ConfState, Entry, HardState, Index, RaftLogStorage, Snapshot } from './types.js'

export class MemoryRaftStorage implements RaftLogStorage {
  private hardState: HardState = { term: toTerm(0), vote: null, commit: 0 }
  private snap: Snapshot
  /** ents[0] is the dummy at snapshot index; ents[i] has index snapIndex + i. */
  private ents: Entry[]

  constructor(confState: ConfState = { voters: [], learners: [] }) {
    this.snap = {
      metadata: { index: 0, term: toTerm(0), confState: copyConf(confState) },
      data: new Uint8Array(0),
    }
    this.ents = [dummy(0, toTerm(0))]
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: { ...this.hardState }, confState: copyConf(this.snap.metadata.confState) }
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs }
  }

  firstIndex(): Index {
    return this.offset() + 1
  }

  lastIndex(): Index {
    return this.offset() + this.ents.length - 1
  }

  term(index: Index): Term | undefined {
    const off = this.offset()
    if (index < off || index > this.lastIndex()) return undefined
    return this.ents[index - off]?.term
  }

  entries(lo: Index, hi: Index, maxBytes: number): Entry[] {
    assert(
      lo >= this.firstIndex() && hi <= this.lastIndex() + 1 && lo <= hi,
      `entries [${lo}, ${hi}) unavailable`,
    )
    const out: Entry[] = []
    let bytes = 0
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - this.offset()]
      assert(e !== undefined, 'entry present in range')
      bytes += entryBytes(e)
      if (out.length > 0 && bytes > maxBytes) break
      out.push(e)
    }
    return out
  }

  snapshot(): Snapshot {
    return this.snap
  }

  /**
   * Persist entries: any stored entries at or after entries[0].index are discarded first (the
   * Ready contract). Entries already covered by the snapshot are ignored.
   */
  append(entries: readonly Entry[]): void {
    const first = entries[0]
    if (first === undefined) return
    const last = entries[entries.length - 1]
    assert(last !== undefined, 'non-empty')
    if (last.index <= this.offset()) return
    assert(
      first.index <= this.lastIndex() + 1,
      `append at ${first.index} leaves a gap after ${this.lastIndex()}`,
    )
    const skip = Math.max(0, this.offset() + 1 - first.index)
    const keep = first.index + skip - this.offset()
    this.ents.length = keep
    for (let i = skip; i < entries.length; i++) {
      const e = entries[i]
      assert(e !== undefined, 'entry present')
      this.ents.push(e)
    }
  }

  /** Replace everything with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    assert(snap.metadata.index >= this.offset(), 'snapshot is not older than the current one')
    this.snap = snap
    this.ents = [dummy(snap.metadata.index, snap.metadata.term)]
  }

  /**
   * Take a snapshot of the application state as of `index` (which must be applied, so
   * committed and stored). Does not compact; call compact() for that.
   */
  createSnapshot(index: Index, confState: ConfState, data: Uint8Array): Snapshot {
    assert(index > this.snap.metadata.index, 'snapshot moves forward')
    assert(index <= this.lastIndex(), 'snapshot index is stored')
    const t = this.term(index)
    assert(t !== undefined, 'term of snapshot index known')
    this.snap = { metadata: { index, term: t, confState: copyConf(confState) }, data }
    return this.snap
  }

  /** Discard entries up to and including `index`; index must not pass the snapshot. */
  compact(index: Index): void {
    if (index <= this.offset()) return
    assert(index <= this.snap.metadata.index, 'compact only what a snapshot covers')
    assert(index <= this.lastIndex(), 'compact within the log')
    const t = this.term(index)
    assert(t !== undefined, 'term known')
    this.ents = [dummy(index, t), ...this.ents.slice(index - this.offset() + 1)]
  }

  private offset(): Index {
    const d = this.ents[0]
    assert(d !== undefined, 'dummy entry present')
    return d.index
  }
}

function dummy(index: Index, t: Term): Entry {
  return { kind: 'normal', index, term: t, data: new Uint8Array(0) }
}

function copyConf(c: ConfState): ConfState {
  return { voters: [...c.voters], learners: [...c.learners] }
}
