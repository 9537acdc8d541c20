/**
 * How the simulated node writes Raft state to its simulated disk: one JSON frame per write
 * (entries, hard state, received snapshot, local snapshot). Real bytes, so the disk's checksums
 * catch torn and corrupted frames the way they would in a real log.
 */
import type { NodeId, Term } from '../../lib/branded.js'
import type { ConfState, Entry, HardState, Snapshot } from '../../raft/index.js'

export type DiskRecord =
  | { readonly t: 'entries'; readonly entries: readonly Entry[] }
  | { readonly t: 'hardState'; readonly hs: HardState }
  | { readonly t: 'snapshot'; readonly snap: Snapshot }
  /** A local snapshot of applied state at `index`: the log before it is compacted away. */
  | { readonly t: 'checkpoint'; readonly index: number; readonly conf: ConfState; readonly data: Uint8Array }

type Wire = Record<string, unknown>
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function bytesOut(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')
}

function bytesIn(s: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(String(s), 'latin1'))
}

function entryOut(e: Entry): Wire {
  return e.kind === 'normal'
    ? { i: e.index, t: e.term, d: bytesOut(e.data) }
    : { i: e.index, t: e.term, c: e.change.type, n: e.change.nodeId }
}

function entryIn(w: Wire): Entry {
  const index = w.i as number
  const term = w.t as Term
  if (w.c === undefined) return { kind: 'normal', index, term, data: bytesIn(w.d) }
  return {
    kind: 'confChange',
    index,
    term,
    change: { type: w.c as 'addVoter' | 'addLearner' | 'removeNode', nodeId: w.n as NodeId },
  }
}

function snapOut(s: Snapshot): Wire {
  const m = s.metadata
  return { i: m.index, t: m.term, v: m.confState.voters, l: m.confState.learners, d: bytesOut(s.data) }
}

function snapIn(w: Wire): Snapshot {
  return {
    metadata: {
      index: w.i as number,
      term: w.t as Term,
      confState: { voters: w.v as NodeId[], learners: w.l as NodeId[] },
    },
    data: bytesIn(w.d),
  }
}

export function encodeRecord(r: DiskRecord): Uint8Array {
  let w: Wire
  switch (r.t) {
    case 'entries':
      w = { t: 'e', e: r.entries.map(entryOut) }
      break
    case 'hardState':
      w = { t: 'h', term: r.hs.term, vote: r.hs.vote, commit: r.hs.commit }
      break
    case 'snapshot':
      w = { t: 's', s: snapOut(r.snap) }
      break
    case 'checkpoint':
      w = { t: 'c', i: r.index, v: r.conf.voters, l: r.conf.learners, d: bytesOut(r.data) }
      break
  }
  return encoder.encode(JSON.stringify(w))
}

export function decodeRecord(bytes: Uint8Array): DiskRecord {
  const w = JSON.parse(decoder.decode(bytes)) as Wire
  switch (w.t) {
    case 'e':
      return { t: 'entries', entries: (w.e as Wire[]).map(entryIn) }
    case 'h':
      return {
        t: 'hardState',
        hs: { term: w.term as Term, vote: w.vote as NodeId | null, commit: w.commit as number },
      }
    case 's':
      return { t: 'snapshot', snap: snapIn(w.s as Wire) }
    default:
      return {
        t: 'checkpoint',
        index: w.i as number,
        conf: { voters: w.v as NodeId[], learners: w.l as NodeId[] },
        data: bytesIn(w.d),
      }
  }
}

/** The checker's identity of an entry: equal keys at one index mean equal entries. */
export function entryKey(e: Entry): string {
  return e.kind === 'normal' ? `n:${bytesOut(e.data)}` : `c:${e.change.type}:${e.change.nodeId}`
}
