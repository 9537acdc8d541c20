/**
 * One simulated run: the event loop that owns simulated time, the network, the nodes, the
 * clients and the nemesis, and the phases of a run (fault phase, heal and liveness, a flapping
 * follower, drain, final checks). Everything random comes from one seed, forked per consumer so
 * that one consumer drawing more numbers does not shift what another sees.
 */
import { assert } from '../../lib/assert.js'
import { nodeId } from '../../lib/branded.js'
import { createPrng, type Prng } from '../../lib/prng.js'
import type { Message, PlantedBugs } from '../../raft/index.js'
import { checkHistory, type ClientOp } from './check-history.js'
import { RaftChecker } from './check-raft.js'
import { type Coverage, emptyCoverage } from './coverage.js'
import { SimClient } from './clients.js'
import { EventQueue } from './events.js'
import type { Command } from './kv.js'
import { cloneMessage, describeMessage } from './messages.js'
import { Nemesis, type NemesisHost } from './nemesis.js'
import { calmNet, SimNet } from './net.js'
import { type ClientReply, type CoreFactory, type NodeHost, type NodeSettings, SimNode } from './node.js'
import { SimViolation, violated } from './violation.js'
import { drawWeather, timing, type Weather } from './weather.js'

export type Scenario = 'full' | 'failover'

export interface SimOptions {
  readonly seed: number
  readonly factory: CoreFactory
  readonly bugs?: PlantedBugs
  /** Keep every event as a line of text (for replay and the determinism test). */
  readonly keepLog?: boolean
  readonly voters?: number
  readonly scenario?: Scenario
}

export interface SimResult {
  readonly seed: number
  readonly violation: SimViolation | undefined
  readonly simMs: number
  readonly events: number
  readonly log: readonly string[]
  readonly weather: Weather
  /** Failover scenario: ms from the leader's crash to a new leader committing its first entry. */
  readonly failoverMs: number | undefined
  readonly ackedOps: number
  readonly committed: number
  readonly coverage: Coverage
}

type Ev =
  | { readonly k: 'tick'; readonly node: number; readonly inc: number }
  | { readonly k: 'deliver'; readonly m: Message }
  | { readonly k: 'fsync'; readonly node: number; readonly inc: number }
  | { readonly k: 'request'; readonly node: number; readonly client: number; readonly cmd: Command }
  | {
      readonly k: 'reply'
      readonly client: number
      readonly from: number
      readonly seq: number
      readonly r: ClientReply
    }
  | { readonly k: 'timeout'; readonly client: number; readonly seq: number; readonly attempt: number }
  | { readonly k: 'next'; readonly client: number }
  | { readonly k: 'nemesis' }
  | { readonly k: 'restart'; readonly node: number }
  | { readonly k: 'phase'; readonly step: () => void }

/** Settings of the phases, in ms of simulated time (stated in src/testing/README.md). */
export const phases = {
  /** After the heal, a client operation invoked after it must be acknowledged within this. */
  livenessBoundMs: 3000,
  flapCycles: 2,
  /** While a flapping follower is cut off: longer than its longest election timeout (20 ticks at
   * the slowest drifted clock), so it campaigns at least once. */
  flapIsolateMinMs: 250,
  flapIsolateMaxMs: 400,
  flapJoinMinMs: 20,
  flapJoinMaxMs: 80,
  settleMs: 200,
  drainMaxMs: 3000,
  failoverBoundMs: 5000,
} as const

const EVENTS_MAX = 5_000_000

export class World implements NodeHost, NemesisHost {
  readonly checker = new RaftChecker()
  readonly coverage = emptyCoverage()
  readonly weather: Weather
  private readonly q = new EventQueue<Ev>()
  readonly net: SimNet
  private readonly nodes: SimNode[] = []
  private readonly clients: SimClient[] = []
  private readonly history: ClientOp[] = []
  private readonly log_: string[] = []
  private readonly prngNemesis: Prng
  private readonly nemesis: Nemesis
  private readonly prngFsync: Prng
  private readonly prngClientNet: Prng
  private now = 0
  private readonly logging: boolean
  private events = 0
  private done = false
  private phase: 'chaos' | 'heal' | 'flap' | 'drain' = 'chaos'
  private healMs = 0
  private stable: { leader: number; term: number; flapper: number } | undefined
  private sparesUsed = 0
  private failover: { crashedMs: number; term: number; node: number } | undefined
  private failoverMs: number | undefined

  constructor(private readonly o: SimOptions) {
    this.logging = o.keepLog === true
    const root = createPrng(o.seed)
    const scenario = o.scenario ?? 'full'
    const w = drawWeather(root.fork(), o.voters === undefined ? {} : { voters: o.voters })
    this.weather = scenario === 'failover' ? calmWeather(w) : w
    this.net = new SimNet(root.fork(), this.weather.voters + this.weather.spares + 1)
    this.prngNemesis = root.fork()
    this.nemesis = new Nemesis(this.prngNemesis, this.weather, this)
    this.prngFsync = root.fork()
    this.prngClientNet = root.fork()
    const prngNodes = root.fork()
    for (let id = 1; id <= this.weather.voters + this.weather.spares; id++) {
      this.nodes.push(this.makeNode(id, prngNodes.fork()))
    }
    this.net.weather = this.weather.net
    const prngClients = root.fork()
    const clientCount = scenario === 'failover' ? 0 : this.weather.clients
    for (let c = 1; c <= clientCount; c++) {
      this.clients.push(
        new SimClient(c, prngClients.fork(), this.clientHost(), this.history, prngClients.range(150, 400)),
      )
    }
  }

  private makeNode(id: number, prng: Prng): SimNode {
    const w = this.weather
    // Every node, one added later included, starts from the same bootstrap state at index 0:
    // the core keeps the initial membership there, not in the log, so a node that replays the
    // log from index 1 must already know it (etcd writes bootstrap conf changes instead).
    const initialConf = { voters: range(1, w.voters).map(nodeId), learners: [] }
    const bugs = this.o.bugs
    const settings: NodeSettings = {
      id,
      initialConf,
      raft: {
        electionTicks: timing.electionTicks,
        heartbeatTicks: timing.heartbeatTicks,
        preVote: true,
        checkQuorum: true,
        maxInflightMsgs: w.maxInflightMsgs,
        maxInflightBytes: w.maxInflightBytes,
        maxMsgBytes: w.maxMsgBytes,
        ...(bugs === undefined ? {} : { testOnlyBugs: bugs }),
      },
      snapshotEveryEntries: w.snapshotEveryEntries,
      disk: w.disk,
      readIndexReads: w.readIndexReads,
    }
    return new SimNode(settings, this, prng, this.o.factory)
  }

  // ── NodeHost ────────────────────────────────────────────────────────────────────────────────

  log(line: string): void {
    if (this.logging) this.log_.push(`${this.now.toFixed(1)} ${line}`)
  }

  send(m: Message): void {
    // The core builds a fresh object per message, so only a duplicate needs its own copy.
    const delays = this.net.delaysFor(m.from, m.to)
    if (delays.length === 0) this.coverage.messagesDropped++
    else if (delays.length > 1) this.coverage.messagesDuplicated++
    delays.forEach((d, i) => {
      this.q.push(this.now + d, { k: 'deliver', m: i === 0 ? m : cloneMessage(m) })
    })
    if (this.phase === 'chaos') this.nemesis.afterSend(m)
  }

  replyClient(from: number, client: number, seq: number, reply: ClientReply): void {
    for (const d of this.clientDelays())
      this.q.push(this.now + d, { k: 'reply', client, from, seq, r: reply })
  }

  scheduleFsync(node: number, incarnation: number): void {
    this.q.push(this.now + this.prngFsync.range(0, this.weather.fsyncMaxMs), {
      k: 'fsync',
      node,
      inc: incarnation,
    })
  }

  confApplied(node: number, cc: { type: string; nodeId: number }): void {
    if (cc.type !== 'removeNode') return
    const target = this.node(cc.nodeId)
    if (target.removed) return
    this.log(`n${node} applied removal of n${cc.nodeId}: stopping it`)
    target.removed = true
    // Not now: the node applying this may be the one removed, in the middle of its Ready.
    this.at(this.now, () => target.crash())
  }

  leaderCommitted(node: number, term: number): void {
    this.log(`n${node} leader of term ${term} committed its first entry`)
    const f = this.failover
    if (f === undefined) {
      if (this.o.scenario === 'failover' && this.failoverMs === undefined)
        this.scheduleLeaderCrash(node, term)
      return
    }
    if (node !== f.node && term > f.term && this.failoverMs === undefined) {
      this.failoverMs = this.now - f.crashedMs
      this.done = true
    }
  }

  // ── running ─────────────────────────────────────────────────────────────────────────────────

  run(): SimResult {
    let violation: SimViolation | undefined
    try {
      this.begin()
      this.loop()
      if (this.o.scenario !== 'failover') this.finalChecks()
      else if (this.failoverMs === undefined)
        violated('liveness', 'failover', 'no new leader committed in time')
    } catch (e) {
      // An exception from the core (a failed assertion) is a finding too, reported with its seed.
      violation = e instanceof SimViolation ? e : new SimViolation('crash', 'no-exception', describeError(e))
      this.log(`VIOLATION ${violation.message}`)
    }
    return {
      seed: this.o.seed,
      violation,
      simMs: this.now,
      events: this.events,
      log: this.log_,
      weather: this.weather,
      failoverMs: this.failoverMs,
      ackedOps: this.history.filter((op) => op.answer !== undefined).length,
      committed: this.checker.committedMax,
      coverage: this.coverage,
    }
  }

  private begin(): void {
    for (let id = 1; id <= this.weather.voters; id++) this.startNode(id)
    for (const c of this.clients) this.q.push(this.prngNemesis.range(0, 50), { k: 'next', client: c.id })
    if (this.o.scenario === 'failover') {
      this.at(phases.failoverBoundMs * 2, () => {
        this.done = true
      })
      return
    }
    this.q.push(this.now + this.nemesis.gapMs(), { k: 'nemesis' })
    this.at(this.weather.chaosMs, () => this.heal())
  }

  private loop(): void {
    while (!this.done) {
      const next = this.q.pop()
      if (next === undefined) break
      this.now = next.atMs
      this.dispatch(next.event)
      this.events++
      assert(this.events < EVENTS_MAX, 'simulation event bound')
      if (this.stable !== undefined) this.checkStable()
    }
  }

  private dispatch(ev: Ev): void {
    switch (ev.k) {
      case 'tick':
        this.onTick(ev.node, ev.inc)
        return
      case 'deliver':
        this.onDeliver(ev.m)
        return
      case 'fsync':
        this.node(ev.node).fsyncDone(ev.inc)
        return
      case 'request':
        if (this.logging) this.log(`c${ev.client} -> n${ev.node} ${JSON.stringify(ev.cmd)}`)
        this.node(ev.node).input({ k: 'client', req: { client: ev.client, cmd: ev.cmd } })
        return
      case 'reply':
        if (this.logging) this.log(`n${ev.from} -> c${ev.client} #${ev.seq} ${ev.r.kind}`)
        this.client(ev.client).reply(ev.from, ev.seq, ev.r)
        return
      case 'timeout':
        this.client(ev.client).timeout(ev.seq, ev.attempt)
        return
      case 'next':
        this.client(ev.client).next()
        return
      case 'nemesis':
        this.onNemesis()
        return
      case 'restart':
        this.restart(ev.node)
        return
      case 'phase':
        ev.step()
        return
    }
  }

  private onTick(id: number, inc: number): void {
    const n = this.node(id)
    if (!n.up || n.incarnation !== inc) return
    n.input({ k: 'tick' })
    this.q.push(this.now + this.tickPeriod(id), { k: 'tick', node: id, inc })
  }

  private onDeliver(m: Message): void {
    const n = this.node(m.to)
    // A link cut while the message was in flight loses it too.
    if (!n.up || this.net.isCut(m.from, m.to)) return
    if (this.logging) this.log(`${m.from} -> ${m.to} ${describeMessage(m)}`)
    n.input({ k: 'msg', m })
  }

  private startNode(id: number): void {
    const n = this.node(id)
    n.start()
    const phaseMs = this.prngNemesis.next() * this.tickPeriod(id)
    this.q.push(this.now + phaseMs, { k: 'tick', node: id, inc: n.incarnation })
  }

  private restart(id: number): void {
    const n = this.node(id)
    if (n.up || n.removed) return
    this.startNode(id)
  }

  private tickPeriod(id: number): number {
    return this.weather.tickPeriodsMs[id - 1] ?? timing.tickMs
  }

  // ── the nemesis (fault phase only) ─────────────────────────────────────────────────────────

  private onNemesis(): void {
    if (this.phase !== 'chaos') return
    this.nemesis.act()
    this.q.push(this.now + this.nemesis.gapMs(), { k: 'nemesis' })
  }

  crashFor(id: number, downMs: number): void {
    // Not inside the current step: the node may be in the middle of handling a Ready.
    this.at(this.now, () => this.node(id).crash())
    this.q.push(this.now + downMs, { k: 'restart', node: id })
  }

  startSpare(): number | undefined {
    if (this.sparesUsed >= this.weather.spares) return undefined
    const id = this.weather.voters + ++this.sparesUsed
    this.startNode(id)
    return id
  }

  // ── phases after the faults ────────────────────────────────────────────────────────────────

  private heal(): void {
    this.phase = 'heal'
    this.healMs = this.now
    this.net.healAll()
    this.net.weather = calmNet
    this.log('heal: all links up, calm network, every member restarted')
    for (const id of this.memberIds()) this.restart(id)
    this.watchLiveness()
  }

  /** Polls until a client operation invoked after the heal has been acknowledged. */
  private watchLiveness(): void {
    const acked = this.history.some((op) => op.invokedMs >= this.healMs && op.answer !== undefined)
    if (acked) {
      this.log(`liveness: a post-heal write acknowledged after ${(this.now - this.healMs).toFixed(1)} ms`)
      if (this.weather.flap) this.at(this.now + phases.settleMs, () => this.startFlap(0))
      else this.at(this.now + phases.settleMs, () => this.drain())
      return
    }
    if (this.now - this.healMs > phases.livenessBoundMs) {
      violated(
        'liveness',
        'progress-after-heal',
        `no client operation acknowledged ${phases.livenessBoundMs} ms after the heal`,
      )
    }
    this.at(this.now + 10, () => this.watchLiveness())
  }

  /**
   * Pre-vote matters here: a follower cut off for several election timeouts comes back, again
   * and again, to a healthy majority. It must not depose that majority's leader.
   */
  private startFlap(tries: number): void {
    const leader = this.leader()
    const st = leader?.status()
    const flapper = st?.confState.voters.filter((v) => v !== st.id && this.node(v).up)[0]
    if (leader === undefined || st === undefined || flapper === undefined || st.confState.voters.length < 3) {
      if (tries > 100)
        violated('liveness', 'stable-leader', 'no leader with a follower to flap 1 s after liveness')
      this.at(this.now + 10, () => this.startFlap(tries + 1))
      return
    }
    this.phase = 'flap'
    this.stable = { leader: leader.id, term: st.term, flapper }
    this.log(`flap: n${flapper} flaps while n${leader.id} leads term ${st.term}`)
    let t = this.now
    for (let i = 0; i < phases.flapCycles; i++) {
      this.at(t, () => this.net.isolate(flapper, this.memberIds()))
      t += this.prngNemesis.range(phases.flapIsolateMinMs, phases.flapIsolateMaxMs)
      this.at(t, () => this.net.healAll())
      t += this.prngNemesis.range(phases.flapJoinMinMs, phases.flapJoinMaxMs)
    }
    this.at(t + phases.settleMs, () => this.drain())
  }

  private checkStable(): void {
    const s = this.stable as { leader: number; term: number; flapper: number }
    const n = this.node(s.leader)
    if (n.isLeader() && n.currentTerm === s.term) return
    const st = n.status()
    if (n.removed || st === undefined || !st.confState.voters.includes(nodeId(s.leader))) {
      this.stable = undefined
      return
    }
    violated(
      'liveness',
      'leader-stability',
      `leader n${s.leader} of term ${s.term} was deposed (now ${st.role}, term ${st.term}) while only n${s.flapper} flapped`,
    )
  }

  private drain(): void {
    this.stable = undefined
    this.phase = 'drain'
    this.net.healAll()
    this.log('drain: clients stop after their current operation')
    for (const c of this.clients) c.stopped = true
    const until = this.now + phases.drainMaxMs
    const poll = (): void => {
      if (this.clients.every((c) => !c.busy) && this.converged()) {
        this.done = true
        return
      }
      if (this.now > until) {
        violated('liveness', 'drain', 'clients or replicas did not finish within the drain time')
      }
      this.at(this.now + 10, poll)
    }
    poll()
  }

  /** Every member of the leader's configuration has applied as far as the leader. */
  private converged(): boolean {
    const leader = this.leader()
    const st = leader?.status()
    if (leader === undefined || st === undefined) return false
    const members = [...st.confState.voters, ...st.confState.learners]
    return members.every((id) => this.node(id).up && this.node(id).appliedIndex === leader.appliedIndex)
  }

  private finalChecks(): void {
    const started = this.nodes.filter((n) => n.appliedIndex > 0 || n.up).map((n) => n.id)
    this.checker.checkFinal(started)
    let longest: readonly number[] = []
    for (const n of this.nodes) if (n.list.length > longest.length) longest = n.list
    for (const n of this.nodes) {
      if (n.list.some((v, i) => longest[i] !== v)) {
        violated('safety', 'state-machine-safety', `node ${n.id}'s list is not a prefix of the longest list`)
      }
    }
    checkHistory(this.history, longest)
  }

  // ── failover scenario ──────────────────────────────────────────────────────────────────────

  private scheduleLeaderCrash(node: number, term: number): void {
    if (this.failover !== undefined) return
    this.failover = { crashedMs: 0, term, node }
    this.at(this.now + this.prngNemesis.range(50, 300), () => {
      const leader = this.leader()
      assert(leader !== undefined, 'a leader to crash')
      const st = leader.status()
      this.failover = { crashedMs: this.now, term: st?.term ?? term, node: leader.id }
      this.log(`failover: crash leader n${leader.id}`)
      leader.crash()
    })
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  private at(ms: number, step: () => void): void {
    this.q.push(ms, { k: 'phase', step })
  }

  private node(id: number): SimNode {
    const n = this.nodes[id - 1]
    assert(n !== undefined, `node ${id} exists`)
    return n
  }

  private client(id: number): SimClient {
    const c = this.clients[id - 1]
    assert(c !== undefined, `client ${id} exists`)
    return c
  }

  /** Started (now or before) and not removed. */
  memberIds(): number[] {
    const ids: number[] = []
    for (const n of this.nodes)
      if (!n.removed && n.id <= this.weather.voters + this.sparesUsed) ids.push(n.id)
    return ids
  }

  liveIds(): number[] {
    return this.memberIds().filter((id) => this.node(id).up)
  }

  /** The up node that leads the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined
    let bestTerm = -1
    for (const n of this.nodes) {
      const st = n.isLeader() ? n.status() : undefined
      if (st !== undefined && st.term > bestTerm) {
        best = n
        bestTerm = st.term
      }
    }
    return best
  }

  private clientDelays(): number[] {
    const w = this.net.weather
    const p = this.prngClientNet
    if (p.chance(w.dropP)) return []
    const first = p.range(w.delayMinMs, w.delayMaxMs)
    return p.chance(w.duplicateP) ? [first, p.range(w.delayMinMs, w.delayMaxMs)] : [first]
  }

  private clientHost() {
    return {
      nowMs: () => this.now,
      candidates: () => this.memberIds(),
      sendRequest: (client: number, target: number, cmd: Command) => {
        // ReadIndex reads may go to any node (a follower forwards them), so that lagging
        // followers serve reads too; writes go to the node the client believes leads.
        const members = this.memberIds()
        const anywhere = cmd.op === 'read' && this.weather.readIndexReads && this.prngClientNet.chance(0.5)
        const node = anywhere ? (members[this.prngClientNet.int(members.length)] ?? target) : target
        for (const d of this.clientDelays()) this.q.push(this.now + d, { k: 'request', node, client, cmd })
      },
      scheduleTimeout: (client: number, seq: number, attempt: number, afterMs: number) => {
        this.q.push(this.now + afterMs, { k: 'timeout', client, seq, attempt })
      },
      scheduleNext: (client: number, afterMs: number) => {
        this.q.push(this.now + afterMs, { k: 'next', client })
      },
    }
  }
}

/** The failover measurement runs without faults: only the leader's crash. */
function calmWeather(w: Weather): Weather {
  return {
    ...w,
    spares: 0,
    net: calmNet,
    fsyncMaxMs: Math.min(w.fsyncMaxMs, 2),
    tickPeriodsMs: w.tickPeriodsMs.map(() => timing.tickMs),
  }
}

function range(lo: number, hi: number): number[] {
  const out: number[] = []
  for (let i = lo; i <= hi; i++) out.push(i)
  return out
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const at = (e.stack ?? '').split('\n').find((l) => l.includes(' at ')) ?? ''
  return `${e.name}: ${e.message} ${at.trim()}`
}

export function runSeed(o: SimOptions): SimResult {
  return new World(o).run()
}
