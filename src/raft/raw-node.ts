/**
 * The Raft state machine (etcd-io/raft's raft + RawNode in one). Inputs: tick, step, propose,
 * proposeConfChange, transferLeadership, readIndex, campaign. Output: a Ready, which the caller
 * persists, sends and applies before calling advance. See README.md for the contract and the
 * invariants. Per-follower progress, the log, membership and pending reads are in their own
 * files; this one decides.
 */
import { assert } from '../lib/assert.js'
import { type NodeId, type Term, term as toTerm } from '../lib/branded.js'
import { limits } from '../config/limits.js'
import { entryBytes } from './entry.js'
import { Membership } from './membership.js'
import { Progress } from './progress.js'
import { RaftLog } from './raft-log.js'
import { ReadOnly } from './read-only.js'
import type {
  ConfChange,
  Entry,
  HardState,
  Index,
  Message,
  PlantedBugs,
  ProposeResult,
  RaftConfig,
  ReadState,
  Ready,
  Role,
  SoftState,
  Status,
} from './types.js'

type Outgoing = Message extends infer M
  ? M extends Message
    ? Omit<M, 'from' | 'term'> & { term?: Term }
    : never
  : never

export class RawNode {
  private readonly id: NodeId
  private readonly cfg: RaftConfig
  private readonly bugs: PlantedBugs
  private readonly log: RaftLog
  private readonly members: Membership
  private term: Term
  private vote: NodeId | null
  private role: Role = 'follower'
  private lead: NodeId | null = null
  private readonly prs = new Map<NodeId, Progress>()
  private readonly votes = new Map<NodeId, boolean>()
  private msgs: Message[] = []
  private readStates: ReadState[] = []
  private electionElapsed = 0
  private heartbeatElapsed = 0
  private randomizedElectionTimeout = 0
  /** Index of the last conf change in the log; no new change while it is not applied. */
  private pendingConfIndex: Index = 0
  private leadTransferee: NodeId | null = null
  private readonly readOnly = new ReadOnly()
  /** ReadIndex requests that arrived before the leader committed an entry of its term. */
  private pendingReads: { from: NodeId; context: Uint8Array }[] = []
  private prevHardState: HardState
  private prevSoftState: SoftState
  /** Planted bug replyVoteBeforePersist: the vote of this term is never handed out. */
  private hideVote = false

  constructor(cfg: RaftConfig) {
    validate(cfg)
    this.cfg = cfg
    this.id = cfg.id
    this.bugs = cfg.testOnlyBugs ?? {}
    this.log = new RaftLog(cfg.storage, limits.raftEntriesPerMessageMax)
    const { hardState, confState } = cfg.storage.initialState()
    this.members = new Membership(confState)
    this.term = hardState.term
    this.vote = hardState.vote
    if (hardState.commit > 0) {
      assert(hardState.commit <= this.log.lastIndex(), 'persisted commit is within the persisted log')
      this.log.commitTo(hardState.commit)
    }
    this.prevHardState = { ...hardState }
    this.prevSoftState = { leader: null, role: 'follower' }
    this.becomeFollower(this.term, null)
  }

  // ── inputs ──────────────────────────────────────────────────────────────────────────────────

  tick(): void {
    if (this.role === 'leader') this.tickLeader()
    else this.tickElection()
  }

  /** Start an election now (pre-vote first if configured). Ignored by leaders and non-voters. */
  campaign(): void {
    this.hup(false)
  }

  step(m: Message): void {
    if (m.to !== this.id) return
    if (!this.stepTerm(m)) return
    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVoteRequest(m)
      return
    }
    if (this.role === 'leader') this.stepLeader(m)
    else if (this.role === 'follower') this.stepFollower(m)
    else this.stepCandidate(m)
  }

  propose(data: Uint8Array[]): ProposeResult {
    const refusal = this.proposalRefusal()
    if (refusal !== undefined) return refusal
    if (data.length === 0 || data.some((d) => d.length === 0)) return this.refuse('empty')
    if (data.length > limits.raftEntriesPerMessageMax) return this.refuse('entryTooLarge')
    if (data.some((d) => d.length > this.cfg.maxMsgBytes)) return this.refuse('entryTooLarge')
    const first = this.log.lastIndex() + 1
    this.appendEntries(data.map((d, i) => ({ kind: 'normal', index: first + i, term: this.term, data: d })))
    this.bcastAppend()
    return { ok: true, term: this.term, firstIndex: first, lastIndex: this.log.lastIndex() }
  }

  proposeConfChange(cc: ConfChange): ProposeResult {
    const refusal = this.proposalRefusal()
    if (refusal !== undefined) return refusal
    if (this.pendingConfIndex > this.log.applied) return this.refuse('confChangePending')
    if (!this.members.isValidChange(cc)) return this.refuse('invalidConfChange')
    const index = this.log.lastIndex() + 1
    this.appendEntries([{ kind: 'confChange', index, term: this.term, change: { ...cc } }])
    this.pendingConfIndex = index
    this.bcastAppend()
    return { ok: true, term: this.term, firstIndex: index, lastIndex: index }
  }

  /** Leader only: catch `to` up, then tell it to campaign at once. Abandoned after an election timeout. */
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader' || to === this.id || !this.members.isVoter(to)) return
    if (this.leadTransferee === to) return
    const pr = this.prs.get(to)
    assert(pr !== undefined, 'every voter has a progress on the leader')
    this.leadTransferee = to
    this.electionElapsed = 0
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to })
    else this.sendAppend(to, true)
  }

  /**
   * Ask for a linearizable read point. A ReadState with this context comes out in a later Ready
   * (none if leadership is lost meanwhile: the caller retries). The context must be non-empty and
   * unique among outstanding requests. Returns false if dropped at once (no leader known, or too
   * many reads pending).
   */
  readIndex(context: Uint8Array): boolean {
    assert(context.length > 0, 'a read context is non-empty, to tell read heartbeats apart')
    if (this.role === 'leader') return this.leaderReadIndex(this.id, context)
    if (this.lead === null) return false
    this.send({ type: 'readIndex', to: this.lead, context })
    return true
  }

  // ── Ready ───────────────────────────────────────────────────────────────────────────────────

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.log.hasUnstableEntries() ||
      this.log.unstableSnapshot() !== undefined ||
      this.log.hasNextCommitted() ||
      !sameHardState(this.hardState(), this.prevHardState) ||
      this.lead !== this.prevSoftState.leader ||
      this.role !== this.prevSoftState.role
    )
  }

  ready(): Ready {
    const hs = this.hardState()
    const ss = this.softState()
    const entries = this.log.unstableEntries()
    const snapshot = this.log.unstableSnapshot()
    const rd: Ready = {
      entries,
      messages: this.msgs,
      committedEntries: this.log.nextCommitted(),
      readStates: this.readStates,
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        hs.term !== this.prevHardState.term ||
        hs.vote !== this.prevHardState.vote,
    }
    if (!sameHardState(hs, this.prevHardState)) rd.hardState = hs
    if (ss.leader !== this.prevSoftState.leader || ss.role !== this.prevSoftState.role) rd.softState = ss
    if (snapshot !== undefined) rd.snapshot = snapshot
    this.msgs = []
    this.readStates = []
    return rd
  }

  advance(rd: Ready): void {
    if (rd.hardState !== undefined) this.prevHardState = { ...rd.hardState }
    if (rd.softState !== undefined) this.prevSoftState = { ...rd.softState }
    const lastEntry = rd.entries[rd.entries.length - 1]
    if (lastEntry !== undefined) this.log.stableTo(lastEntry.index, lastEntry.term)
    if (rd.snapshot !== undefined) {
      this.log.stableSnapTo(rd.snapshot.metadata.index)
      if (rd.snapshot.metadata.index > this.log.applied) this.log.appliedTo(rd.snapshot.metadata.index)
    }
    for (const e of rd.committedEntries) {
      if (e.index <= this.log.applied) continue
      this.log.appliedTo(e.index)
      if (e.kind === 'confChange') this.applyConfChange(e.change)
    }
    this.releasePendingReads()
  }

  status(): Status {
    const s: Status = {
      id: this.id,
      term: this.term,
      vote: this.vote,
      role: this.role,
      leader: this.lead,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      confState: this.members.confState(),
      leadTransferee: this.leadTransferee,
    }
    if (this.role === 'leader') {
      s.progress = new Map([...this.prs].map(([id, pr]) => [id, pr.status()]))
    }
    return s
  }

  // ── state transitions ───────────────────────────────────────────────────────────────────────

  private reset(t: Term): void {
    if (this.term !== t) {
      this.term = t
      this.vote = null
      this.hideVote = false
    }
    this.lead = null
    this.electionElapsed = 0
    this.heartbeatElapsed = 0
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.cfg.prng.int(this.cfg.electionTicks)
    this.leadTransferee = null
    this.votes.clear()
    this.prs.clear()
    this.readOnly.clear()
    this.pendingReads = []
  }

  private becomeFollower(t: Term, lead: NodeId | null): void {
    this.reset(t)
    this.role = 'follower'
    this.lead = lead
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader')
    this.reset(this.term)
    this.role = 'leader'
    this.lead = this.id
    for (const id of this.members.all()) this.addProgress(id)
    // The no-op of the new term: commits everything before it, and until it is applied the
    // whole log counts as a pending conf change (no change before an entry of our term commits).
    this.appendEntries([
      { kind: 'normal', index: this.log.lastIndex() + 1, term: this.term, data: new Uint8Array(0) },
    ])
    this.pendingConfIndex = this.log.lastIndex()
  }

  private addProgress(id: NodeId): void {
    const pr = new Progress({
      next: this.log.lastIndex() + 1,
      isLearner: this.members.isLearner(id),
      inflightMsgsMax: this.cfg.maxInflightMsgs,
      inflightBytesMax: this.cfg.maxInflightBytes,
    })
    if (id === this.id) {
      pr.match = this.log.lastIndex()
      pr.becomeReplicate()
      pr.recentActive = true
    }
    this.prs.set(id, pr)
  }

  /** The election timer fired, or campaign() was called. */
  private hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.members.isVoter(this.id)) return
    // A committed but unapplied conf change could make us campaign under the wrong membership.
    if (this.log.hasUnappliedConfChange()) return
    if (this.cfg.preVote && !transfer && this.bugs.noPreVote !== true) this.startElection('preVote', false)
    else this.startElection('vote', transfer)
  }

  private startElection(kind: 'vote' | 'preVote', transfer: boolean): void {
    if (kind === 'preVote') {
      this.reset(this.term)
      this.role = 'preCandidate'
    } else {
      this.reset(toTerm(this.term + 1))
      this.role = 'candidate'
      this.vote = this.id
    }
    const voteTerm = kind === 'preVote' ? toTerm(this.term + 1) : this.term
    this.votes.set(this.id, true)
    if (this.tally() === 'won') {
      this.wonElection()
      return
    }
    for (const to of this.members.voters()) {
      if (to === this.id) continue
      const index = this.log.lastIndex()
      this.send({ type: kind, to, term: voteTerm, index, logTerm: this.log.lastTerm(), transfer })
    }
  }

  private wonElection(): void {
    if (this.role === 'preCandidate') {
      this.startElection('vote', false)
    } else {
      this.becomeLeader()
      this.bcastAppend()
    }
  }

  private tally(): 'won' | 'lost' | 'pending' {
    let granted = 0
    let rejected = 0
    for (const [id, ok] of this.votes) {
      if (!this.members.isVoter(id)) continue
      if (ok) granted++
      else rejected++
    }
    const q = this.members.quorum()
    if (granted >= q) return 'won'
    if (this.members.voters().length - rejected < q) return 'lost'
    return 'pending'
  }

  // ── step ────────────────────────────────────────────────────────────────────────────────────

  /** Term rules common to every role. Returns false if the message is to be dropped. */
  private stepTerm(m: Message): boolean {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Check-quorum's lease: while we hear from a leader, refuse to help unseat it.
        const inLease =
          this.cfg.checkQuorum && this.lead !== null && this.electionElapsed < this.cfg.electionTicks
        if (inLease && !m.transfer) return false
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) return true
      const fromLeader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap'
      this.becomeFollower(m.term, fromLeader ? m.from : null)
      return true
    }
    if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // A leader cut off behind a partition learns our term and steps down.
        this.send({ type: 'appResp', to: m.from, index: 0, reject: false, rejectHint: 0 })
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', to: m.from, reject: true })
      }
      return false
    }
    return true
  }

  private handleVoteRequest(m: Extract<Message, { type: 'vote' | 'preVote' }>): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.lead === null) ||
      (m.type === 'preVote' && m.term > this.term)
    const upToDate = this.bugs.grantVoteToShorterLog === true || this.log.isUpToDate(m.index, m.logTerm)
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp'
    if (canVote && upToDate) {
      // The grant carries the candidate's term so a pre-candidate can count it.
      this.send({ type: respType, to: m.from, term: m.term, reject: false })
      if (m.type === 'vote') {
        this.electionElapsed = 0
        this.vote = m.from
        if (this.bugs.replyVoteBeforePersist === true) this.hideVote = true
      }
    } else {
      this.send({ type: respType, to: m.from, reject: true })
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
        this.electionElapsed = 0
        this.lead = m.from
        this.handleFromLeader(m)
        return
      case 'timeoutNow':
        this.hup(true)
        return
      case 'readIndexResp':
        this.readStates.push({ index: m.index, context: m.context })
        return
      default:
        return
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
        this.becomeFollower(m.term, m.from)
        this.handleFromLeader(m)
        return
      case 'voteResp':
      case 'preVoteResp': {
        const mine = this.role === 'candidate' ? 'voteResp' : 'preVoteResp'
        if (m.type !== mine) return
        if (!this.votes.has(m.from)) this.votes.set(m.from, !m.reject)
        const result = this.tally()
        if (result === 'won') this.wonElection()
        else if (result === 'lost') this.becomeFollower(this.term, null)
        return
      }
      default:
        return
    }
  }

  private handleFromLeader(m: Extract<Message, { type: 'app' | 'heartbeat' | 'snap' }>): void {
    if (m.type === 'heartbeat') {
      this.log.commitTo(m.commit)
      this.send({ type: 'heartbeatResp', to: m.from, context: m.context })
    } else if (m.type === 'snap') {
      const restored = this.restore(m)
      const index = restored ? this.log.lastIndex() : this.log.committed
      this.send({ type: 'appResp', to: m.from, index, reject: false, rejectHint: 0 })
    } else {
      this.handleAppend(m)
    }
  }

  private handleAppend(m: Extract<Message, { type: 'app' }>): void {
    if (m.index < this.log.committed) {
      this.send({ type: 'appResp', to: m.from, index: this.log.committed, reject: false, rejectHint: 0 })
      return
    }
    const truncateBug = this.bugs.truncateOnHeartbeatWithoutConflict === true
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries, truncateBug)
    if (lastNew !== undefined) {
      this.send({ type: 'appResp', to: m.from, index: lastNew, reject: false, rejectHint: 0 })
    } else {
      const hint = Math.min(m.index, this.log.lastIndex())
      this.send({ type: 'appResp', to: m.from, index: m.index, reject: true, rejectHint: hint })
    }
  }

  /** Install a leader's snapshot unless our log already covers it. Returns whether it was installed. */
  private restore(m: Extract<Message, { type: 'snap' }>): boolean {
    const meta = m.snapshot.metadata
    if (meta.index <= this.log.committed) return false
    if (this.log.matchTerm(meta.index, meta.term)) {
      this.log.commitTo(meta.index)
      return false
    }
    this.log.restore(m.snapshot)
    this.members.restore(meta.confState)
    this.pendingConfIndex = 0
    return true
  }

  // ── leader ──────────────────────────────────────────────────────────────────────────────────

  private stepLeader(m: Message): void {
    const pr = this.prs.get(m.from)
    if (m.type === 'readIndex') {
      if (pr !== undefined) this.leaderReadIndex(m.from, m.context)
      return
    }
    if (pr === undefined) return
    if (m.type === 'appResp') {
      pr.recentActive = true
      this.handleAppendResponse(m, pr)
    } else if (m.type === 'heartbeatResp') {
      pr.recentActive = true
      this.handleHeartbeatResponse(m, pr)
    }
  }

  private handleAppendResponse(m: Extract<Message, { type: 'appResp' }>, pr: Progress): void {
    if (m.reject) {
      if (pr.maybeDecrTo(m.index, m.rejectHint)) {
        if (pr.state === 'replicate') pr.becomeProbe()
        this.sendAppend(m.from, true)
      }
      return
    }
    const wasPaused = pr.isPaused()
    if (!pr.maybeUpdate(m.index)) return
    if (pr.state === 'probe') pr.becomeReplicate()
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeReplicate()
    else if (pr.state === 'replicate') pr.inflights.freeLE(m.index)
    if (this.maybeCommit()) this.bcastAppend()
    else if (wasPaused) this.sendAppend(m.from, true)
    // Pipelining: keep sending while the window allows and there is something to send.
    for (let i = 0; i < this.cfg.maxInflightMsgs && this.sendAppend(m.from, false); i++) {}
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', to: m.from })
    }
  }

  private handleHeartbeatResponse(m: Extract<Message, { type: 'heartbeatResp' }>, pr: Progress): void {
    pr.probeSent = false
    // A lost append would otherwise hold its in-flight slot forever.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne()
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true)
    if (m.context.length === 0) return
    const released = this.readOnly.ack(m.from, m.context, (acks) => this.members.hasQuorum(acks))
    for (const r of released) this.respondRead(r.from, r.index, r.context)
  }

  private tickLeader(): void {
    this.heartbeatElapsed++
    this.electionElapsed++
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, null)
        return
      }
      this.leadTransferee = null
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0
      this.bcastHeartbeat(new Uint8Array(0))
      this.checkStalledSnapshots()
    }
  }

  private tickElection(): void {
    this.electionElapsed++
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0
      this.hup(false)
    }
  }

  /** Check-quorum: were a quorum of voters heard from in the last election timeout? Resets the marks. */
  private quorumActive(): boolean {
    const active = new Set<NodeId>()
    for (const [id, pr] of this.prs) {
      if (pr.recentActive || id === this.id) active.add(id)
      if (id !== this.id) pr.recentActive = false
    }
    return this.members.hasQuorum(active)
  }

  /** A snapshot that got lost would leave the follower in snapshot state forever. */
  private checkStalledSnapshots(): void {
    for (const pr of this.prs.values()) {
      if (pr.state !== 'snapshot') continue
      pr.stallTicks += this.cfg.heartbeatTicks
      if (pr.stallTicks >= this.cfg.electionTicks) pr.becomeProbe()
    }
  }

  private appendEntries(ents: Entry[]): void {
    this.log.append(ents)
    const self = this.prs.get(this.id)
    if (self !== undefined) self.maybeUpdate(this.log.lastIndex())
    this.maybeCommit()
  }

  /** Advance commit to the highest index a quorum of voters holds, if that entry is of our term. */
  private maybeCommit(): boolean {
    const matches = this.members
      .voters()
      .map((id) => this.prs.get(id)?.match ?? 0)
      .sort((a, b) => b - a)
    const index = matches[this.members.quorum() - 1] ?? 0
    if (index <= this.log.committed) return false
    const ofOurTerm = this.log.term(index) === this.term
    if (!ofOurTerm && this.bugs.commitByCountingOldTerm !== true) return false
    this.log.commitTo(index)
    this.releasePendingReads()
    return true
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id, true)
  }

  private bcastHeartbeat(context: Uint8Array): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue
      // Never let a heartbeat commit past what the follower is known to hold.
      const commit = Math.min(pr.match, this.log.committed)
      this.send({ type: 'heartbeat', to: id, commit, context })
    }
  }

  /** Send entries (or a snapshot) to a follower if its progress allows. Returns whether anything was sent. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to)
    assert(pr !== undefined, 'sendAppend to a tracked follower')
    if (pr.isPaused()) return false
    const prevIndex = pr.next - 1
    const prevTerm = this.log.term(prevIndex)
    const ents = this.log.slice(pr.next, this.log.lastIndex() + 1, this.cfg.maxMsgBytes)
    if (prevTerm === undefined || ents === undefined) return this.sendSnapshot(to, pr)
    if (ents.length === 0 && !sendIfEmpty) return false
    let bytes = 0
    for (const e of ents) bytes += entryBytes(e)
    this.send({
      type: 'app',
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries: ents,
      commit: this.log.committed,
    })
    pr.sentEntries(ents.length, prevIndex + ents.length, bytes)
    return true
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    const snapshot = this.cfg.storage.snapshot()
    assert(snapshot.metadata.index > 0, 'entries are compacted only behind a snapshot')
    pr.becomeSnapshot(snapshot.metadata.index)
    this.send({ type: 'snap', to, snapshot })
    return true
  }

  private proposalRefusal(): ProposeResult | undefined {
    if (this.role !== 'leader') return this.refuse('notLeader')
    if (this.leadTransferee !== null) return this.refuse('transferring')
    return undefined
  }

  private refuse(error: Extract<ProposeResult, { ok: false }>['error']): ProposeResult {
    return { ok: false, error, leader: this.lead }
  }

  private applyConfChange(cc: ConfChange): void {
    this.members.apply(cc)
    if (this.role !== 'leader') return
    if (cc.type === 'removeNode') {
      this.prs.delete(cc.nodeId)
      if (this.leadTransferee === cc.nodeId) this.leadTransferee = null
      if (cc.nodeId === this.id) {
        this.becomeFollower(this.term, null)
        return
      }
    } else {
      const pr = this.prs.get(cc.nodeId)
      if (pr === undefined) this.addProgress(cc.nodeId)
      else pr.isLearner = cc.type === 'addLearner'
    }
    // The quorum may have shrunk, making something committable.
    if (this.maybeCommit()) this.bcastAppend()
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────

  private leaderReadIndex(from: NodeId, context: Uint8Array): boolean {
    if (this.pendingReads.length + this.readOnly.size() >= limits.raftPendingReadsMax) return false
    if (this.log.term(this.log.committed) !== this.term) {
      // Our commit index may lag the true one until an entry of our term commits.
      this.pendingReads.push({ from, context })
      return true
    }
    this.startRead(from, context)
    return true
  }

  private startRead(from: NodeId, context: Uint8Array): void {
    if (this.members.voters().length === 1) {
      this.respondRead(from, this.log.committed, context)
      return
    }
    this.readOnly.add({ from, index: this.log.committed, context }, this.id)
    this.bcastHeartbeat(context)
  }

  private releasePendingReads(): void {
    if (this.role !== 'leader' || this.pendingReads.length === 0) return
    if (this.log.term(this.log.committed) !== this.term) return
    const reads = this.pendingReads
    this.pendingReads = []
    for (const r of reads) this.startRead(r.from, r.context)
  }

  private respondRead(from: NodeId, index: Index, context: Uint8Array): void {
    if (from === this.id) this.readStates.push({ index, context })
    else this.send({ type: 'readIndexResp', to: from, index, context })
  }

  // ── output ──────────────────────────────────────────────────────────────────────────────────

  /** Every call site builds a fresh object literal, so completing it in place is safe (and cheaper than a copy). */
  private send(m: Outgoing): void {
    const full = m as Outgoing & { from: NodeId; term: Term }
    full.from = this.id
    if (m.term === undefined) full.term = this.term
    this.msgs.push(full as Message)
  }

  private hardState(): HardState {
    let vote = this.vote
    if (this.hideVote) vote = this.prevHardState.term === this.term ? this.prevHardState.vote : null
    return { term: this.term, vote, commit: this.log.committed }
  }

  private softState(): SoftState {
    return { leader: this.lead, role: this.role }
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit
}

function validate(cfg: RaftConfig): void {
  assert(Number.isInteger(cfg.heartbeatTicks) && cfg.heartbeatTicks > 0, 'heartbeatTicks must be > 0')
  assert(
    Number.isInteger(cfg.electionTicks) && cfg.electionTicks > cfg.heartbeatTicks,
    'electionTicks must be greater than heartbeatTicks',
  )
  assert(
    Number.isInteger(cfg.maxInflightMsgs) &&
      cfg.maxInflightMsgs > 0 &&
      cfg.maxInflightMsgs <= limits.raftInflightMessagesMax,
    `maxInflightMsgs must be in [1, ${limits.raftInflightMessagesMax}]`,
  )
  assert(
    cfg.maxInflightBytes >= 0 && cfg.maxInflightBytes <= limits.raftInflightBytesMax,
    `maxInflightBytes must be in [0, ${limits.raftInflightBytesMax}]`,
  )
  assert(
    cfg.maxMsgBytes > 0 && cfg.maxMsgBytes <= limits.raftMessageBytesMax,
    `maxMsgBytes must be in [1, ${limits.raftMessageBytesMax}]`,
  )
}
