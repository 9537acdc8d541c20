/**
 * Random members joining, syncing, heartbeating, leaving, restarting, committing and falling
 * silent, driven through the coordinator with fast-check. After every step: at most one leader per
 * generation, every member of a Stable group holds an assignment from the current generation, a
 * commit from a stale generation is refused, offsets change only by accepted commits and deletes,
 * and a coordinator loaded from the records equals the live one. The node also restarts at random
 * (a coordinator loaded from the records takes over, parked requests die with their connections)
 * and the history goes on against it. At the end, every parked request that was not lost has been
 * answered exactly once.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { GroupCoordinator } from '../../../src/groups/coordinator.js'
import type { JoinGroupResponse, SyncGroupResponse } from '../../../src/groups/types.js'
import { createPrng } from '../../../src/lib/prng.js'
import { Harness, type Pending, bytes, subscription, text } from './harness.js'

const SLOTS = 4
const PARTITIONS = 3

type Action =
  | { kind: 'proceed'; slot: number }
  | { kind: 'join'; slot: number; apiVersion: number; restart: boolean; topic: string }
  | { kind: 'sync'; slot: number }
  | { kind: 'heartbeat'; slot: number }
  | { kind: 'leave'; slot: number }
  | { kind: 'commit'; slot: number; partition: number; offset: number; stale: boolean }
  | { kind: 'simpleCommit'; partition: number; offset: number }
  | { kind: 'offsetDelete'; partition: number; topic: string }
  | { kind: 'deleteGroup' }
  | { kind: 'restart' }
  | { kind: 'tick'; ms: number }

const slot = fc.integer({ min: 0, max: SLOTS - 1 })
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('proceed' as const), slot }), weight: 16 },
  {
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      slot,
      apiVersion: fc.constantFrom(2, 5),
      restart: fc.boolean(),
      topic: fc.constantFrom('t', 't', 'u'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('sync' as const), slot }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), slot }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('leave' as const), slot }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      slot,
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      offset: fc.nat(1_000),
      stale: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('simpleCommit' as const),
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      offset: fc.nat(1_000),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('offsetDelete' as const),
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      topic: fc.constantFrom('t', 'u'),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'deleteGroup' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 25_000 }) }),
    weight: 3,
  },
)

/** Where a well-behaved client is in the protocol; 'proceed' takes its natural next step. */
type Phase = 'out' | 'joining' | 'joined' | 'syncing' | 'member'

interface Slot {
  phase: Phase
  readonly apiVersion: number
  memberId: string
  generationId: number
  /** Slots 0 and 1 are static members. */
  readonly instanceId: string | null
  lastJoin: JoinGroupResponse | null
  join: Pending<JoinGroupResponse> | null
  sync: Pending<SyncGroupResponse> | null
}

class World {
  readonly h: Harness
  readonly slots: Slot[]
  /** The offsets the model expects: changed only by what the coordinator accepted. */
  readonly offsets = new Map<string, number>()
  /** Generation → its leader, as a static instance id when the leader is static (see checkJoin). */
  readonly leaders = new Map<number, string>()
  /** Member ids a static slot has held, so that a leader can be recognised across restarts. */
  readonly instanceOf = new Map<string, string>()
  readonly issued: Pending<unknown>[] = []
  /** Requests parked when the node restarted: they died with their connections. */
  readonly lost = new Set<number>()
  private restarts = 0
  /** What the history reached, so that the test can show it is not vacuous. */
  readonly seen = {
    stable: false,
    generation: 0,
    acceptedCommits: 0,
    refusedStale: 0,
    replays: 0,
    restarts: 0,
  }

  constructor(initialRebalanceDelayMs: number, seed: number) {
    this.h = new Harness('g', { initialRebalanceDelayMs }, seed)
    this.slots = Array.from({ length: SLOTS }, (_, i) => ({
      phase: 'out' as Phase,
      apiVersion: i === 2 ? 2 : 5,
      sync: null,
      memberId: '',
      generationId: -1,
      instanceId: i < 2 ? `i-${i}` : null,
      lastJoin: null,
      join: null,
    }))
  }

  private groupView() {
    return this.h.coordinator.view().groups.find((g) => g.groupId === 'g')
  }

  /** Learns answers that arrived since the last step, as a client would from its socket. */
  private settle(): void {
    const answered: [Slot, JoinGroupResponse][] = []
    for (const s of this.slots) {
      if (s.join === null || this.h.isParked(s.join)) continue
      answered.push([s, this.h.answer(s.join)])
      s.join = null
    }
    // Answers of one generation arrive together: learn every static id before checking leaders.
    for (const [s, r] of answered)
      if (r.errorCode === 'NONE' && s.instanceId !== null) this.instanceOf.set(r.memberId, s.instanceId)
    for (const [s, r] of answered) {
      this.checkJoin(r)
      s.phase = r.errorCode === 'NONE' ? 'joined' : 'out'
      if (r.errorCode === 'NONE') {
        s.memberId = r.memberId
        s.generationId = r.generationId
        s.lastJoin = r
      } else if (r.errorCode === 'MEMBER_ID_REQUIRED') {
        s.memberId = r.memberId
      } else if (r.errorCode === 'UNKNOWN_MEMBER_ID' || r.errorCode === 'FENCED_INSTANCE_ID') {
        s.memberId = ''
      }
    }
    for (const s of this.slots) {
      if (s.sync === null || this.h.isParked(s.sync)) continue
      const r = this.h.answer(s.sync)
      s.sync = null
      this.react(s, r.errorCode)
      if (r.errorCode === 'NONE') s.phase = 'member'
    }
  }

  /** What a client does with an error: rejoin, with its id unless the coordinator forgot it. */
  private react(s: Slot, errorCode: string): void {
    if (errorCode === 'NONE') return
    s.phase = 'out'
    if (errorCode === 'UNKNOWN_MEMBER_ID' || errorCode === 'FENCED_INSTANCE_ID') s.memberId = ''
  }

  private proceed(s: Slot): void {
    switch (s.phase) {
      case 'out':
        this.step({
          kind: 'join',
          slot: this.slots.indexOf(s),
          apiVersion: s.apiVersion,
          restart: false,
          topic: 't',
        })
        return
      case 'joined':
        this.step({ kind: 'sync', slot: this.slots.indexOf(s) })
        return
      default:
        this.react(s, this.h.heartbeat(s.memberId, s.generationId, s.instanceId))
    }
  }

  private checkJoin(r: JoinGroupResponse): void {
    if (r.errorCode !== 'NONE') return
    // A static leader that restarts keeps leading the generation under a new id (and before v9
    // is told its previous id leads): one leader, seen as one instance.
    const identity = this.instanceOf.get(r.leader) ?? r.leader
    const known = this.leaders.get(r.generationId)
    if (known === undefined) this.leaders.set(r.generationId, identity)
    else assert.equal(identity, known, `two leaders in generation ${r.generationId}`)
    if (r.memberId !== r.leader) assert.deepEqual(r.members, [], 'followers get no member list')
  }

  step(a: Action): void {
    this.settle()
    const h = this.h
    switch (a.kind) {
      case 'proceed':
        this.proceed(this.slots[a.slot]!)
        break
      case 'join': {
        const s = this.slots[a.slot]!
        if (a.restart) s.memberId = ''
        s.phase = 'joining'
        s.join = h.join({
          apiVersion: a.apiVersion,
          memberId: s.memberId,
          groupInstanceId: s.instanceId,
          rebalanceTimeoutMs: 20_000,
          protocols: [{ name: 'range', metadata: subscription(a.topic) }],
        })
        this.issued.push(s.join)
        break
      }
      case 'sync': {
        const s = this.slots[a.slot]!
        const j = s.lastJoin
        const leads = j !== null && j.leader === s.memberId && j.members.length > 0
        const assignments = leads
          ? j.members.map((m) => ({
              memberId: m.memberId,
              assignment: bytes(`a-${j.generationId}-${m.memberId}`),
            }))
          : []
        s.sync = h.sync(s.memberId, s.generationId, assignments, { groupInstanceId: s.instanceId })
        s.phase = 'syncing'
        this.issued.push(s.sync)
        break
      }
      case 'heartbeat': {
        const s = this.slots[a.slot]!
        h.heartbeat(s.memberId, s.generationId, s.instanceId)
        break
      }
      case 'leave': {
        const s = this.slots[a.slot]!
        h.leave(s.memberId, s.instanceId)
        break
      }
      case 'commit': {
        const s = this.slots[a.slot]!
        this.commit(
          s.memberId,
          a.stale ? s.generationId - 1 : s.generationId,
          s.instanceId,
          a.partition,
          a.offset,
        )
        break
      }
      case 'simpleCommit':
        this.commit('', -1, null, a.partition, a.offset)
        break
      case 'offsetDelete': {
        const step = h.coordinator.offsetDelete(
          { groupId: 'g', topics: [{ name: a.topic, partitionIndexes: [a.partition] }] },
          h.ctx(),
        )
        h.absorb(step)
        if (step.response.topics[0]?.partitions[0]?.errorCode === 'NONE')
          this.offsets.delete(`${a.topic}:${a.partition}`)
        break
      }
      case 'restart':
        this.restart()
        break
      case 'deleteGroup': {
        const step = h.coordinator.deleteGroups(['g'], h.ctx())
        h.absorb(step)
        if (step.response[0]!.errorCode === 'NONE') {
          this.offsets.clear()
          // A group created again under the same id starts its generations from 1 again.
          this.leaders.clear()
        }
        break
      }
      case 'tick':
        h.tick(h.nowMs + a.ms)
        break
    }
    this.settle()
  }

  private commit(
    memberId: string,
    generationId: number,
    instanceId: string | null,
    partition: number,
    offset: number,
  ) {
    const before = this.groupView()
    const errors = this.h.commit(
      memberId,
      generationId,
      { [`t:${partition}`]: offset },
      { groupInstanceId: instanceId },
    )
    const accepted = errors[0] === 'NONE'
    if (accepted) {
      this.offsets.set(`t:${partition}`, offset)
      if (generationId >= 0) this.seen.acceptedCommits++
    }
    if (!accepted && generationId >= 0 && generationId !== (before?.generationId ?? 0))
      this.seen.refusedStale++
    const current = before?.generationId ?? 0
    const simpleOk = generationId < 0 && (before === undefined || before.state === 'Empty')
    if (accepted)
      assert.ok(
        simpleOk || generationId === current,
        `commit from generation ${generationId} accepted at ${current}`,
      )
    if (generationId >= 0 && generationId !== current)
      assert.notEqual(errors[0], 'NONE', 'stale commit refused')
  }

  check(replay: boolean): void {
    const live = this.h.coordinator.view()
    const g = live.groups.find((x) => x.groupId === 'g')
    if (g !== undefined) this.seen.generation = Math.max(this.seen.generation, g.generationId)
    if (g?.state === 'Stable') this.seen.stable = true
    if (g?.state === 'Stable')
      for (const m of g.members)
        assert.ok(
          text(m.assignment).startsWith(`a-${g.generationId}-`),
          `stale assignment ${text(m.assignment)}`,
        )
    assert.deepEqual(
      new Map(live.offsets.map((o) => [`${o.topic}:${o.partition}`, o.offset])),
      this.offsets,
      'offsets changed only by accepted commits and deletes',
    )
    if (!replay) return
    this.seen.replays++
    const loaded = GroupCoordinator.load(this.h.log, { prng: createPrng(7), nowMs: this.h.nowMs }).view()
    assert.deepEqual(loaded.offsets, live.offsets, 'replayed offsets')
    for (const group of live.groups) {
      if (group.state !== 'Stable' && group.state !== 'Empty') continue
      assert.deepEqual(
        loaded.groups.find((x) => x.groupId === group.groupId),
        group,
        'a settled group replays to itself',
      )
    }
  }

  /**
   * The node restarts and loads the coordinator from the records. Parked requests die with their
   * connections and their clients start over; generations never persisted will be issued again.
   */
  private restart(): void {
    const h = this.h
    for (const p of this.issued) if (h.isParked(p)) this.lost.add(p.requestId)
    for (const s of this.slots) {
      if (s.join !== null && this.lost.has(s.join.requestId)) {
        s.join = null
        s.phase = 'out'
      }
      if (s.sync !== null && this.lost.has(s.sync.requestId)) {
        s.sync = null
        s.phase = 'out'
      }
    }
    this.restarts++
    h.coordinator = GroupCoordinator.load(h.log, {
      prng: createPrng(this.restarts),
      nowMs: h.nowMs,
      config: h.config,
    })
    const persisted = this.groupView()?.generationId ?? 0
    for (const g of [...this.leaders.keys()]) if (g > persisted) this.leaders.delete(g)
    this.seen.restarts++
  }

  /** With no more requests, time alone answers everything still parked. */
  drain(): void {
    for (let i = 0; i < 6; i++) this.h.tick(this.h.nowMs + 3_600_000)
    for (const p of this.issued)
      if (!this.lost.has(p.requestId)) assert.ok(!this.h.isParked(p), `request ${p.requestId} never answered`)
  }
}

test('random group histories keep the coordinator invariants', (t) => {
  const totals = {
    runs: 0,
    stable: 0,
    generation3: 0,
    acceptedCommits: 0,
    refusedStale: 0,
    replays: 0,
    restarts: 0,
  }
  fc.assert(
    fc.property(
      fc.constantFrom(0, 3_000),
      fc.integer(),
      fc.array(action, { minLength: 30, maxLength: 100 }),
      (delay, seed, actions) => {
        const w = new World(delay, seed)
        actions.forEach((a, i) => {
          w.step(a)
          w.check(i % 4 === 3 || i === actions.length - 1)
        })
        w.drain()
        w.check(true)
        totals.runs++
        if (w.seen.stable) totals.stable++
        if (w.seen.generation >= 3) totals.generation3++
        totals.acceptedCommits += w.seen.acceptedCommits
        totals.refusedStale += w.seen.refusedStale
        totals.replays += w.seen.replays
        totals.restarts += w.seen.restarts
      },
    ),
    { numRuns: 250 },
  )
  t.diagnostic(JSON.stringify(totals))
  // The histories must reach the states the invariants are about, or the test proves nothing.
  assert.ok(totals.stable >= totals.runs / 5, `only ${totals.stable} of ${totals.runs} runs reached Stable`)
  assert.ok(
    totals.generation3 > 0 && totals.acceptedCommits > 0 && totals.refusedStale > 0 && totals.restarts > 0,
  )
})
