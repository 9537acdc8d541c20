/**
 * A small driver for GroupCoordinator in tests: it owns logical time and request ids, keeps the
 * record log, and collects deferred answers by request id, the way the broker will.
 */
import assert from 'node:assert/strict'
import { GroupCoordinator } from '../../../src/groups/coordinator.js'
import type { CoordinatorConfig } from '../../../src/groups/core.js'
import type {
  DeferredResponse,
  GroupRecord,
  JoinGroupProtocol,
  JoinGroupRequest,
  JoinGroupResponse,
  OffsetCommitRequest,
  Step,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../../src/groups/types.js'
import { createPrng } from '../../../src/lib/prng.js'

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
export const text = (b: Uint8Array): string => new TextDecoder().decode(b)

/** A "consumer" protocol subscription (version 0, topics, no user data), as clients send it. */
export function subscription(...topics: string[]): Uint8Array {
  const enc = topics.map((t) => bytes(t))
  const size = 2 + 4 + enc.reduce((n, t) => n + 2 + t.length, 0) + 4
  const out = new Uint8Array(size)
  const v = new DataView(out.buffer)
  v.setInt16(0, 0)
  v.setInt32(2, topics.length)
  let at = 6
  for (const t of enc) {
    v.setInt16(at, t.length)
    out.set(t, at + 2)
    at += 2 + t.length
  }
  v.setInt32(at, -1)
  return out
}

export interface JoinOptions {
  apiVersion?: number
  memberId?: string
  groupInstanceId?: string | null
  sessionTimeoutMs?: number
  rebalanceTimeoutMs?: number
  protocolType?: string
  protocols?: JoinGroupProtocol[]
  clientId?: string
}

export type Pending<R> = { requestId: number; response: R | null }

export class Harness {
  readonly log: GroupRecord[] = []
  readonly answers = new Map<number, DeferredResponse>()
  nowMs = 1_000
  private nextRequestId = 1
  coordinator: GroupCoordinator

  constructor(
    readonly groupId = 'g',
    readonly config: Partial<CoordinatorConfig> = { initialRebalanceDelayMs: 0 },
    seed = 1,
  ) {
    this.coordinator = new GroupCoordinator({ config, prng: createPrng(seed) })
  }

  absorb<R>(step: {
    deferred: readonly DeferredResponse[]
    records: readonly GroupRecord[]
    response?: R
  }): void {
    this.log.push(...step.records)
    for (const d of step.deferred) {
      assert.ok(!this.answers.has(d.requestId), `request ${d.requestId} answered twice`)
      this.answers.set(d.requestId, d)
    }
  }

  ctx(): { nowMs: number; requestId: number } {
    return { nowMs: this.nowMs, requestId: this.nextRequestId++ }
  }

  joinRequest(o: JoinOptions = {}): JoinGroupRequest {
    return {
      apiVersion: o.apiVersion ?? 5,
      groupId: this.groupId,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 30_000,
      memberId: o.memberId ?? '',
      groupInstanceId: o.groupInstanceId ?? null,
      protocolType: o.protocolType ?? 'consumer',
      protocols: o.protocols ?? [{ name: 'range', metadata: subscription('t') }],
      clientId: o.clientId ?? 'c',
      clientHost: '/127.0.0.1',
    }
  }

  join(o: JoinOptions = {}): Pending<JoinGroupResponse> {
    const ctx = this.ctx()
    const step: Step<JoinGroupResponse | null> = this.coordinator.joinGroup(this.joinRequest(o), ctx)
    this.absorb(step)
    return { requestId: ctx.requestId, response: step.response }
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Uint8Array }[] = [],
    extra: Partial<SyncGroupRequest> = {},
  ): Pending<SyncGroupResponse> {
    const ctx = this.ctx()
    const step = this.coordinator.syncGroup(
      {
        groupId: this.groupId,
        generationId,
        memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments,
        ...extra,
      },
      ctx,
    )
    this.absorb(step)
    return { requestId: ctx.requestId, response: step.response }
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null): string {
    const step = this.coordinator.heartbeat(
      { groupId: this.groupId, memberId, generationId, groupInstanceId },
      this.ctx(),
    )
    this.absorb(step)
    return step.response.errorCode
  }

  leave(memberId: string, groupInstanceId: string | null = null): string {
    const step = this.coordinator.leaveGroup(
      { groupId: this.groupId, members: [{ memberId, groupInstanceId }] },
      this.ctx(),
    )
    this.absorb(step)
    return step.response.members[0]!.errorCode
  }

  commit(
    memberId: string,
    generationId: number,
    offsets: Record<string, number>,
    extra: Partial<OffsetCommitRequest> = {},
  ): string[] {
    const topics = new Map<string, { partitionIndex: number; committedOffset: number }[]>()
    for (const [tp, offset] of Object.entries(offsets)) {
      const [topic, p] = tp.split(':') as [string, string]
      const list = topics.get(topic) ?? []
      list.push({ partitionIndex: Number(p), committedOffset: offset })
      topics.set(topic, list)
    }
    const step = this.coordinator.offsetCommit(
      {
        apiVersion: 5,
        groupId: this.groupId,
        generationId,
        memberId,
        groupInstanceId: null,
        topics: [...topics].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({ ...p, committedLeaderEpoch: -1, committedMetadata: '' })),
        })),
        ...extra,
      },
      this.ctx(),
    )
    this.absorb(step)
    return step.response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))
  }

  fetch(topic: string, partition: number): number {
    const r = this.coordinator.offsetFetch({
      groupId: this.groupId,
      topics: [{ name: topic, partitionIndexes: [partition] }],
    })
    return r.topics[0]!.partitions[0]!.committedOffset
  }

  tick(toMs: number): void {
    this.nowMs = toMs
    this.absorb(this.coordinator.tick(toMs))
  }

  /** The answer to a request: given at once or deferred; fails if it is still parked. */
  answer<R>(p: Pending<R>): R {
    if (p.response !== null) return p.response
    const d = this.answers.get(p.requestId)
    assert.ok(d !== undefined, `request ${p.requestId} is still parked`)
    return d.response as R
  }

  isParked(p: Pending<unknown>): boolean {
    return p.response === null && !this.answers.has(p.requestId)
  }

  state(): string {
    return this.coordinator.describeGroups([this.groupId], 5)[0]!.groupState
  }

  /** Ticks in steps of `stepMs` until the join phase is over (the initial delay may take several). */
  waitOutJoinPhase(stepMs = 3_000): void {
    for (let i = 0; i < 20 && this.state() === 'PreparingRebalance'; i++) this.tick(this.nowMs + stepMs)
    assert.notEqual(this.state(), 'PreparingRebalance', 'the join phase ended')
  }

  /**
   * Takes n dynamic v5 members to Stable the way clients do: take an id, join, and rejoin with it
   * whenever the answer is not for the group's newest generation.
   */
  stableGroup(n: number): { members: string[]; leader: string; generationId: number } {
    const ids = Array.from({ length: n }, () => this.answer(this.join()).memberId)
    let pendings = ids.map((memberId) => this.join({ memberId }))
    for (let round = 0; round < 10; round++) {
      // Clients learn of a rebalance (from a heartbeat) and rejoin; those parked wait.
      if (this.state() === 'PreparingRebalance')
        pendings = pendings.map((p, i) => (this.isParked(p) ? p : this.join({ memberId: ids[i]! })))
      if (pendings.some((p) => this.isParked(p))) this.waitOutJoinPhase()
      const generation = this.coordinator.view().groups.find((g) => g.groupId === this.groupId)?.generationId
      const answers = pendings.map((p) => this.answer(p))
      if (this.state() === 'CompletingRebalance' && answers.every((a) => a.generationId === generation)) break
    }
    const joins = pendings.map((p) => this.answer(p))
    const leader = joins.find((j) => j.members.length > 0)!.leader
    const generationId = joins[0]!.generationId
    assert.ok(joins.every((j) => j.generationId === generationId && j.leader === leader))
    const members = joins.map((j) => j.memberId)
    const syncs = members.filter((m) => m !== leader).map((m) => this.sync(m, generationId))
    this.sync(
      leader,
      generationId,
      members.map((m) => ({ memberId: m, assignment: bytes(`a-${m}`) })),
    )
    for (const s of syncs) assert.equal(this.answer(s).errorCode, 'NONE')
    assert.equal(this.state(), 'Stable')
    return { members, leader, generationId }
  }
}
