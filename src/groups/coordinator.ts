/**
 * GroupCoordinator: the classic consumer-group coordinator as a synchronous state machine.
 * Requests and logical time go in; answers, deferred answers to parked requests, and records for
 * the `__consumer_offsets` log come out. `load` rebuilds the state from those records. See
 * README.md for the states, the invariants and how a driver uses it.
 */
import { assert } from '../lib/assert.js'
import type { Prng } from '../lib/prng.js'
import { type CoordinatorConfig, type Core, Effects, resolveConfig } from './core.js'
import { Deadlines } from './deadlines.js'
import { type Group, type Member, metadataFor, newGroup, offsetKey, splitOffsetKey } from './group.js'
import { heartbeat, joinGroup, leaveGroup, syncGroup } from './membership.js'
import { nextDeadline, tickGroup } from './rebalance.js'
import {
  deleteGroups,
  describeGroups,
  listGroups,
  offsetCommit,
  offsetDelete,
  offsetFetch,
} from './offsets.js'
import { type GroupMetadataValue, decodeGroupRecord } from './records.js'
import type {
  CallContext,
  DeferredResponse,
  DeleteGroupResult,
  DescribedGroup,
  GroupRecord,
  GroupState,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  Step,
  SyncGroupRequest,
  SyncGroupResponse,
  TickOutput,
} from './types.js'

export interface CoordinatorOptions {
  readonly config?: Partial<CoordinatorConfig>
  /** Seeds member ids; the driver seeds it from real randomness, tests from a fixed seed. */
  readonly prng: Prng
}

/** The part of a group that survives a restart, as plain data for comparison and tooling. */
export interface MemberView {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly metadata: Uint8Array
  readonly assignment: Uint8Array
}

export interface GroupView {
  readonly groupId: string
  readonly state: GroupState
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leaderId: string | null
  readonly stateTimestampMs: number
  readonly members: readonly MemberView[]
}

export interface OffsetView {
  readonly groupId: string
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestampMs: number
}

export class GroupCoordinator {
  private readonly core: Core
  private lastNowMs = Number.NEGATIVE_INFINITY
  /** Request ids parked and not yet answered: each must be answered exactly once. */
  private readonly parked = new Set<number>()
  /** Each group's next timer; every call that may move one reschedules its group. */
  private readonly deadlines = new Deadlines()

  constructor(options: CoordinatorOptions) {
    this.core = { config: resolveConfig(options.config ?? {}), groups: new Map(), prng: options.prng }
  }

  /** Rebuilds a coordinator from its records, oldest first, as Kafka's loader does on start. */
  static load(
    records: Iterable<GroupRecord>,
    options: CoordinatorOptions & { readonly nowMs: number },
  ): GroupCoordinator {
    const c = new GroupCoordinator(options)
    c.clock(options.nowMs)
    const groups = c.core.groups
    const groupOf = (id: string): Group => {
      let g = groups.get(id)
      if (g === undefined) {
        g = newGroup(id)
        groups.set(id, g)
      }
      return g
    }
    for (const record of records) {
      const d = decodeGroupRecord(record.key, record.value)
      const group = groupOf(d.group)
      if (d.kind === 'offset') {
        const key = offsetKey(d.topic, d.partition)
        if (d.value === null) group.offsets.delete(key)
        else group.offsets.set(key, d.value)
      } else {
        applyGroupMetadata(group, d.value, options.nowMs)
      }
    }
    // A group with neither a generation nor offsets left no trace worth keeping (deleted ones).
    for (const [id, g] of [...groups]) if (!hasFootprint(g)) groups.delete(id)
    c.reschedule(groups.keys())
    return c
  }

  joinGroup(req: JoinGroupRequest, ctx: CallContext): Step<JoinGroupResponse | null> {
    const step = this.parkable('JoinGroup', ctx, (fx) => joinGroup(this.core, fx, req, ctx))
    this.reschedule([req.groupId])
    return step
  }

  syncGroup(req: SyncGroupRequest, ctx: CallContext): Step<SyncGroupResponse | null> {
    const step = this.parkable('SyncGroup', ctx, (fx) => syncGroup(this.core, fx, req, ctx))
    this.reschedule([req.groupId])
    return step
  }

  heartbeat(req: HeartbeatRequest, ctx: CallContext): Step<HeartbeatResponse> {
    const step = this.run(ctx.nowMs, () => heartbeat(this.core, req, ctx.nowMs))
    this.reschedule([req.groupId])
    return step
  }

  leaveGroup(req: LeaveGroupRequest, ctx: CallContext): Step<LeaveGroupResponse> {
    const step = this.run(ctx.nowMs, (fx) => leaveGroup(this.core, fx, req, ctx.nowMs))
    this.reschedule([req.groupId])
    return step
  }

  offsetCommit(req: OffsetCommitRequest, ctx: CallContext): Step<OffsetCommitResponse> {
    // A member's commit also keeps its session alive.
    const step = this.run(ctx.nowMs, (fx) => offsetCommit(this.core, fx, req, ctx.nowMs))
    this.reschedule([req.groupId])
    return step
  }

  offsetFetch(req: OffsetFetchRequest): OffsetFetchResponse {
    return offsetFetch(this.core, req)
  }

  offsetDelete(req: OffsetDeleteRequest, ctx: CallContext): Step<OffsetDeleteResponse> {
    return this.run(ctx.nowMs, (fx) => offsetDelete(this.core, fx, req))
  }

  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    return describeGroups(this.core, groupIds, apiVersion)
  }

  listGroups(statesFilter: readonly GroupState[] | null = null): ListedGroup[] {
    return listGroups(this.core, statesFilter)
  }

  deleteGroups(groupIds: readonly string[], ctx: CallContext): Step<DeleteGroupResult[]> {
    const step = this.run(ctx.nowMs, (fx) => deleteGroups(this.core, fx, groupIds))
    this.reschedule(groupIds)
    return step
  }

  /**
   * Fires every timer due at `nowMs` (session expiry, join and sync deadlines, pending ids), in
   * the groups whose next deadline has come, earliest first.
   */
  tick(nowMs: number): TickOutput {
    const due = this.deadlines.takeDue(nowMs)
    const { deferred, records } = this.run(nowMs, (fx) => {
      for (const id of due) {
        const group = this.core.groups.get(id)
        if (group !== undefined) tickGroup(this.core, fx, group, nowMs)
      }
      return null
    })
    this.reschedule(due)
    return { deferred, records }
  }

  /** When the driver should call tick next; null when no timer runs. */
  nextDeadlineMs(): number | null {
    return this.deadlines.next()
  }

  private reschedule(groupIds: Iterable<string>): void {
    for (const id of groupIds) {
      const group = this.core.groups.get(id)
      this.deadlines.set(id, group === undefined ? null : nextDeadline(group))
    }
  }

  /** Groups that left a trace in the log, and every committed offset, sorted. */
  view(): { groups: GroupView[]; offsets: OffsetView[] } {
    const groups: GroupView[] = []
    const offsets: OffsetView[] = []
    const ids = [...this.core.groups.keys()].sort()
    for (const id of ids) {
      const g = this.core.groups.get(id)!
      if (hasFootprint(g)) groups.push(groupView(g))
      for (const [key, o] of g.offsets) offsets.push({ groupId: id, ...splitOffsetKey(key), ...o })
    }
    offsets.sort((a, b) =>
      a.groupId !== b.groupId
        ? a.groupId < b.groupId
          ? -1
          : 1
        : a.topic !== b.topic
          ? a.topic < b.topic
            ? -1
            : 1
          : a.partition - b.partition,
    )
    return { groups, offsets }
  }

  private clock(nowMs: number): void {
    assert(Number.isFinite(nowMs), 'logical time is a finite number')
    assert(nowMs >= this.lastNowMs, `logical time went back from ${this.lastNowMs} to ${nowMs}`)
    this.lastNowMs = nowMs
  }

  private run<R>(nowMs: number, body: (fx: Effects) => R): Step<R> {
    this.clock(nowMs)
    const fx = new Effects()
    const response = body(fx)
    this.settle(fx.deferred)
    return { response, deferred: fx.deferred, records: fx.records }
  }

  /**
   * A JoinGroup or SyncGroup may be answered at once, parked, or answered within the same call by
   * the completion it triggered; the last case is returned as the response, not as deferred.
   */
  private parkable<R>(
    api: DeferredResponse['api'],
    ctx: CallContext,
    body: (fx: Effects) => R | null,
  ): Step<R | null> {
    this.clock(ctx.nowMs)
    assert(!this.parked.has(ctx.requestId), `request id ${ctx.requestId} is already parked`)
    const fx = new Effects()
    let response = body(fx)
    const own = fx.deferred.findIndex((d) => d.api === api && d.requestId === ctx.requestId)
    if (own >= 0) {
      assert(response === null, 'a request answered directly is not also deferred')
      response = fx.deferred.splice(own, 1)[0]!.response as R
    } else if (response === null) {
      this.parked.add(ctx.requestId)
    }
    this.settle(fx.deferred)
    return { response, deferred: fx.deferred, records: fx.records }
  }

  private settle(deferred: readonly DeferredResponse[]): void {
    for (const d of deferred) {
      assert(
        this.parked.delete(d.requestId),
        `deferred answer for request ${d.requestId} that was not parked`,
      )
    }
  }
}

function hasFootprint(g: Group): boolean {
  return g.generationId > 0 || g.offsets.size > 0 || g.members.size > 0
}

function memberView(m: Member, protocolName: string | null): MemberView {
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    metadata: metadataFor(m, protocolName),
    assignment: m.assignment,
  }
}

function groupView(g: Group): GroupView {
  return {
    groupId: g.groupId,
    state: g.state,
    generationId: g.generationId,
    protocolType: g.protocolType,
    protocolName: g.protocolName,
    leaderId: g.leaderId,
    stateTimestampMs: g.stateTimestampMs,
    members: [...g.members.values()].map((m) => memberView(m, g.protocolName)),
  }
}

/** A stored group comes back Stable with its members (or Empty), as Kafka loads it. */
function applyGroupMetadata(group: Group, value: GroupMetadataValue | null, nowMs: number): void {
  group.members.clear()
  group.staticMembers.clear()
  group.pendingMembers.clear()
  if (value === null) {
    group.state = 'Empty'
    group.generationId = 0
    group.protocolType = null
    group.protocolName = null
    group.leaderId = null
    group.stateTimestampMs = -1
    return
  }
  group.generationId = value.generation
  group.protocolType = value.protocolType === '' ? null : value.protocolType
  group.protocolName = value.protocol
  group.leaderId = value.leader
  group.stateTimestampMs = value.currentStateTimestampMs
  for (const m of value.members) {
    group.members.set(m.memberId, {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      protocolType: value.protocolType,
      protocols: [{ name: value.protocol ?? '', metadata: m.subscription }],
      assignment: m.assignment,
      join: null,
      sync: null,
      sessionDeadlineMs: nowMs + m.sessionTimeoutMs,
    })
    if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId)
  }
  group.state = group.members.size > 0 ? 'Stable' : 'Empty'
}
