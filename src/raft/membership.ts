/**
 * Who votes and who only listens. One change at a time (Raft thesis §4.1): any two majorities
 * of configurations that differ by one voter overlap, so no joint phase is needed.
 */
import { assert } from '../lib/assert.js'
import type { NodeId } from '../lib/branded.js'
import type { ConfChange, ConfState } from './types.js'

export class Membership {
  private votersSet = new Set<NodeId>()
  private learnersSet = new Set<NodeId>()
  /** votersSet sorted, recomputed on every change: read on every commit decision. */
  private votersSorted: readonly NodeId[] = []

  constructor(cs: ConfState) {
    this.restore(cs)
  }

  restore(cs: ConfState): void {
    this.votersSet = new Set(cs.voters)
    this.learnersSet = new Set(cs.learners)
    for (const id of this.learnersSet) assert(!this.votersSet.has(id), `node ${id} is both voter and learner`)
    this.changed()
  }

  private changed(): void {
    this.votersSorted = [...this.votersSet].sort((a, b) => a - b)
  }

  voters(): readonly NodeId[] {
    return this.votersSorted
  }

  all(): NodeId[] {
    return [...this.votersSet, ...this.learnersSet].sort((a, b) => a - b)
  }

  isVoter(id: NodeId): boolean {
    return this.votersSet.has(id)
  }

  isLearner(id: NodeId): boolean {
    return this.learnersSet.has(id)
  }

  quorum(): number {
    return Math.floor(this.votersSet.size / 2) + 1
  }

  hasQuorum(ids: ReadonlySet<NodeId>): boolean {
    let n = 0
    for (const id of ids) if (this.votersSet.has(id)) n++
    return n >= this.quorum()
  }

  /** Would this change make sense now? Refuses no-ops and removing the last voter. */
  isValidChange(cc: ConfChange): boolean {
    switch (cc.type) {
      case 'addVoter':
        return !this.votersSet.has(cc.nodeId)
      case 'addLearner':
        // Demoting a voter would be two steps at once for the quorum size; refuse it.
        return !this.votersSet.has(cc.nodeId) && !this.learnersSet.has(cc.nodeId)
      case 'removeNode':
        if (this.votersSet.has(cc.nodeId)) return this.votersSet.size > 1
        return this.learnersSet.has(cc.nodeId)
    }
  }

  /** Apply a committed change. Invalid ones (validated at proposal) are skipped the same way on every node. */
  apply(cc: ConfChange): void {
    if (!this.isValidChange(cc)) return
    if (cc.type === 'addVoter') {
      this.learnersSet.delete(cc.nodeId)
      this.votersSet.add(cc.nodeId)
    } else if (cc.type === 'addLearner') {
      this.learnersSet.add(cc.nodeId)
    } else {
      this.votersSet.delete(cc.nodeId)
      this.learnersSet.delete(cc.nodeId)
    }
    this.changed()
  }

  confState(): ConfState {
    return { voters: [...this.votersSorted], learners: [...this.learnersSet].sort((a, b) => a - b) }
  }
}
