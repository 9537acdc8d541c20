/**
 * A deterministic harness for interaction scripts (etcd's rafttest/interaction_env, in our own
 * words): a set of RawNodes over MemoryRaftStorage, a message queue per recipient, and commands
 * that print exactly what each step did.
 */
import { assert } from '../../../../src/lib/assert.js'
import { type NodeId, nodeId } from '../../../../src/lib/branded.js'
import { createPrng } from '../../../../src/lib/prng.js'
import {
  type ConfChange,
  type ConfState,
  type Entry,
  MemoryRaftStorage,
  type Message,
  type PlantedBugs,
  RawNode,
  type Ready,
  type Snapshot,
} from '../../../../src/raft/index.js'

export interface NodeOptions {
  preVote: boolean
  checkQuorum: boolean
  electionTicks: number
  heartbeatTicks: number
  maxInflightMsgs: number
  maxInflightBytes: number
  maxMsgBytes: number
  bugs: PlantedBugs
}

export const defaultNodeOptions: NodeOptions = {
  preVote: false,
  checkQuorum: false,
  electionTicks: 10,
  heartbeatTicks: 1,
  maxInflightMsgs: 256,
  maxInflightBytes: 0,
  maxMsgBytes: 1024 * 1024,
  bugs: {},
}

export interface SimNode {
  id: NodeId
  node: RawNode
  storage: MemoryRaftStorage
  /** The application: data of every applied normal entry, in order. */
  applied: string[]
  opts: NodeOptions
}

const text = new TextDecoder()
const bytes = new TextEncoder()

export class InteractionEnv {
  readonly nodes = new Map<NodeId, SimNode>()
  /** Messages sent and not yet delivered, per recipient, in send order. */
  readonly inbox = new Map<NodeId, Message[]>()
  readonly isolated = new Set<NodeId>()
  private out: string[] = []
  private seed = 1

  addNode(id: NodeId, conf: ConfState, opts: NodeOptions): SimNode {
    assert(!this.nodes.has(id), `node ${id} exists`)
    const storage = new MemoryRaftStorage(conf)
    const sn: SimNode = { id, node: this.newRawNode(id, storage, opts), storage, applied: [], opts }
    this.nodes.set(id, sn)
    this.inbox.set(id, [])
    return sn
  }

  /** Forget everything not persisted: a crash followed by a restart from storage. */
  restart(id: NodeId): void {
    const sn = this.get(id)
    sn.node = this.newRawNode(id, sn.storage, sn.opts)
    const snap = sn.storage.snapshot()
    sn.applied = decodeApp(snap.data)
    this.inbox.set(id, [])
  }

  get(id: NodeId): SimNode {
    const sn = this.nodes.get(id)
    assert(sn !== undefined, `no node ${id}`)
    return sn
  }

  print(line: string): void {
    this.out.push(line)
  }

  takeOutput(): string {
    const s = this.out.join('\n')
    this.out = []
    return s
  }

  /** Persist, send, apply, advance one Ready, printing it. Returns false if there was none. */
  processReady(id: NodeId): boolean {
    const sn = this.get(id)
    if (!sn.node.hasReady()) return false
    const rd = sn.node.ready()
    this.print(`> ${id} handling Ready`)
    for (const line of describeReady(rd)) this.print(`  ${line}`)
    if (rd.snapshot !== undefined) sn.storage.applySnapshot(rd.snapshot)
    sn.storage.append(rd.entries)
    if (rd.hardState !== undefined) sn.storage.setHardState(rd.hardState)
    for (const m of rd.messages) this.inbox.get(m.to)?.push(m)
    if (rd.snapshot !== undefined) sn.applied = decodeApp(rd.snapshot.data)
    for (const e of rd.committedEntries) {
      if (e.kind === 'normal' && e.data.length > 0) sn.applied.push(text.decode(e.data))
    }
    sn.node.advance(rd)
    return true
  }

  /** Deliver queued messages to `id` (all, or only those from `from`). Returns how many were handled. */
  deliver(id: NodeId, from?: NodeId): number {
    const queue = this.inbox.get(id) ?? []
    const now = queue.filter((m) => from === undefined || m.from === from)
    if (now.length === 0) return 0
    this.inbox.set(
      id,
      queue.filter((m) => !now.includes(m)),
    )
    this.print(`> ${id} receiving messages`)
    for (const m of now) {
      if (this.isolated.has(m.to) || this.isolated.has(m.from)) {
        this.print(`  ${describeMessage(m)} DROPPED`)
        continue
      }
      this.print(`  ${describeMessage(m)}`)
      this.get(id).node.step(m)
    }
    return now.length
  }

  /** Run Readies and deliveries until nothing moves. */
  stabilize(ids: readonly NodeId[]): void {
    for (let round = 0; round < 1000; round++) {
      let moved = false
      for (const id of ids) if (this.processReady(id)) moved = true
      for (const id of ids) if (this.deliver(id) > 0) moved = true
      if (!moved) return
    }
    assert(false, 'stabilize did not settle within 1000 rounds')
  }

  sortedIds(): NodeId[] {
    return [...this.nodes.keys()].sort((a, b) => a - b)
  }

  private newRawNode(id: NodeId, storage: MemoryRaftStorage, opts: NodeOptions): RawNode {
    return new RawNode({
      id,
      electionTicks: opts.electionTicks,
      heartbeatTicks: opts.heartbeatTicks,
      prng: createPrng(this.seed++),
      storage,
      preVote: opts.preVote,
      checkQuorum: opts.checkQuorum,
      maxInflightMsgs: opts.maxInflightMsgs,
      maxInflightBytes: opts.maxInflightBytes,
      maxMsgBytes: opts.maxMsgBytes,
      testOnlyBugs: opts.bugs,
    })
  }
}

export function encodeApp(applied: readonly string[]): Uint8Array {
  return bytes.encode(JSON.stringify(applied))
}

function decodeApp(data: Uint8Array): string[] {
  if (data.length === 0) return []
  const parsed: unknown = JSON.parse(text.decode(data))
  assert(Array.isArray(parsed), 'app snapshot is an array')
  return parsed.map(String)
}

export function describeEntry(e: Entry): string {
  if (e.kind === 'confChange') return `${e.index}/${e.term} ${describeConfChange(e.change)}`
  return `${e.index}/${e.term} ${e.data.length === 0 ? 'noop' : JSON.stringify(text.decode(e.data))}`
}

export function describeConfChange(cc: ConfChange): string {
  return `${cc.type}(${cc.nodeId})`
}

function describeSnapshot(s: Snapshot): string {
  const m = s.metadata
  return `Index:${m.index} Term:${m.term} Voters:[${m.confState.voters.join(',')}] Learners:[${m.confState.learners.join(',')}]`
}

function describeEntries(es: readonly Entry[]): string {
  return `[${es.map(describeEntry).join(', ')}]`
}

function ctx(c: Uint8Array): string {
  return c.length === 0 ? '' : ` Ctx:${text.decode(c)}`
}

export function describeMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} Term:${m.term}`
  switch (m.type) {
    case 'app':
      return `${head} Log:${m.index}/${m.logTerm} Commit:${m.commit}${m.entries.length > 0 ? ` Entries:${describeEntries(m.entries)}` : ''}`
    case 'appResp':
      return m.reject ? `${head} Rejected:${m.index} Hint:${m.rejectHint}` : `${head} Index:${m.index}`
    case 'heartbeat':
      return `${head} Commit:${m.commit}${ctx(m.context)}`
    case 'heartbeatResp':
      return `${head}${ctx(m.context)}`
    case 'vote':
    case 'preVote':
      return `${head} Log:${m.index}/${m.logTerm}${m.transfer ? ' Transfer' : ''}`
    case 'voteResp':
    case 'preVoteResp':
      return `${head}${m.reject ? ' Rejected' : ''}`
    case 'snap':
      return `${head} Snapshot ${describeSnapshot(m.snapshot)}`
    case 'timeoutNow':
      return head
    case 'readIndex':
      return `${head}${ctx(m.context)}`
    case 'readIndexResp':
      return `${head} Index:${m.index}${ctx(m.context)}`
  }
}

export function describeReady(rd: Ready): string[] {
  const lines: string[] = []
  if (rd.softState !== undefined)
    lines.push(`State:${rd.softState.role} Leader:${rd.softState.leader ?? '-'}`)
  if (rd.hardState !== undefined) {
    const hs = rd.hardState
    lines.push(`HardState Term:${hs.term} Vote:${hs.vote ?? '-'} Commit:${hs.commit}`)
  }
  if (rd.snapshot !== undefined) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`)
  if (rd.entries.length > 0) lines.push(`Entries: ${describeEntries(rd.entries)}`)
  if (rd.committedEntries.length > 0) lines.push(`Committed: ${describeEntries(rd.committedEntries)}`)
  for (const r of rd.readStates) lines.push(`ReadState Index:${r.index}${ctx(r.context)}`)
  for (const m of rd.messages) lines.push(`Send: ${describeMessage(m)}`)
  return lines
}

export function parseIds(s: string): NodeId[] {
  if (s === '') return []
  return s.split(',').map((x) => nodeId(Number(x)))
}
