/**
 * KIP-345 static membership: a member with group.instance.id keeps its slot across restarts.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeGroupRecord } from '../../../src/groups/records.js'
import { Harness, bytes, text } from './harness.js'

function stableStatic(h: Harness, instances: string[]) {
  // Static members skip MEMBER_ID_REQUIRED even at v5; the initial delay gathers them.
  const joins = instances.map((groupInstanceId) => h.join({ groupInstanceId }))
  h.waitOutJoinPhase()
  const answers = joins.map((j) => h.answer(j))
  const leader = answers[0]!.leader
  const gen = answers[0]!.generationId
  const followers = answers.filter((a) => a.memberId !== leader).map((a) => h.sync(a.memberId, gen))
  h.sync(
    leader,
    gen,
    answers.map((a, i) => ({ memberId: a.memberId, assignment: bytes(`part-${instances[i]}`) })),
  )
  for (const f of followers) assert.equal(h.answer(f).errorCode, 'NONE')
  return { ids: answers.map((a) => a.memberId), leader, gen }
}

test('a static member joins without MEMBER_ID_REQUIRED', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { ids, gen } = stableStatic(h, ['i-1', 'i-2'])
  assert.equal(ids.length, 2)
  assert.equal(gen, 1)
  assert.equal(h.state(), 'Stable')
})

test('a static follower restarting keeps its assignment, the group does not rebalance, the old id is fenced', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { ids, leader, gen } = stableStatic(h, ['i-1', 'i-2'])
  const old = ids[1]!
  assert.notEqual(old, leader)
  const before = h.log.length
  const j = h.answer(h.join({ groupInstanceId: 'i-2' }))
  assert.equal(j.errorCode, 'NONE')
  assert.notEqual(j.memberId, old)
  assert.equal(j.generationId, gen, 'no new generation')
  assert.equal(j.leader, leader)
  assert.deepEqual(j.members, [])
  assert.equal(h.state(), 'Stable')
  assert.equal(text(h.answer(h.sync(j.memberId, gen)).assignment), 'part-i-2')
  // The replacement is persisted, so a restart of the coordinator knows the new id.
  assert.equal(h.log.length, before + 1)
  const rec = decodeGroupRecord(h.log.at(-1)!.key, h.log.at(-1)!.value)
  assert.ok(rec.kind === 'group' && rec.value !== null)
  assert.deepEqual(
    rec.value.members.map((m) => [m.memberId, m.groupInstanceId]),
    [
      [ids[0], 'i-1'],
      [j.memberId, 'i-2'],
    ],
  )
  assert.equal(h.heartbeat(old, gen, 'i-2'), 'FENCED_INSTANCE_ID')
  assert.equal(h.heartbeat(old, gen), 'UNKNOWN_MEMBER_ID')
  assert.equal(h.answer(h.join({ memberId: old, groupInstanceId: 'i-2' })).errorCode, 'FENCED_INSTANCE_ID')
  assert.equal(h.answer(h.sync(old, gen, [], { groupInstanceId: 'i-2' })).errorCode, 'FENCED_INSTANCE_ID')
  assert.deepEqual(h.commit(old, gen, { 't:0': 5 }, { groupInstanceId: 'i-2' }), ['FENCED_INSTANCE_ID'])
  assert.equal(h.heartbeat(j.memberId, gen, 'i-2'), 'NONE')
})

test('a static leader restarting keeps leading under its new id; before v9 it is told the old id leads', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { leader, gen } = stableStatic(h, ['i-1', 'i-2'])
  const j = h.answer(h.join({ groupInstanceId: 'i-1' }))
  assert.equal(j.errorCode, 'NONE')
  assert.notEqual(j.memberId, leader)
  assert.equal(j.generationId, gen)
  // KAFKA-13435: naming the previous leader id keeps the returning leader from reassigning.
  assert.equal(j.leader, leader)
  assert.deepEqual(j.members, [])
  assert.equal(text(h.answer(h.sync(j.memberId, gen)).assignment), 'part-i-1')
  const [described] = h.coordinator.describeGroups(['g'], 0)
  assert.equal(described!.members.find((m) => m.groupInstanceId === 'i-1')!.memberId, j.memberId)
  const v9 = h.answer(h.join({ groupInstanceId: 'i-1', apiVersion: 9 }))
  assert.equal(v9.leader, v9.memberId)
  assert.equal(v9.skipAssignment, true)
  assert.equal(v9.members.length, 2)
  const follower = h.answer(h.join({ groupInstanceId: 'i-2', apiVersion: 9 }))
  assert.equal(follower.skipAssignment, false)
  assert.deepEqual(follower.members, [])
})

test('a static member with new metadata under the same protocol does not rebalance; the metadata is kept', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { gen } = stableStatic(h, ['i-1', 'i-2'])
  const j = h.answer(
    h.join({ groupInstanceId: 'i-2', protocols: [{ name: 'range', metadata: bytes('new') }] }),
  )
  assert.equal(j.errorCode, 'NONE')
  assert.equal(j.generationId, gen)
  assert.equal(h.state(), 'Stable')
  const member = h.coordinator.describeGroups(['g'], 0)[0]!.members.find((m) => m.memberId === j.memberId)
  assert.equal(text(member!.memberMetadata), 'new')
})

test('a static member whose protocols change the group vote triggers a rebalance', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: bytes(name) }))
  const a = h.join({ groupInstanceId: 'i-1', protocols: p('range', 'roundrobin') })
  const b = h.join({ groupInstanceId: 'i-2', protocols: p('range', 'roundrobin') })
  h.waitOutJoinPhase()
  const ja = h.answer(a)
  const jb = h.answer(b)
  assert.equal(ja.protocolName, 'range')
  const fb = h.sync(jb.memberId, ja.generationId)
  h.sync(ja.memberId, ja.generationId, [])
  assert.equal(h.answer(fb).errorCode, 'NONE')
  const changed = h.join({ groupInstanceId: 'i-2', protocols: p('roundrobin') })
  assert.ok(h.isParked(changed))
  assert.equal(h.state(), 'PreparingRebalance')
  h.join({ groupInstanceId: 'i-1', memberId: ja.memberId, protocols: p('range', 'roundrobin') })
  const next = h.answer(changed)
  assert.equal(next.generationId, ja.generationId + 1)
  assert.equal(next.protocolName, 'roundrobin')
})

test('a static member replaced while its old id waits in a join: the old request is fenced', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { ids } = stableStatic(h, ['i-1', 'i-2'])
  const parked = h.join({ groupInstanceId: 'i-1', memberId: ids[0]! })
  assert.ok(h.isParked(parked))
  const fresh = h.join({ groupInstanceId: 'i-1' })
  assert.equal(h.answer(parked).errorCode, 'FENCED_INSTANCE_ID')
  h.join({ groupInstanceId: 'i-2', memberId: ids[1]! })
  assert.equal(h.answer(fresh).errorCode, 'NONE')
})

test('a static member leaves by instance id; a wrong member id for the instance is fenced', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { ids } = stableStatic(h, ['i-1', 'i-2'])
  assert.equal(h.leave('someone-else', 'i-2'), 'FENCED_INSTANCE_ID')
  assert.equal(h.leave('', 'i-9'), 'UNKNOWN_MEMBER_ID')
  assert.equal(h.leave('', 'i-2'), 'NONE')
  assert.equal(h.state(), 'PreparingRebalance')
  assert.equal(h.heartbeat(ids[1]!, 1, 'i-2'), 'UNKNOWN_MEMBER_ID')
})

test('a static member that stays away past its session timeout is removed', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 3_000 })
  const { ids, gen } = stableStatic(h, ['i-1', 'i-2'])
  for (let i = 0; i < 3; i++) {
    h.tick(h.nowMs + 4_000)
    assert.equal(h.heartbeat(ids[0]!, gen, 'i-1'), i < 2 ? 'NONE' : 'REBALANCE_IN_PROGRESS')
  }
})
