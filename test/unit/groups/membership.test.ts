/**
 * Scripted interactions with the coordinator, one behaviour each: joins, rebalances, timers,
 * fencing, static membership and the errors Kafka gives in each state.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { limits } from '../../../src/config/limits.js'
import { decodeGroupRecord } from '../../../src/groups/records.js'
import { Harness, bytes, text } from './harness.js'

test('v5 join: MEMBER_ID_REQUIRED, then the member leads generation 1 and syncs to Stable', () => {
  const h = new Harness()
  const first = h.answer(h.join())
  assert.equal(first.errorCode, 'MEMBER_ID_REQUIRED')
  assert.match(first.memberId, /^c-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  assert.equal(h.state(), 'Empty')
  const joined = h.answer(h.join({ memberId: first.memberId }))
  assert.deepEqual(
    { ...joined, members: joined.members.map((m) => m.memberId) },
    {
      errorCode: 'NONE',
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: first.memberId,
      skipAssignment: false,
      memberId: first.memberId,
      members: [first.memberId],
    },
  )
  assert.equal(h.state(), 'CompletingRebalance')
  const synced = h.answer(
    h.sync(first.memberId, 1, [{ memberId: first.memberId, assignment: bytes('mine') }]),
  )
  assert.equal(synced.errorCode, 'NONE')
  assert.equal(text(synced.assignment), 'mine')
  assert.equal(h.state(), 'Stable')
  assert.equal(h.heartbeat(first.memberId, 1), 'NONE')
})

test('JoinGroup v0-v3 adds the member directly; v4 is the first to require a member id', () => {
  for (const [apiVersion, expected] of [
    [0, 'NONE'],
    [2, 'NONE'],
    [3, 'NONE'],
    [4, 'MEMBER_ID_REQUIRED'],
  ] as const) {
    const h = new Harness()
    assert.equal(h.answer(h.join({ apiVersion })).errorCode, expected, `v${apiVersion}`)
  }
})

test('the initial delay holds the first rebalance; a newcomer during a step buys one more step', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const start = h.nowMs
  const a = h.join({ apiVersion: 2, rebalanceTimeoutMs: 10_000 })
  assert.ok(h.isParked(a))
  h.tick(start + 2_000)
  const b = h.join({ apiVersion: 2, rebalanceTimeoutMs: 10_000 })
  h.tick(start + 3_000)
  assert.ok(h.isParked(a) && h.isParked(b), 'b joined during the first step: a second step runs')
  h.tick(start + 5_999)
  assert.ok(h.isParked(a))
  h.tick(start + 6_000)
  const ja = h.answer(a)
  const jb = h.answer(b)
  assert.equal(ja.generationId, 1)
  assert.equal(jb.generationId, 1)
  assert.equal(ja.leader, ja.memberId)
  assert.equal(ja.members.length, 2)
  assert.deepEqual(jb.members, [], 'followers get an empty member list')
})

test('a lone member waits exactly one step; with no delay it is answered at once', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const a = h.join({ apiVersion: 2 })
  h.tick(h.nowMs + 2_999)
  assert.ok(h.isParked(a))
  h.tick(h.nowMs + 1)
  assert.equal(h.answer(a).generationId, 1)
  const now = new Harness('g', { initialRebalanceDelayMs: 0 })
  assert.equal(now.answer(now.join({ apiVersion: 2 })).generationId, 1)
})

test('the initial delay ends with the members present: pending ids do not hold it', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const ghost = h.answer(h.join())
  assert.equal(ghost.errorCode, 'MEMBER_ID_REQUIRED')
  const a = h.join({ apiVersion: 2 })
  h.waitOutJoinPhase()
  assert.equal(h.answer(a).members.length, 1)
})

test('the initial delay never runs past the rebalance timeout', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const start = h.nowMs
  const first = h.join({ apiVersion: 2, rebalanceTimeoutMs: 5_000 })
  for (let t = 1_000; t <= 4_000; t += 1_000) {
    h.tick(start + t)
    h.join({ apiVersion: 2, rebalanceTimeoutMs: 5_000 })
  }
  h.tick(start + 4_999)
  assert.ok(h.isParked(first))
  h.tick(start + 5_000)
  assert.equal(h.answer(first).members.length, 5)
})

test('a newcomer rebalances a Stable group; members learn it from heartbeats and rejoin', () => {
  const h = new Harness()
  const { members, leader } = h.stableGroup(1)
  const newcomer = h.join({ apiVersion: 2 })
  assert.ok(h.isParked(newcomer))
  assert.equal(h.state(), 'PreparingRebalance')
  assert.equal(h.heartbeat(leader, 1), 'REBALANCE_IN_PROGRESS')
  const rejoin = h.join({ memberId: members[0]! })
  const jl = h.answer(rejoin)
  const jn = h.answer(newcomer)
  assert.equal(jl.generationId, 2)
  assert.equal(jn.generationId, 2)
  assert.equal(jl.leader, leader, 'the leader stays leader while it is a member')
  assert.deepEqual(
    jl.members.map((m) => m.memberId),
    [leader, jn.memberId],
  )
  assert.deepEqual(jn.members, [])
})

test('dynamic members that do not rejoin within the rebalance timeout are removed', () => {
  const h = new Harness()
  const { members, generationId } = h.stableGroup(3)
  const [a, b, c] = members as [string, string, string]
  h.leave(c)
  const ja = h.join({ memberId: a })
  const start = h.nowMs
  // b stays alive by heartbeating (told REBALANCE_IN_PROGRESS each time) but never rejoins.
  for (let t = 5_000; t < 30_000; t += 5_000) {
    h.tick(start + t)
    assert.equal(h.heartbeat(b, generationId), 'REBALANCE_IN_PROGRESS')
  }
  h.tick(start + 29_999)
  assert.ok(h.isParked(ja))
  h.tick(start + 30_000)
  const answer = h.answer(ja)
  assert.equal(answer.generationId, generationId + 1)
  assert.deepEqual(
    answer.members.map((m) => m.memberId),
    [a],
  )
  assert.equal(h.heartbeat(b, generationId), 'UNKNOWN_MEMBER_ID')
})

test('a static member that does not rejoin keeps its slot in the next generation', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const a = h.join({ groupInstanceId: 'i-a', sessionTimeoutMs: 60_000 })
  const b = h.join({ groupInstanceId: 'i-b', sessionTimeoutMs: 60_000 })
  h.waitOutJoinPhase()
  const ja = h.answer(a)
  const jb = h.answer(b)
  const fb = h.sync(jb.memberId, ja.generationId)
  h.sync(ja.memberId, ja.generationId, [])
  assert.equal(h.answer(fb).errorCode, 'NONE')
  const rejoin = h.join({ groupInstanceId: 'i-a', memberId: ja.memberId, sessionTimeoutMs: 60_000 })
  h.tick(h.nowMs + 30_000)
  const next = h.answer(rejoin)
  assert.equal(next.generationId, ja.generationId + 1)
  assert.deepEqual(
    next.members.map((m) => m.memberId),
    [ja.memberId, jb.memberId],
    'b is still a member, though it never rejoined',
  )
})

test('a member silent for its session timeout is removed and the group rebalances', () => {
  const h = new Harness()
  const { members, generationId } = h.stableGroup(2)
  const [a, b] = members as [string, string]
  h.tick(h.nowMs + 6_000)
  assert.equal(h.heartbeat(a, generationId), 'NONE')
  h.tick(h.nowMs + 4_000)
  assert.equal(h.state(), 'PreparingRebalance', 'b last spoke 10 s ago')
  assert.equal(h.heartbeat(b, generationId), 'UNKNOWN_MEMBER_ID')
  assert.equal(h.heartbeat(a, generationId), 'REBALANCE_IN_PROGRESS')
  const j = h.answer(h.join({ memberId: a }))
  assert.equal(j.generationId, generationId + 1)
  assert.equal(j.members.length, 1)
})

test('heartbeat errors follow Kafka: unknown member, illegal generation, rebalance in progress', () => {
  const h = new Harness()
  assert.equal(h.heartbeat('nobody', 1), 'UNKNOWN_MEMBER_ID', 'unknown group')
  const { members, generationId } = h.stableGroup(2)
  const [a, b] = members as [string, string]
  assert.equal(h.heartbeat('nobody', generationId), 'UNKNOWN_MEMBER_ID')
  assert.equal(h.heartbeat(a, generationId + 1), 'ILLEGAL_GENERATION')
  assert.equal(h.heartbeat(a, generationId - 1), 'ILLEGAL_GENERATION')
  h.join({ memberId: a })
  assert.equal(h.heartbeat(b, generationId), 'REBALANCE_IN_PROGRESS')
  h.join({ memberId: b })
  assert.equal(h.state(), 'CompletingRebalance')
  assert.equal(h.heartbeat(b, generationId + 1), 'NONE', 'CompletingRebalance heartbeats are fine')
})

test('SyncGroup: followers wait for the leader; errors for stale generations and rebalances', () => {
  const h = new Harness()
  const a = h.answer(h.join({ apiVersion: 2 }))
  const b = h.join({ apiVersion: 2 })
  // a is alone in generation 1; b's join started generation 2's rebalance.
  assert.equal(h.answer(h.sync(a.memberId, 1)).errorCode, 'REBALANCE_IN_PROGRESS')
  const a2 = h.answer(h.join({ apiVersion: 2, memberId: a.memberId }))
  const b2 = h.answer(b)
  assert.equal(a2.generationId, 2)
  assert.equal(h.answer(h.sync(b2.memberId, 1)).errorCode, 'ILLEGAL_GENERATION')
  assert.equal(h.answer(h.sync('stranger', 2)).errorCode, 'UNKNOWN_MEMBER_ID')
  assert.equal(
    h.answer(h.sync(b2.memberId, 2, [], { protocolType: 'consumer', protocolName: 'roundrobin' })).errorCode,
    'INCONSISTENT_GROUP_PROTOCOL',
  )
  const follower = h.sync(b2.memberId, 2, [], { protocolType: 'consumer', protocolName: 'range' })
  assert.ok(h.isParked(follower))
  const leader = h.sync(a.memberId, 2, [
    { memberId: a.memberId, assignment: bytes('A') },
    { memberId: b2.memberId, assignment: bytes('B') },
  ])
  assert.equal(text(h.answer(leader).assignment), 'A')
  assert.equal(text(h.answer(follower).assignment), 'B')
  assert.equal(text(h.answer(h.sync(b2.memberId, 2)).assignment), 'B', 'Stable returns the stored assignment')
})

test('the leader never syncing drops the members that did not sync and starts over', () => {
  const h = new Harness()
  const long = { apiVersion: 2, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 30_000 }
  const a = h.answer(h.join(long))
  const b = h.join(long)
  h.join({ ...long, memberId: a.memberId })
  const jb = h.answer(b)
  assert.equal(jb.generationId, 2)
  const follower = h.sync(jb.memberId, 2)
  h.tick(h.nowMs + 29_999)
  assert.ok(h.isParked(follower))
  h.tick(h.nowMs + 1)
  assert.equal(h.answer(follower).errorCode, 'REBALANCE_IN_PROGRESS')
  assert.equal(h.heartbeat(a.memberId, 2), 'UNKNOWN_MEMBER_ID', 'the silent leader is gone')
  assert.equal(h.heartbeat(jb.memberId, 2), 'REBALANCE_IN_PROGRESS', 'b stays and must rejoin')
})

test('the protocol is chosen by member vote among those all members support', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: bytes(name) }))
  // range and roundrobin are shared; sticky is not. a (the leader) votes range, b and c vote
  // roundrobin (c's first choice, sticky, is not shared, so its vote falls to roundrobin).
  const a = h.join({ apiVersion: 2, protocols: p('range', 'roundrobin') })
  const b = h.join({ apiVersion: 2, protocols: p('roundrobin', 'range') })
  const c = h.join({ apiVersion: 2, protocols: p('sticky', 'roundrobin', 'range') })
  h.waitOutJoinPhase()
  const ja = h.answer(a)
  assert.equal(ja.protocolName, 'roundrobin')
  assert.equal(h.answer(b).protocolName, 'roundrobin')
  assert.equal(h.answer(c).protocolName, 'roundrobin')
  assert.deepEqual(
    ja.members.map((m) => text(m.metadata)),
    ['roundrobin', 'roundrobin', 'roundrobin'],
    'the leader sees each member metadata for the chosen protocol',
  )
})

test('a tie in the vote goes to the protocol the first member prefers', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: bytes(name) }))
  const a = h.join({ apiVersion: 2, protocols: p('roundrobin', 'range') })
  h.join({ apiVersion: 2, protocols: p('range', 'roundrobin') })
  h.waitOutJoinPhase()
  assert.equal(h.answer(a).protocolName, 'roundrobin')
})

test('a member sharing no protocol, or another protocol type, is refused', () => {
  const h = new Harness()
  h.stableGroup(1)
  assert.equal(
    h.answer(h.join({ protocols: [{ name: 'other', metadata: bytes('') }] })).errorCode,
    'INCONSISTENT_GROUP_PROTOCOL',
  )
  assert.equal(h.answer(h.join({ protocolType: 'connect' })).errorCode, 'INCONSISTENT_GROUP_PROTOCOL')
  assert.equal(h.answer(h.join({ protocols: [] })).errorCode, 'INCONSISTENT_GROUP_PROTOCOL')
})

test('session timeouts outside the configured bounds are refused', () => {
  const h = new Harness()
  for (const [sessionTimeoutMs, expected] of [
    [5_999, 'INVALID_SESSION_TIMEOUT'],
    [6_000, 'MEMBER_ID_REQUIRED'],
    [1_800_000, 'MEMBER_ID_REQUIRED'],
    [1_800_001, 'INVALID_SESSION_TIMEOUT'],
  ] as const)
    assert.equal(h.answer(h.join({ sessionTimeoutMs })).errorCode, expected, `${sessionTimeoutMs}`)
  const custom = new Harness('g', {
    initialRebalanceDelayMs: 0,
    sessionTimeoutMinMs: 100,
    sessionTimeoutMaxMs: 200,
  })
  assert.equal(custom.answer(custom.join({ sessionTimeoutMs: 150 })).errorCode, 'MEMBER_ID_REQUIRED')
  assert.equal(custom.answer(custom.join({ sessionTimeoutMs: 6_000 })).errorCode, 'INVALID_SESSION_TIMEOUT')
})

test('an empty group id is refused', () => {
  const empty = new Harness('')
  assert.equal(empty.answer(empty.join()).errorCode, 'INVALID_GROUP_ID')
})

test('a group stops growing at its size limit, counted as Kafka counts it in each state', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 0, groupMembersMax: 2 })
  const { members, generationId } = h.stableGroup(2)
  // Stable: known members come back; a newcomer is refused.
  assert.equal(h.answer(h.join({ apiVersion: 2 })).errorCode, 'GROUP_MAX_SIZE_REACHED')
  assert.equal(h.answer(h.join({ groupInstanceId: 'i' })).errorCode, 'GROUP_MAX_SIZE_REACHED')
  assert.equal(h.state(), 'Stable')
  // PreparingRebalance: what counts is who is waiting in the join phase, so a member that comes
  // back last finds its place taken and is dropped (Kafka's way of shrinking a group).
  const [a, b] = members as [string, string]
  const ja = h.join({ memberId: a })
  assert.equal(h.state(), 'PreparingRebalance')
  const newcomer = h.join({ apiVersion: 2 })
  assert.ok(h.isParked(newcomer), 'one waiting, one free place')
  assert.equal(h.answer(h.join({ apiVersion: 2 })).errorCode, 'GROUP_MAX_SIZE_REACHED')
  assert.equal(h.answer(h.join({ memberId: b })).errorCode, 'GROUP_MAX_SIZE_REACHED')
  assert.equal(h.heartbeat(b, generationId), 'UNKNOWN_MEMBER_ID', 'b was dropped')
  assert.equal(h.answer(ja).generationId, generationId + 1, 'and the join phase could end without it')
  assert.equal(h.answer(newcomer).generationId, generationId + 1)
})

test('pending member ids are bounded too, even in an Empty group', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 0, groupMembersMax: 2 })
  assert.equal(h.answer(h.join()).errorCode, 'MEMBER_ID_REQUIRED')
  assert.equal(h.answer(h.join()).errorCode, 'MEMBER_ID_REQUIRED')
  assert.equal(h.answer(h.join()).errorCode, 'GROUP_MAX_SIZE_REACHED')
})

test('a pending member id that never comes back holds the rebalance only until its session ends', () => {
  const h = new Harness()
  const { leader, generationId } = h.stableGroup(1)
  const ghost = h.answer(h.join({ sessionTimeoutMs: 7_000 }))
  assert.equal(ghost.errorCode, 'MEMBER_ID_REQUIRED')
  assert.equal(h.state(), 'Stable', 'a pending id alone does not rebalance')
  const rejoin = h.join({ memberId: leader })
  assert.equal(h.state(), 'PreparingRebalance', 'the leader rejoining always rebalances')
  h.tick(h.nowMs + 6_999)
  assert.ok(h.isParked(rejoin))
  h.tick(h.nowMs + 1)
  assert.equal(h.answer(rejoin).generationId, generationId + 1)
  assert.equal(h.answer(h.join({ memberId: ghost.memberId })).errorCode, 'UNKNOWN_MEMBER_ID', 'expired')
})

test('a follower rejoining a Stable group with the same metadata gets the current generation', () => {
  const h = new Harness()
  const { members, leader, generationId } = h.stableGroup(2)
  const follower = members.find((m) => m !== leader)!
  const j = h.answer(h.join({ memberId: follower }))
  assert.equal(j.generationId, generationId)
  assert.deepEqual(j.members, [])
  assert.equal(h.state(), 'Stable')
})

test('a second join from the same member answers the first at once', () => {
  const h = new Harness()
  const { members } = h.stableGroup(2)
  const first = h.join({ memberId: members[0]! })
  const second = h.join({ memberId: members[0]! })
  assert.equal(h.answer(first).errorCode, 'REBALANCE_IN_PROGRESS')
  assert.ok(h.isParked(second))
  h.join({ memberId: members[1]! })
  assert.equal(h.answer(second).errorCode, 'NONE')
})

test('LeaveGroup removes members, rebalances, and an empty group moves to a new Empty generation', () => {
  const h = new Harness()
  const { members, generationId } = h.stableGroup(2)
  const [a, b] = members as [string, string]
  assert.equal(h.leave('nobody'), 'UNKNOWN_MEMBER_ID')
  assert.equal(h.leave(b), 'NONE')
  assert.equal(h.state(), 'PreparingRebalance')
  assert.equal(h.leave(a), 'NONE')
  assert.equal(h.state(), 'Empty')
  const last = h.log.at(-1)!
  const d = decodeGroupRecord(last.key, last.value)
  assert.ok(d.kind === 'group' && d.value !== null)
  assert.equal(d.value.generation, generationId + 1)
  assert.deepEqual(d.value.members, [])
  assert.equal(d.value.protocol, null)
  const unknownGroup = new Harness('none')
  assert.equal(unknownGroup.leave('x'), 'UNKNOWN_MEMBER_ID')
})

test('a departed member parked in a join is answered UNKNOWN_MEMBER_ID', () => {
  const h = new Harness()
  const { members } = h.stableGroup(2)
  const parked = h.join({ memberId: members[0]! })
  h.leave(members[0]!)
  assert.equal(h.answer(parked).errorCode, 'UNKNOWN_MEMBER_ID')
})

test('silent static members cannot push a group past the absolute member limit', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 0 })
  const s = h.answer(h.join({ groupInstanceId: 'static', sessionTimeoutMs: 1_800_000 }))
  h.sync(s.memberId, s.generationId, [])
  // The static member stays silent; newcomers start a join phase in which only they wait.
  let refused = 0
  for (let i = 0; i < limits.groupMembersMax; i++) {
    const r = h.join({ apiVersion: 2 })
    if (!h.isParked(r) && h.answer(r).errorCode === 'GROUP_MAX_SIZE_REACHED') refused++
  }
  assert.equal(h.coordinator.describeGroups(['g'], 0)[0]!.members.length, limits.groupMembersMax)
  assert.equal(refused, 1, 'Kafka would have taken the last one: only 999 were waiting')
})

test('a pending id turned away by a full Stable group does not rebalance it', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 0, groupMembersMax: 2 })
  const { leader, generationId } = h.stableGroup(1)
  const ghost = h.answer(h.join({ sessionTimeoutMs: 60_000 }))
  assert.equal(ghost.errorCode, 'MEMBER_ID_REQUIRED')
  const b = h.join({ apiVersion: 2 })
  const a = h.join({ memberId: leader })
  h.tick(h.nowMs + 30_000)
  assert.equal(h.answer(a).generationId, generationId + 1, 'the join phase ended at its deadline')
  h.sync(h.answer(b).memberId, generationId + 1)
  h.sync(leader, generationId + 1, [])
  assert.equal(h.state(), 'Stable')
  assert.equal(h.answer(h.join({ memberId: ghost.memberId })).errorCode, 'GROUP_MAX_SIZE_REACHED')
  assert.equal(h.state(), 'Stable')
})
