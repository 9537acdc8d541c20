/**
 * A small seeded random cluster for property tests of the core (the full simulator with disk
 * faults lives in src/testing/). Messages are dropped, duplicated and reordered, nodes crash and
 * restart from what they persisted, logs are compacted, a learner is added and promoted; the
 * Raft safety properties are checked after every step, and liveness once the faults stop.
 */
import { assert } from '../../../src/lib/assert.js'
import { type NodeId, nodeId, type Term } from '../../../src/lib/branded.js'
import { createPrng, type Prng } from '../../../src/lib/prng.js'
import { MemoryRaftStorage, type Message, type PlantedBugs, RawNode } from '../../../src/raft/index.js'

interface Applied {
  index: number
  term: Term
  data: string
}

interface ClusterNode {
  id: NodeId
  node: RawNode
  storage: MemoryRaftStorage
  applied: Applied[]
  up: boolean
}

export interface RunOptions {
  seed: number
  voters: number
  steps: number
  bugs?: PlantedBugs
}

export interface RunResult {
  violation?: string
  commits: number
  leaders: number
  livenessOk: boolean
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export class RandomCluster {
  private readonly prng: Prng
  private readonly nodes = new Map<NodeId, ClusterNode>()
  private net: Message[] = []
  private readonly leaderOfTerm = new Map<number, NodeId>()
  /** Every entry any node has applied, by index: they must all agree. */
  private readonly committed = new Map<number, Applied>()
  private proposals = 0
  private readonly preVote: boolean
  private readonly checkQuorum: boolean
  private readonly dropRate: number
  private readonly dupRate: number
  private learnerAdded = false

  constructor(private readonly opts: RunOptions) {
    this.prng = createPrng(opts.seed)
    this.preVote = this.prng.chance(0.7)
    this.checkQuorum = this.prng.chance(0.7)
    this.dropRate = this.prng.next() * 0.2
    this.dupRate = this.prng.next() * 0.1
    const ids = Array.from({ length: opts.voters }, (_, i) => nodeId(i + 1))
    for (const id of ids) this.addNode(id, ids)
    // A spare node that joins as a learner and is then promoted.
    this.addNode(nodeId(opts.voters + 1), ids)
  }

  run(): RunResult {
    for (let step = 0; step < this.opts.steps; step++) {
      this.randomStep(true)
      const v = this.check()
      if (v !== undefined)
        return {
          violation: `step ${step}: ${v}`,
          commits: this.committed.size,
          leaders: this.leaderOfTerm.size,
          livenessOk: false,
        }
    }
    const livenessOk = this.heal()
    const v = this.check()
    const r: RunResult = { commits: this.committed.size, leaders: this.leaderOfTerm.size, livenessOk }
    if (v !== undefined) r.violation = `after heal: ${v}`
    return r
  }

  private addNode(id: NodeId, voters: NodeId[]): void {
    const storage = new MemoryRaftStorage({ voters, learners: [] })
    this.nodes.set(id, { id, node: this.newNode(id, storage), storage, applied: [], up: true })
  }

  private newNode(id: NodeId, storage: MemoryRaftStorage): RawNode {
    return new RawNode({
      id,
      electionTicks: 10,
      heartbeatTicks: 2,
      prng: this.prng.fork(),
      storage,
      preVote: this.preVote,
      checkQuorum: this.checkQuorum,
      maxInflightMsgs: 4,
      maxInflightBytes: 64,
      maxMsgBytes: 16,
      testOnlyBugs: this.opts.bugs ?? {},
    })
  }

  private randomStep(faults: boolean): void {
    const all = [...this.nodes.values()]
    const n = all[this.prng.int(all.length)]
    assert(n !== undefined, 'a node')
    const r = this.prng.next()
    if (r < 0.3) {
      if (n.up) n.node.tick()
    } else if (r < 0.6) {
      this.deliverOne(faults)
    } else if (r < 0.8) {
      if (n.up) this.processReady(n)
    } else if (r < 0.92) {
      this.propose()
    } else if (r < 0.93) {
      this.changeMembership()
    } else if (r < 0.94) {
      if (faults) this.crash(n)
    } else if (r < 0.98) {
      if (!n.up) this.restart(n)
    } else {
      this.compact(n)
    }
  }

  private deliverOne(faults: boolean): void {
    if (this.net.length === 0) return
    const i = faults ? this.prng.int(this.net.length) : 0
    const m = this.net[i]
    assert(m !== undefined, 'message')
    if (!faults || !this.prng.chance(this.dupRate)) this.net.splice(i, 1)
    if (faults && this.prng.chance(this.dropRate)) return
    const to = this.nodes.get(m.to)
    if (to?.up === true) to.node.step(m)
  }

  private processReady(n: ClusterNode): void {
    if (!n.node.hasReady()) return
    const rd = n.node.ready()
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot)
    n.storage.append(rd.entries)
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState)
    this.net.push(...rd.messages)
    if (rd.snapshot !== undefined) n.applied = decodeApplied(rd.snapshot.data)
    for (const e of rd.committedEntries) {
      n.applied.push({
        index: e.index,
        term: e.term,
        data: e.kind === 'normal' ? dec.decode(e.data) : `conf:${e.change.type}:${e.change.nodeId}`,
      })
    }
    n.node.advance(rd)
  }

  private propose(): void {
    for (const n of this.nodes.values()) {
      if (n.up && n.node.status().role === 'leader') {
        n.node.propose([enc.encode(`v${this.proposals++}`)])
        return
      }
    }
  }

  private changeMembership(): void {
    const spare = nodeId(this.opts.voters + 1)
    for (const n of this.nodes.values()) {
      if (!n.up || n.node.status().role !== 'leader') continue
      const conf = n.node.status().confState
      if (!this.learnerAdded) {
        if (n.node.proposeConfChange({ type: 'addLearner', nodeId: spare }).ok) this.learnerAdded = true
      } else if (conf.learners.includes(spare)) {
        n.node.proposeConfChange({ type: 'addVoter', nodeId: spare })
      }
      return
    }
  }

  private crash(n: ClusterNode): void {
    n.up = false
    this.net = this.net.filter((m) => m.to !== n.id)
  }

  private restart(n: ClusterNode): void {
    n.node = this.newNode(n.id, n.storage)
    n.applied = decodeApplied(n.storage.snapshot().data)
    n.up = true
  }

  private compact(n: ClusterNode): void {
    const st = n.node.status()
    const snapIndex = n.storage.snapshot().metadata.index
    if (st.applied <= snapIndex + 2) return
    const index = snapIndex + 1 + this.prng.int(st.applied - snapIndex - 1)
    const upTo = n.applied.filter((a) => a.index <= index)
    n.storage.createSnapshot(index, st.confState, enc.encode(JSON.stringify(upTo)))
    n.storage.compact(index)
  }

  private check(): string | undefined {
    for (const n of this.nodes.values()) {
      if (!n.up) continue
      const st = n.node.status()
      if (st.role === 'leader') {
        const prev = this.leaderOfTerm.get(st.term)
        if (prev !== undefined && prev !== n.id) return `two leaders in term ${st.term}: ${prev} and ${n.id}`
        this.leaderOfTerm.set(st.term, n.id)
      }
      if (st.applied > st.commit) return `node ${n.id} applied ${st.applied} > commit ${st.commit}`
      for (const a of n.applied) {
        const c = this.committed.get(a.index)
        if (c === undefined) this.committed.set(a.index, a)
        else if (c.term !== a.term || c.data !== a.data) {
          return `node ${n.id} applied ${a.index}/${a.term} ${a.data}, another applied ${c.index}/${c.term} ${c.data}`
        }
      }
      const v = this.checkPersistedCommitted(n, st.commit)
      if (v !== undefined) return v
    }
    return undefined
  }

  /** Entries at or below a node's commit must be the committed ones (leader completeness, log matching). */
  private checkPersistedCommitted(n: ClusterNode, commit: number): string | undefined {
    const s = n.storage
    // The persisted commit: in memory the log may already have replaced entries not yet written.
    const hi = Math.min(commit, s.initialState().hardState.commit, s.lastIndex())
    if (hi < s.firstIndex()) return undefined
    for (const e of s.entries(s.firstIndex(), hi + 1, Number.POSITIVE_INFINITY)) {
      const c = this.committed.get(e.index)
      if (c !== undefined && c.term !== e.term)
        return `node ${n.id} holds ${e.index}/${e.term} at or below its commit, committed was term ${c.term}`
    }
    return undefined
  }

  /** Stop the faults, restart everyone, and require a leader to commit a new entry in bounded steps. */
  private heal(): boolean {
    for (const n of this.nodes.values()) if (!n.up) this.restart(n)
    const target = this.committed.size
    for (let i = 0; i < 2_000; i++) {
      for (const n of this.nodes.values()) {
        n.node.tick()
        this.processReady(n)
      }
      // Bounded: a buggy core may ping-pong forever.
      for (let k = 0; k < 1000 && this.net.length > 0; k++) {
        this.deliverOne(false)
        for (const n of this.nodes.values()) this.processReady(n)
      }
      if (i % 10 === 0) this.propose()
      if (this.maxApplied() > target) return true
    }
    return false
  }

  private maxApplied(): number {
    let m = 0
    for (const n of this.nodes.values())
      m = Math.max(m, n.applied.length === 0 ? 0 : (n.applied[n.applied.length - 1]?.index ?? 0))
    return m
  }
}

function decodeApplied(data: Uint8Array): Applied[] {
  if (data.length === 0) return []
  return JSON.parse(dec.decode(data)) as Applied[]
}
