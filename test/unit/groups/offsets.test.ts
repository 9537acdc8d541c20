/**
 * OffsetCommit, OffsetFetch, OffsetDelete, DescribeGroups, ListGroups and DeleteGroups.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { subscribedTopics } from '../../../src/groups/group.js'
import { decodeGroupRecord } from '../../../src/groups/records.js'
import { Harness, bytes, subscription, text } from './harness.js'

test('OffsetFetch answers -1 for what was never committed', () => {
  const h = new Harness()
  assert.equal(h.fetch('t', 0), -1)
  const r = h.coordinator.offsetFetch({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] })
  assert.deepEqual(r.topics[0]!.partitions[1], {
    partitionIndex: 1,
    committedOffset: -1,
    committedLeaderEpoch: -1,
    metadata: '',
    errorCode: 'NONE',
  })
})

test('a simple commit (generation -1) creates the group and is accepted while it is Empty', () => {
  const h = new Harness()
  assert.deepEqual(h.commit('', -1, { 't:0': 10, 't:1': 20 }), ['NONE', 'NONE'])
  assert.equal(h.fetch('t', 0), 10)
  assert.equal(h.fetch('t', 1), 20)
  assert.equal(h.state(), 'Empty')
  const rec = decodeGroupRecord(h.log[0]!.key, h.log[0]!.value)
  assert.deepEqual(rec, {
    kind: 'offset',
    group: 'g',
    topic: 't',
    partition: 0,
    value: { offset: 10, leaderEpoch: -1, metadata: '', commitTimestampMs: h.nowMs },
  })
  const all = h.coordinator.offsetFetch({ groupId: 'g', topics: null })
  assert.deepEqual(
    all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)]),
    [['t', [10, 20]]],
  )
})

test('commits from members: current generation accepted, stale or unknown refused', () => {
  const h = new Harness()
  const { members, generationId } = h.stableGroup(2)
  const [a, b] = members as [string, string]
  assert.deepEqual(h.commit(a, generationId, { 't:0': 5 }), ['NONE'])
  assert.deepEqual(h.commit(a, generationId - 1, { 't:0': 6 }), ['ILLEGAL_GENERATION'])
  assert.deepEqual(h.commit('stranger', generationId, { 't:0': 6 }), ['UNKNOWN_MEMBER_ID'])
  assert.deepEqual(
    h.commit('', -1, { 't:0': 6 }),
    ['UNKNOWN_MEMBER_ID'],
    'no simple commits into a live group',
  )
  assert.equal(h.fetch('t', 0), 5)
  // PreparingRebalance: the generation has not moved yet, so its commits still count.
  h.join({ memberId: a })
  assert.deepEqual(h.commit(b, generationId, { 't:0': 7 }), ['NONE'])
  h.join({ memberId: b })
  assert.equal(h.state(), 'CompletingRebalance')
  assert.deepEqual(h.commit(b, generationId + 1, { 't:0': 8 }), ['REBALANCE_IN_PROGRESS'])
  assert.deepEqual(
    h.commit(b, generationId, { 't:0': 8 }),
    ['ILLEGAL_GENERATION'],
    'generation is checked first',
  )
  assert.equal(h.fetch('t', 0), 7)
})

test('a commit with a generation to an unknown group: ILLEGAL_GENERATION, or GROUP_ID_NOT_FOUND from v9', () => {
  const h = new Harness()
  assert.deepEqual(h.commit('m', 3, { 't:0': 1 }), ['ILLEGAL_GENERATION'])
  assert.deepEqual(h.commit('m', 3, { 't:0': 1 }, { apiVersion: 9 }), ['GROUP_ID_NOT_FOUND'])
  assert.deepEqual(h.coordinator.listGroups(), [])
})

test('metadata longer than the limit is refused for that partition alone', () => {
  const h = new Harness('g', { initialRebalanceDelayMs: 0, offsetMetadataBytesMax: 4 })
  const step = h.coordinator.offsetCommit(
    {
      apiVersion: 5,
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: 3, committedMetadata: 'four' },
            { partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: 3, committedMetadata: 'fiver' },
          ],
        },
      ],
    },
    h.ctx(),
  )
  assert.deepEqual(
    step.response.topics[0]!.partitions.map((p) => p.errorCode),
    ['NONE', 'OFFSET_METADATA_TOO_LARGE'],
  )
  assert.equal(step.records.length, 1)
  const r = h.coordinator.offsetFetch({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] })
  assert.equal(r.topics[0]!.partitions[0]!.metadata, 'four')
  assert.equal(r.topics[0]!.partitions[0]!.committedLeaderEpoch, 3)
})

test('DescribeGroups shows members, and metadata and assignments only when Stable', () => {
  const h = new Harness()
  const { members, leader } = h.stableGroup(2)
  const [d] = h.coordinator.describeGroups(['g'], 3)
  assert.equal(d!.groupState, 'Stable')
  assert.equal(d!.protocolType, 'consumer')
  assert.equal(d!.protocolData, 'range')
  assert.deepEqual(
    d!.members.map((m) => [m.memberId, text(m.memberAssignment), [...subscribedTopics(m.memberMetadata)!]]),
    members.map((m) => [m, `a-${m}`, ['t']]),
  )
  h.join({ memberId: leader })
  const [p] = h.coordinator.describeGroups(['g'], 3)
  assert.equal(p!.groupState, 'PreparingRebalance')
  assert.equal(p!.protocolData, '')
  assert.ok(p!.members.every((m) => m.memberAssignment.length === 0))
  const [unknown] = h.coordinator.describeGroups(['nope'], 5)
  assert.equal(unknown!.groupState, 'Dead')
  assert.equal(unknown!.errorCode, 'NONE')
  assert.equal(h.coordinator.describeGroups(['nope'], 6)[0]!.errorCode, 'GROUP_ID_NOT_FOUND')
})

test('ListGroups lists every group, or those in the asked states', () => {
  const h = new Harness('a')
  h.stableGroup(1)
  const c = h.coordinator
  c.offsetCommit(
    {
      apiVersion: 2,
      groupId: 'simple',
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
  )
  assert.deepEqual(c.listGroups(), [
    { groupId: 'a', protocolType: 'consumer', groupState: 'Stable' },
    { groupId: 'simple', protocolType: '', groupState: 'Empty' },
  ])
  assert.deepEqual(
    c.listGroups(['Empty']).map((g) => g.groupId),
    ['simple'],
  )
  assert.equal(c.listGroups([]).length, 2)
})

test('DeleteGroups: only Empty groups, with tombstones for every offset and the group', () => {
  const h = new Harness()
  const { members } = h.stableGroup(1)
  h.commit(members[0]!, 1, { 't:0': 3, 'u:1': 4 })
  const busy = h.coordinator.deleteGroups(['g', 'nope', ''], h.ctx())
  assert.deepEqual(
    busy.response.map((r) => r.errorCode),
    ['NON_EMPTY_GROUP', 'GROUP_ID_NOT_FOUND', 'INVALID_GROUP_ID'],
  )
  h.leave(members[0]!)
  const done = h.coordinator.deleteGroups(['g'], h.ctx())
  assert.deepEqual(done.response, [{ groupId: 'g', errorCode: 'NONE' }])
  assert.deepEqual(
    done.records.map((r) => {
      const d = decodeGroupRecord(r.key, r.value)
      return [d.kind, d.kind === 'offset' ? `${d.topic}:${d.partition}` : d.group, d.value]
    }),
    [
      ['offset', 't:0', null],
      ['offset', 'u:1', null],
      ['group', 'g', null],
    ],
  )
  assert.equal(h.fetch('t', 0), -1)
  assert.equal(h.coordinator.describeGroups(['g'], 0)[0]!.groupState, 'Dead')
})

test('OffsetDelete refuses topics the live group subscribes to and deletes the rest', () => {
  const h = new Harness()
  const { members } = h.stableGroup(1)
  h.commit(members[0]!, 1, { 't:0': 3, 'old:0': 4 })
  const step = h.coordinator.offsetDelete(
    {
      groupId: 'g',
      topics: [
        { name: 't', partitionIndexes: [0] },
        { name: 'old', partitionIndexes: [0, 7] },
      ],
    },
    h.ctx(),
  )
  assert.equal(step.response.errorCode, 'NONE')
  assert.deepEqual(
    step.response.topics.map((t) => t.partitions.map((p) => p.errorCode)),
    [['GROUP_SUBSCRIBED_TO_TOPIC'], ['NONE', 'NONE']],
  )
  assert.equal(step.records.length, 1, 'a tombstone only for the offset that existed')
  assert.equal(h.fetch('old', 0), -1)
  assert.equal(h.fetch('t', 0), 3)
  const missing = h.coordinator.offsetDelete({ groupId: 'nope', topics: [] }, h.ctx())
  assert.equal(missing.response.errorCode, 'GROUP_ID_NOT_FOUND')
})

test('consumer subscriptions parse; unparseable ones count as subscribed to everything', () => {
  assert.deepEqual([...subscribedTopics(subscription('a', 'b'))!], ['a', 'b'])
  assert.equal(subscribedTopics(bytes('xx')), null)
  const h = new Harness()
  h.join({ apiVersion: 2, protocols: [{ name: 'range', metadata: bytes('garbage!') }] })
  h.commit('', -1, {})
  const step = h.coordinator.offsetDelete(
    { groupId: 'g', topics: [{ name: 'x', partitionIndexes: [0] }] },
    h.ctx(),
  )
  assert.deepEqual(step.response.topics[0]!.partitions[0]!.errorCode, 'GROUP_SUBSCRIBED_TO_TOPIC')
})
