/**
 * GroupCoordinator.load rebuilds from the records the coordinator wrote: Stable groups come back
 * with their members, generation, protocol, leader and assignments; Empty groups and offsets too.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GroupCoordinator } from '../../../src/groups/coordinator.js'
import { encodeGroupMetadataKey } from '../../../src/groups/records.js'
import { GroupRecordError } from '../../../src/groups/records.js'
import { createPrng } from '../../../src/lib/prng.js'
import { Harness } from './harness.js'

function reload(h: Harness, nowMs = h.nowMs): GroupCoordinator {
  return GroupCoordinator.load(h.log, { prng: createPrng(99), nowMs, config: h.config })
}

test('state after replay equals state before: stable, static, empty, simple and deleted groups', () => {
  const h = new Harness('stable', { initialRebalanceDelayMs: 3_000 })
  const c = h.coordinator
  /** Joins another group of the same coordinator; returns the request id to find its answer. */
  const join = (groupId: string, memberId = '', groupInstanceId: string | null = null) => {
    const ctx = h.ctx()
    const step = c.joinGroup({ ...h.joinRequest({ memberId, groupInstanceId, apiVersion: 5 }), groupId }, ctx)
    h.absorb(step)
    return { requestId: ctx.requestId, response: step.response }
  }
  // "stable": two dynamic members, committed offsets with metadata and a leader epoch.
  const { members, generationId } = h.stableGroup(2)
  h.commit(members[0]!, generationId, { 't:0': 11, 't:1': 12 })
  h.absorb(
    c.offsetCommit(
      {
        apiVersion: 7,
        groupId: 'stable',
        generationId,
        memberId: members[1]!,
        groupInstanceId: null,
        topics: [
          {
            name: 'u',
            partitions: [
              { partitionIndex: 3, committedOffset: 99, committedLeaderEpoch: 4, committedMetadata: 'note' },
            ],
          },
        ],
      },
      h.ctx(),
    ),
  )
  // "static": one static member, restarted once (its replacement is persisted).
  const s1 = join('static', '', 'i-1')
  h.tick(h.nowMs + 3_000)
  const sid = h.answer(s1).memberId
  h.absorb(
    c.syncGroup(
      {
        groupId: 'static',
        generationId: 1,
        memberId: sid,
        groupInstanceId: 'i-1',
        protocolType: null,
        protocolName: null,
        assignments: [{ memberId: sid, assignment: new Uint8Array([7]) }],
      },
      h.ctx(),
    ),
  )
  assert.equal(h.answer(join('static', '', 'i-1')).errorCode, 'NONE')
  // "empty": a member came and went, leaving an Empty generation behind.
  const eid = h.answer(join('empty')).memberId
  join('empty', eid)
  h.tick(h.nowMs + 3_000)
  h.absorb(c.leaveGroup({ groupId: 'empty', members: [{ memberId: eid, groupInstanceId: null }] }, h.ctx()))
  // "simple": offsets only. "gone": created, then deleted.
  for (const groupId of ['simple', 'gone'])
    h.absorb(
      c.offsetCommit(
        {
          apiVersion: 2,
          groupId,
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          topics: [
            {
              name: 't',
              partitions: [
                { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
              ],
            },
          ],
        },
        h.ctx(),
      ),
    )
  h.absorb(c.deleteGroups(['gone'], h.ctx()))

  const before = c.view()
  assert.deepEqual(
    before.groups.map((g) => [g.groupId, g.state, g.generationId]),
    [
      ['empty', 'Empty', 2],
      ['simple', 'Empty', 0],
      ['stable', 'Stable', 1],
      ['static', 'Stable', 1],
    ],
  )
  const after = reload(h).view()
  assert.deepEqual(after, before)
})

test('replayed members carry on: heartbeats work, and sessions restart from the load time', () => {
  const h = new Harness()
  const { members, generationId } = h.stableGroup(2)
  // The node was down for a minute: the members' sessions start again when it loads.
  h.nowMs += 60_000
  const c = reload(h, h.nowMs)
  const hb = (memberId: string, nowMs: number) =>
    c.heartbeat({ groupId: 'g', memberId, generationId, groupInstanceId: null }, { nowMs, requestId: 1 })
      .response.errorCode
  assert.equal(hb(members[0]!, h.nowMs + 5_000), 'NONE')
  c.tick(h.nowMs + 10_000)
  assert.equal(c.describeGroups(['g'], 0)[0]!.groupState, 'PreparingRebalance', 'the silent member expired')
  assert.equal(hb(members[1]!, h.nowMs + 10_000), 'UNKNOWN_MEMBER_ID')
})

test('a group in a rebalance comes back as of its last Stable generation, as Kafka loads it', () => {
  const h = new Harness()
  const { members } = h.stableGroup(2)
  const stable = h.coordinator.view()
  h.join({ memberId: members[0]! })
  assert.equal(h.state(), 'PreparingRebalance')
  assert.deepEqual(reload(h).view().groups, stable.groups)
  assert.equal(reload(h).describeGroups(['g'], 0)[0]!.groupState, 'Stable')
})

test('a corrupt record stops the load with a typed error', () => {
  assert.throws(
    () =>
      GroupCoordinator.load([{ key: encodeGroupMetadataKey('g'), value: new Uint8Array([0, 3, 0]) }], {
        prng: createPrng(1),
        nowMs: 0,
      }),
    GroupRecordError,
  )
})
