/**
 * One simulated node: a Raft core, its in-memory storage view, a simulated disk and the list
 * state machine, driven by the Ready contract of src/raft/README.md. Persist a Ready (write
 * frames, update the storage view), wait for the simulated fsync, and only then send its
 * messages, apply its committed entries and advance. Anything that arrives while the fsync is
 * in flight waits in an inbox, because the core must not be called between ready() and advance().
 */
import { assert } from '../../lib/assert.js'
import { type NodeId, nodeId } from '../../lib/branded.js'
import type { Prng } from '../../lib/prng.js'
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type Message,
  MemoryRaftStorage,
  type ProposeResult,
  type RaftConfig,
  type Ready,
  type Role,
  type Status,
} from '../../raft/index.js'
import type { RaftChecker } from './check-raft.js'
import type { Coverage } from './coverage.js'
import { type DiskRecord, encodeRecord, entryKey } from './codec.js'
import { type DiskWeather, SimDisk } from './disk.js'
import {
  type Answer,
  type Command,
  decodeCommand,
  encodeCommand,
  ListMachine,
  type ListMachineState,
} from './kv.js'

/** The parts of the core's API the driver uses (RawNode satisfies it). */
export interface RaftCore {
  tick(): void
  step(m: Message): void
  propose(data: Uint8Array[]): ProposeResult
  proposeConfChange(cc: ConfChange): ProposeResult
  transferLeadership(to: NodeId): void
  readIndex(context: Uint8Array): boolean
  hasReady(): boolean
  ready(): Ready
  advance(rd: Ready): void
  status(): Status
}

export type CoreFactory = (cfg: RaftConfig) => RaftCore

export type ClientReply =
  | { readonly kind: 'ok'; readonly answer: Answer }
  | { readonly kind: 'notLeader'; readonly hint: number | null }

export interface ClientRequest {
  readonly client: number
  readonly cmd: Command
}

export type NodeInput =
  | { readonly k: 'tick' }
  | { readonly k: 'msg'; readonly m: Message }
  | { readonly k: 'client'; readonly req: ClientRequest }
  | { readonly k: 'conf'; readonly cc: ConfChange }
  | { readonly k: 'transfer'; readonly to: number }

/** What a node needs from the world around it. */
export interface NodeHost {
  readonly checker: RaftChecker
  readonly coverage: Coverage
  send(m: Message): void
  replyClient(from: number, client: number, seq: number, reply: ClientReply): void
  /** Calls node.fsyncDone(incarnation) after the simulated fsync time. */
  scheduleFsync(node: number, incarnation: number): void
  confApplied(node: number, cc: ConfChange): void
  leaderCommitted(node: number, term: number): void
  log(line: string): void
}

export interface NodeSettings {
  readonly id: number
  /** The membership the node's storage starts with: the initial voters, or none for a spare. */
  readonly initialConf: ConfState
  readonly raft: Omit<RaftConfig, 'id' | 'prng' | 'storage'>
  readonly snapshotEveryEntries: number
  readonly disk: DiskWeather
  /** Serve reads with ReadIndex (no log entry) instead of through the log. */
  readonly readIndexReads: boolean
}

const INBOX_MAX = 100_000

export class SimNode {
  up = false
  removed = false
  incarnation = 0
  private readonly disk = new SimDisk<DiskRecord>(encodeRecord)
  private storage: MemoryRaftStorage
  private core: RaftCore | undefined
  private kv = new ListMachine()
  private inFlight: Ready | undefined
  private readonly inbox: NodeInput[] = []
  private readonly pendingClient = new Map<number, number>()
  /** ReadIndex requests by context, then reads waiting for their index to be applied. */
  private readonly pendingReads = new Map<string, { client: number; seq: number }>()
  private waitingReads: { index: number; client: number; seq: number }[] = []
  private role: Role = 'follower'
  private term = 0
  /** The commit index of the last hard state written. */
  private commit = 0
  private leaderCommitTerm = 0
  private snapIndex = 0

  constructor(
    private readonly s: NodeSettings,
    private readonly host: NodeHost,
    private readonly prng: Prng,
    private readonly factory: CoreFactory,
  ) {
    this.storage = new MemoryRaftStorage(s.initialConf)
  }

  get id(): number {
    return this.s.id
  }

  get list(): readonly number[] {
    return this.kv.list
  }

  get appliedIndex(): number {
    return this.kv.appliedIndex
  }

  status(): Status | undefined {
    return this.up ? this.core?.status() : undefined
  }

  /** The term of the last hard state this node wrote (cheap: no status() call). */
  get currentTerm(): number {
    return this.term
  }

  isLeader(): boolean {
    return this.up && this.role === 'leader'
  }

  /** Starts (or restarts) the node from what its disk holds. */
  start(): void {
    assert(!this.up, 'start a stopped node')
    const records = this.disk.recover()
    const { storage, kvImage } = replay(this.s.initialConf, records)
    this.storage = storage
    this.kv = new ListMachine()
    const snap = storage.snapshot().metadata
    if (kvImage !== undefined) this.kv.restore(snap.index, kvImage)
    else this.kv.appliedIndex = snap.index
    this.snapIndex = snap.index
    const cfg: RaftConfig = { ...this.s.raft, id: nodeId(this.s.id), prng: this.prng.fork(), storage }
    this.core = this.factory(cfg)
    const hs = storage.initialState().hardState
    this.role = 'follower'
    this.term = hs.term
    this.commit = hs.commit
    const views =
      storage.lastIndex() >= storage.firstIndex()
        ? storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Number.MAX_SAFE_INTEGER)
        : []
    this.host.checker.resetNode(this.s.id, { index: snap.index, term: snap.term }, views.map(view), hs.commit)
    this.up = true
    this.host.log(
      `n${this.s.id} start term=${hs.term} commit=${hs.commit} last=${storage.lastIndex()} snap=${snap.index}`,
    )
    this.pump()
  }

  /** Power cut: volatile state is gone and the disk keeps what its crash model decides. */
  crash(): void {
    if (!this.up) return
    const r = this.disk.crash(this.prng, this.s.disk)
    const cov = this.host.coverage
    cov.crashes++
    cov.unsyncedFramesLost += r.framesLost
    if (r.damage === 'torn') cov.tornFrames++
    if (r.damage === 'corrupt') cov.corruptFrames++
    this.host.log(`n${this.s.id} crash lost=${r.framesLost} damage=${r.damage}`)
    this.up = false
    this.incarnation++
    this.inFlight = undefined
    this.inbox.length = 0
    this.pendingClient.clear()
    this.pendingReads.clear()
    this.waitingReads = []
    this.core = undefined
    this.role = 'follower'
  }

  input(x: NodeInput): void {
    if (!this.up) return
    if (this.inFlight !== undefined) {
      assert(this.inbox.length < INBOX_MAX, 'node inbox bound')
      this.inbox.push(x)
      return
    }
    this.handle(x)
    this.pump()
  }

  fsyncDone(incarnation: number): void {
    if (incarnation !== this.incarnation || this.inFlight === undefined) return
    const rd = this.inFlight
    this.inFlight = undefined
    this.disk.sync()
    this.finish(rd)
    this.pump()
  }

  private handle(x: NodeInput): void {
    const core = this.core
    assert(core !== undefined, 'running node has a core')
    switch (x.k) {
      case 'tick':
        core.tick()
        return
      case 'msg':
        core.step(x.m)
        return
      case 'client':
        this.handleClient(core, x.req)
        return
      case 'conf': {
        const r = core.proposeConfChange(x.cc)
        this.host.log(
          `n${this.s.id} propose ${x.cc.type} ${x.cc.nodeId} -> ${r.ok ? `@${r.firstIndex}` : r.error}`,
        )
        return
      }
      case 'transfer':
        core.transferLeadership(nodeId(x.to))
        return
    }
  }

  private handleClient(core: RaftCore, req: ClientRequest): void {
    if (req.cmd.op === 'read' && this.s.readIndexReads) {
      const ctx = `${req.client}.${req.cmd.s}`
      if (core.readIndex(new TextEncoder().encode(ctx)))
        this.pendingReads.set(ctx, { client: req.client, seq: req.cmd.s })
      else this.host.replyClient(this.s.id, req.client, req.cmd.s, { kind: 'notLeader', hint: null })
      return
    }
    // A follower's propose fails with the leader it knows of, which is the hint the client needs.
    const r = core.propose([encodeCommand(req.cmd)])
    if (r.ok) {
      this.pendingClient.set(req.client, req.cmd.s)
      return
    }
    if (r.error !== 'notLeader') this.host.log(`n${this.s.id} refuses c${req.client}: ${r.error}`)
    this.host.replyClient(this.s.id, req.client, req.cmd.s, { kind: 'notLeader', hint: r.leader })
  }

  /** Handles Readies until the core has none, an fsync is in flight, or the node crashed. */
  private pump(): void {
    for (let guard = 0; guard < INBOX_MAX; guard++) {
      const core = this.core
      if (!this.up || core === undefined || this.inFlight !== undefined) return
      if (core.hasReady()) {
        const rd = core.ready()
        this.persist(rd)
        if (rd.mustSync) {
          this.inFlight = rd
          this.host.scheduleFsync(this.s.id, this.incarnation)
          return
        }
        this.finish(rd)
        continue
      }
      const next = this.inbox.shift()
      if (next === undefined) return
      this.handle(next)
    }
    assert(false, 'pump loop bound')
  }

  private persist(rd: Ready): void {
    const c = this.host.checker
    if (rd.snapshot !== undefined) {
      this.write({ t: 'snapshot', snap: rd.snapshot })
      this.storage.applySnapshot(rd.snapshot)
      c.installSnapshot(this.s.id, rd.snapshot.metadata.index, rd.snapshot.metadata.term)
      this.host.coverage.snapshotsInstalled++
    }
    if (rd.entries.length > 0) {
      this.write({ t: 'entries', entries: [...rd.entries] })
      this.storage.append(rd.entries)
      c.append(this.s.id, rd.entries.map(view))
    }
    const wasLeader = this.role === 'leader'
    const termBefore = this.term
    const commitBefore = this.commit
    if (rd.hardState !== undefined) {
      this.write({ t: 'hardState', hs: rd.hardState })
      this.storage.setHardState(rd.hardState)
      this.term = rd.hardState.term
      this.commit = rd.hardState.commit
      c.advanceCommit(this.s.id, rd.hardState.commit)
    }
    if (rd.softState !== undefined && rd.softState.role !== this.role) {
      this.host.log(`n${this.s.id} becomes ${rd.softState.role} term=${this.term}`)
    }
    this.role = rd.softState?.role ?? this.role
    const isLeader = this.role === 'leader'
    c.observeRole(this.s.id, this.term, isLeader, wasLeader)
    if (isLeader && !wasLeader) this.host.coverage.leaderElections++
    const commit = rd.hardState?.commit ?? commitBefore
    if (wasLeader && isLeader && this.term === termBefore && commit > commitBefore) {
      c.checkLeaderCommit(this.s.id, this.term, commit)
    }
  }

  private write(r: DiskRecord): void {
    this.disk.append(r)
  }

  private finish(rd: Ready): void {
    for (const m of rd.messages) this.host.send(m)
    if (rd.snapshot !== undefined) {
      const image = parseImage(rd.snapshot.data)
      if (image !== undefined) this.kv.restore(rd.snapshot.metadata.index, image)
      else this.kv.appliedIndex = rd.snapshot.metadata.index
      this.snapIndex = rd.snapshot.metadata.index
    }
    for (const e of rd.committedEntries) this.apply(e)
    this.serveReads(rd)
    const core = this.core
    assert(core !== undefined, 'running node has a core')
    core.advance(rd)
    this.maybeCheckpoint(core)
  }

  /** A ReadIndex read is answered once its index is applied, with the list as of then. */
  private serveReads(rd: Ready): void {
    for (const rs of rd.readStates) {
      const ctx = new TextDecoder().decode(rs.context)
      const r = this.pendingReads.get(ctx)
      if (r === undefined) continue
      this.pendingReads.delete(ctx)
      this.waitingReads.push({ index: rs.index, ...r })
    }
    if (this.waitingReads.length === 0) return
    const applied = this.kv.appliedIndex
    const ready = this.waitingReads.filter((r) => r.index <= applied)
    this.waitingReads = this.waitingReads.filter((r) => r.index > applied)
    this.host.coverage.readIndexReads += ready.length
    for (const r of ready) {
      this.host.replyClient(this.s.id, r.client, r.seq, {
        kind: 'ok',
        answer: { op: 'read', list: [...this.kv.list] },
      })
    }
  }

  private apply(e: Entry): void {
    if (e.index <= this.kv.appliedIndex) return
    this.host.checker.observeApply(this.s.id, view(e))
    if (e.kind === 'confChange') {
      this.kv.apply(e.index, undefined)
      this.host.confApplied(this.s.id, e.change)
      this.host.coverage.confChangesApplied++
      return
    }
    const cmd = decodeCommand(e.data)
    const answer = this.kv.apply(e.index, cmd)
    if (this.role === 'leader' && e.term === this.term && this.leaderCommitTerm !== this.term) {
      this.leaderCommitTerm = this.term
      this.host.leaderCommitted(this.s.id, this.term)
    }
    if (cmd !== undefined && answer !== undefined && this.pendingClient.get(cmd.c) === cmd.s) {
      this.pendingClient.delete(cmd.c)
      this.host.replyClient(this.s.id, cmd.c, cmd.s, { kind: 'ok', answer })
    }
  }

  /** Log compaction: a local snapshot of the list at the applied index, then drop the log before it. */
  private maybeCheckpoint(core: RaftCore): void {
    const every = this.s.snapshotEveryEntries
    const applied = this.kv.appliedIndex
    if (every === 0 || applied - this.snapIndex < every || applied > this.storage.lastIndex()) return
    const conf = core.status().confState
    const data = new TextEncoder().encode(JSON.stringify(this.kv.state()))
    this.storage.createSnapshot(applied, conf, data)
    this.storage.compact(applied)
    this.write({ t: 'checkpoint', index: applied, conf, data })
    this.snapIndex = applied
  }
}

function view(e: Entry): { index: number; term: number; key: string } {
  return { index: e.index, term: e.term, key: entryKey(e) }
}

function parseImage(data: Uint8Array): ListMachineState | undefined {
  if (data.length === 0) return undefined
  return JSON.parse(new TextDecoder().decode(data)) as ListMachineState
}

/** Rebuilds the storage view and the latest state-machine image from the frames on disk. */
function replay(
  initialConf: ConfState,
  records: readonly DiskRecord[],
): { storage: MemoryRaftStorage; kvImage: ListMachineState | undefined } {
  const storage = new MemoryRaftStorage(initialConf)
  let kvImage: ListMachineState | undefined
  for (const r of records) {
    switch (r.t) {
      case 'entries':
        storage.append(r.entries)
        break
      case 'hardState':
        storage.setHardState(r.hs)
        break
      case 'snapshot':
        storage.applySnapshot(r.snap)
        kvImage = parseImage(r.snap.data)
        break
      case 'checkpoint':
        if (r.index > storage.snapshot().metadata.index) {
          storage.createSnapshot(r.index, r.conf, r.data)
          storage.compact(r.index)
          kvImage = parseImage(r.data)
        }
        break
    }
  }
  return { storage, kvImage }
}
