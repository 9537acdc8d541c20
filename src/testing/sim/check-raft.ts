/**
 * Raft's safety properties (Raft paper, Figure 3), checked as the run goes rather than only at
 * the end, so that a violation is reported at the step that caused it:
 *
 * - election safety: at most one leader per term;
 * - log matching: two entries with the same index and term hold the same content and follow
 *   the same history (checked inductively: same (index, term) ⇒ same content and same term at
 *   index − 1), and terms never decrease along one log;
 * - a log is truncated only where a written entry conflicts with it (never by a shorter append);
 * - leader completeness: a node that becomes leader holds every entry known to be committed;
 * - committed entries never change: every entry at or below a node's commit index equals the
 *   committed entry at that index, on every write, every commit advance and every recovery;
 * - state-machine safety: no two nodes apply different entries at one index;
 * - the leader's commitment rule: a leader's commit index lands only on an entry of its term.
 *
 * The checker keeps its own mirror of each node's written log (not the Raft core's storage), so a
 * bug in the core cannot hide itself by also corrupting what the checker reads.
 */
import { violated } from './violation.js'

export interface EntryView {
  readonly index: number
  readonly term: number
  /** The entry's identity: its type and content. Equal keys ⇔ equal entries at one index. */
  readonly key: string
}

interface Mirror {
  /** Index and term of the last entry covered by a snapshot (0, 0 if none). */
  snapIndex: number
  snapTerm: number
  /** entries[k] is at index snapIndex + 1 + k. */
  entries: EntryView[]
  commit: number
}

export class RaftChecker {
  private readonly leaderOfTerm = new Map<number, number>()
  private readonly byIndexTerm = new Map<string, { key: string; prevTerm: number }>()
  private readonly committed: (EntryView | undefined)[] = []
  private readonly applied: (EntryView | undefined)[] = []
  private readonly mirrors = new Map<number, Mirror>()
  committedMax = 0

  private mirror(node: number): Mirror {
    let m = this.mirrors.get(node)
    if (m === undefined) {
      m = { snapIndex: 0, snapTerm: 0, entries: [], commit: 0 }
      this.mirrors.set(node, m)
    }
    return m
  }

  lastIndex(node: number): number {
    const m = this.mirror(node)
    return m.snapIndex + m.entries.length
  }

  termAt(node: number, index: number): number | undefined {
    const m = this.mirror(node)
    if (index === m.snapIndex) return m.snapTerm
    return m.entries[index - m.snapIndex - 1]?.term
  }

  /** The node's state after a restart: rebuilds its mirror from what recovery found on disk. */
  resetNode(
    node: number,
    snap: { index: number; term: number },
    entries: readonly EntryView[],
    commit: number,
  ): void {
    this.mirrors.set(node, { snapIndex: snap.index, snapTerm: snap.term, entries: [], commit: snap.index })
    this.append(node, entries)
    this.advanceCommit(node, commit)
  }

  observeRole(node: number, term: number, isLeader: boolean, wasLeader: boolean): void {
    if (!isLeader) return
    const other = this.leaderOfTerm.get(term)
    if (other !== undefined && other !== node) {
      violated('safety', 'election-safety', `nodes ${other} and ${node} are both leader of term ${term}`)
    }
    this.leaderOfTerm.set(term, node)
    if (!wasLeader) this.checkLeaderComplete(node, term)
  }

  private checkLeaderComplete(node: number, term: number): void {
    const m = this.mirror(node)
    for (let i = m.snapIndex + 1; i <= this.committedMax; i++) {
      const c = this.committed[i]
      if (c === undefined) continue
      const mine = m.entries[i - m.snapIndex - 1]
      if (mine === undefined || mine.key !== c.key || mine.term !== c.term) {
        violated(
          'safety',
          'leader-completeness',
          `node ${node} leads term ${term} without committed entry ${i} (term ${c.term}); it has ${describe(mine)}`,
        )
      }
    }
  }

  /** A snapshot from the leader replaced the node's whole log (storage keeps no suffix). */
  installSnapshot(node: number, index: number, term: number): void {
    const m = this.mirror(node)
    const c = this.committed[index]
    if (c !== undefined && c.term !== term) {
      violated(
        'safety',
        'committed-unchanged',
        `node ${node} installs a snapshot at ${index} term ${term} ≠ ${c.term}`,
      )
    }
    if (m.commit > index) {
      violated(
        'safety',
        'committed-unchanged',
        `node ${node} installs a snapshot at ${index} below its commit ${m.commit}`,
      )
    }
    m.snapIndex = index
    m.snapTerm = term
    m.entries = []
    m.commit = index
    if (index > this.committedMax) this.committedMax = index
  }

  /** The node wrote these entries (consecutive); any of its entries at or after the first are gone. */
  append(node: number, written: readonly EntryView[]): void {
    const m = this.mirror(node)
    // Entries a snapshot already covers are ignored by storage, and so here.
    const entries = written.filter((e) => e.index > m.snapIndex)
    const first = entries[0]
    if (first === undefined) return
    const last = first.index + entries.length - 1
    if (first.index <= m.commit && last < Math.min(m.commit, this.lastIndex(node))) {
      violated('safety', 'committed-unchanged', `node ${node} truncates its log below its commit ${m.commit}`)
    }
    for (const e of entries) {
      const mine = e.index <= m.commit ? m.entries[e.index - m.snapIndex - 1] : undefined
      if (mine !== undefined && (mine.key !== e.key || mine.term !== e.term)) {
        violated('safety', 'committed-unchanged', `node ${node} overwrites committed index ${e.index}`)
      }
    }
    this.checkTruncation(node, entries)
    if (first.index > this.lastIndex(node) + 1) {
      violated(
        'safety',
        'log-matching',
        `node ${node} writes index ${first.index} past its last ${this.lastIndex(node)}`,
      )
    }
    m.entries.length = first.index - m.snapIndex - 1
    let prevTerm = this.termAt(node, first.index - 1) ?? 0
    for (const e of entries) {
      this.checkMatching(node, e, prevTerm)
      m.entries.push(e)
      prevTerm = e.term
    }
  }

  /**
   * A write discards the node's entries from its first index on. That is right only when the
   * write brings a conflicting entry (same index, other term); a write that agrees with every
   * entry it overlaps but is shorter than the log drops entries the node may have acknowledged.
   */
  private checkTruncation(node: number, entries: readonly EntryView[]): void {
    const m = this.mirror(node)
    const last = entries[entries.length - 1] as EntryView
    if (last.index >= this.lastIndex(node)) return
    const conflict = entries.some((e) => m.entries[e.index - m.snapIndex - 1]?.term !== e.term)
    if (!conflict) {
      violated(
        'safety',
        'truncate-only-on-conflict',
        `node ${node} drops entries ${last.index + 1}..${this.lastIndex(node)} without a conflicting entry`,
      )
    }
  }

  private checkMatching(node: number, e: EntryView, prevTerm: number): void {
    if (e.term < prevTerm) {
      violated(
        'safety',
        'log-matching',
        `node ${node} index ${e.index} has term ${e.term} after term ${prevTerm}`,
      )
    }
    const k = `${e.index}:${e.term}`
    const seen = this.byIndexTerm.get(k)
    if (seen === undefined) {
      this.byIndexTerm.set(k, { key: e.key, prevTerm })
      return
    }
    if (seen.key !== e.key || seen.prevTerm !== prevTerm) {
      violated(
        'safety',
        'log-matching',
        `node ${node} index ${e.index} term ${e.term}: content or previous term differs from another log`,
      )
    }
  }

  /** The node's commit index is now `commit`: everything up to it is committed, for good. */
  advanceCommit(node: number, commit: number): void {
    const m = this.mirror(node)
    if (commit < m.commit) return
    if (commit > this.lastIndex(node)) {
      violated(
        'safety',
        'commit-within-log',
        `node ${node} commits ${commit} beyond its last index ${this.lastIndex(node)}`,
      )
    }
    for (let i = Math.max(m.commit + 1, m.snapIndex + 1); i <= commit; i++) {
      const mine = m.entries[i - m.snapIndex - 1] as EntryView
      const c = this.committed[i]
      if (c === undefined) {
        this.committed[i] = mine
        if (i > this.committedMax) this.committedMax = i
      } else if (c.key !== mine.key || c.term !== mine.term) {
        violated(
          'safety',
          'committed-unchanged',
          `node ${node} commits index ${i} as ${describe(mine)} but it was committed as ${describe(c)}`,
        )
      }
    }
    m.commit = commit
  }

  /**
   * Raft's commitment rule (paper §5.4.2, Figure 2): a leader moves its commit index only to an
   * entry of its own term. Committing an older-term entry by counting replicas is the Figure 8
   * bug; it loses data only in rare schedules, so the rule itself is checked on every advance.
   */
  checkLeaderCommit(node: number, term: number, commit: number): void {
    const t = this.termAt(node, commit)
    if (t !== undefined && t !== term) {
      violated(
        'safety',
        'leader-commit-rule',
        `leader ${node} of term ${term} advanced its commit to ${commit}, an entry of term ${t}`,
      )
    }
  }

  observeApply(node: number, e: EntryView): void {
    const prior = this.applied[e.index]
    if (prior === undefined) {
      this.applied[e.index] = e
    } else if (prior.key !== e.key || prior.term !== e.term) {
      violated(
        'safety',
        'state-machine-safety',
        `node ${node} applies ${describe(e)} at ${e.index}, another node applied ${describe(prior)}`,
      )
    }
    const c = this.committed[e.index]
    if (c !== undefined && (c.key !== e.key || c.term !== e.term)) {
      violated(
        'safety',
        'committed-unchanged',
        `node ${node} applies ${describe(e)}, committed was ${describe(c)}`,
      )
    }
  }

  /** End of run: every node's log still holds every committed entry at or below its commit. */
  checkFinal(nodes: readonly number[]): void {
    for (const node of nodes) {
      const m = this.mirror(node)
      for (let i = m.snapIndex + 1; i <= m.commit; i++) {
        const mine = m.entries[i - m.snapIndex - 1]
        const c = this.committed[i]
        if (mine === undefined || c === undefined || mine.key !== c.key || mine.term !== c.term) {
          violated(
            'safety',
            'committed-unchanged',
            `node ${node} at ${i} holds ${describe(mine)}, not ${describe(c)}`,
          )
        }
      }
    }
  }

  termsWithLeader(): number {
    return this.leaderOfTerm.size
  }
}

function describe(e: EntryView | undefined): string {
  return e === undefined ? 'nothing' : `(term ${e.term}, ${e.key.slice(0, 60)})`
}
