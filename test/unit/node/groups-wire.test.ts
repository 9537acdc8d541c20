/**
 * The group APIs at the protocol level, over a real socket with exact request versions: each
 * handler's per-version translation (FindCoordinator v0 and batched v4, JoinGroup v0 without a
 * rebalance timeout, LeaveGroup v0's single member, OffsetFetch v1 and batched v8, ListGroups'
 * states filter), and `__consumer_offsets` hidden from Metadata unless named.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type RunningNode, startNode } from '../../../src/index.js'
import { silentLogger } from '../../../src/io/log.js'
import * as ct from '../../../src/protocol/kafka/generated/create-topics.js'
import * as dg from '../../../src/protocol/kafka/generated/delete-groups.js'
import * as dt from '../../../src/protocol/kafka/generated/delete-topics.js'
import * as dsg from '../../../src/protocol/kafka/generated/describe-groups.js'
import { ErrorCode } from '../../../src/protocol/kafka/generated/errors.js'
import * as fc from '../../../src/protocol/kafka/generated/find-coordinator.js'
import * as hb from '../../../src/protocol/kafka/generated/heartbeat.js'
import * as jg from '../../../src/protocol/kafka/generated/join-group.js'
import * as lg from '../../../src/protocol/kafka/generated/leave-group.js'
import * as lsg from '../../../src/protocol/kafka/generated/list-groups.js'
import * as md from '../../../src/protocol/kafka/generated/metadata.js'
import * as oc from '../../../src/protocol/kafka/generated/offset-commit.js'
import * as of from '../../../src/protocol/kafka/generated/offset-fetch.js'
import * as pr from '../../../src/protocol/kafka/generated/produce.js'
import * as sg from '../../../src/protocol/kafka/generated/sync-group.js'
import { buildBatch } from '../../helpers/batch.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'
import { WireClient } from '../../helpers/wire-client.js'

const API = {
  createTopics: { key: 19, encode: ct.encodeCreateTopicsRequest, decode: ct.decodeCreateTopicsResponse },
  metadata: { key: 3, encode: md.encodeMetadataRequest, decode: md.decodeMetadataResponse },
  find: { key: 10, encode: fc.encodeFindCoordinatorRequest, decode: fc.decodeFindCoordinatorResponse },
  join: { key: 11, encode: jg.encodeJoinGroupRequest, decode: jg.decodeJoinGroupResponse },
  sync: { key: 14, encode: sg.encodeSyncGroupRequest, decode: sg.decodeSyncGroupResponse },
  heartbeat: { key: 12, encode: hb.encodeHeartbeatRequest, decode: hb.decodeHeartbeatResponse },
  leave: { key: 13, encode: lg.encodeLeaveGroupRequest, decode: lg.decodeLeaveGroupResponse },
  commit: { key: 8, encode: oc.encodeOffsetCommitRequest, decode: oc.decodeOffsetCommitResponse },
  fetch: { key: 9, encode: of.encodeOffsetFetchRequest, decode: of.decodeOffsetFetchResponse },
  describe: { key: 15, encode: dsg.encodeDescribeGroupsRequest, decode: dsg.decodeDescribeGroupsResponse },
  list: { key: 16, encode: lsg.encodeListGroupsRequest, decode: lsg.decodeListGroupsResponse },
  produce: { key: 0, encode: pr.encodeProduceRequest, decode: pr.decodeProduceResponse },
  deleteTopics: { key: 20, encode: dt.encodeDeleteTopicsRequest, decode: dt.decodeDeleteTopicsResponse },
  delete: { key: 42, encode: dg.encodeDeleteGroupsRequest, decode: dg.decodeDeleteGroupsResponse },
}

let node: RunningNode
let client: WireClient
let dir: string

before(async () => {
  dir = tempDataDir('petrel-groups-wire-')
  node = await startNode({
    dataDir: dir,
    kafkaPort: 0,
    logger: silentLogger,
    groupInitialRebalanceDelayMs: 0,
    offsetsTopicPartitions: 3,
  })
  client = await WireClient.connect(node.kafkaPort)
  const created = await client.send(API.createTopics, 4, {
    topics: [{ name: 't', numPartitions: 2, replicationFactor: 1 }],
  })
  assert.equal(created.topics[0]?.errorCode, 0)
})

after(async () => {
  client.close()
  await node.close()
  removeDir(dir)
})

test('FindCoordinator names this node for groups, one key (v0) or many (v4)', async () => {
  const v0 = await client.send(API.find, 0, { key: 'g' })
  assert.deepEqual([v0.errorCode, v0.nodeId, v0.port], [0, 0, node.kafkaPort])
  const v4 = await client.send(API.find, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] })
  assert.deepEqual(
    v4.coordinators.map((c) => [c.key, c.nodeId, c.errorCode]),
    [
      ['a', 0, 0],
      ['b', 0, 0],
    ],
  )
  const txn = await client.send(API.find, 2, { key: 'tx', keyType: 1 })
  assert.equal(txn.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
})

test('__consumer_offsets is listed only when asked for by name', async () => {
  const all = await client.send(API.metadata, 9, { topics: null })
  assert.deepEqual(
    all.topics.map((t) => t.name),
    ['t'],
  )
  const named = await client.send(API.metadata, 9, { topics: [{ name: '__consumer_offsets' }] })
  assert.deepEqual(
    named.topics.map((t) => [t.name, t.isInternal, t.partitions.length]),
    [['__consumer_offsets', true, 3]],
  )
})

test('clients can neither produce to nor delete __consumer_offsets', async () => {
  const produced = await client.send(API.produce, 8, {
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      { name: '__consumer_offsets', partitionData: [{ index: 0, records: buildBatch({ values: ['x'] }) }] },
    ],
  })
  assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
  const deleted = await client.send(API.deleteTopics, 4, {
    topicNames: ['__consumer_offsets'],
    timeoutMs: 5000,
  })
  assert.equal(deleted.responses[0]?.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
})

test('a group at old and new versions: join, sync, heartbeat, commit, fetch, list, leave, delete', async () => {
  const joined = await client.send(API.join, 0, {
    groupId: 'wire',
    sessionTimeoutMs: 10_000,
    memberId: '',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: new Uint8Array([0, 1]) }],
  })
  assert.equal(joined.errorCode, 0)
  assert.equal(joined.generationId, 1)
  assert.equal(joined.leader, joined.memberId)
  assert.deepEqual(
    joined.members.map((m) => m.memberId),
    [joined.memberId],
  )
  const member = { groupId: 'wire', generationId: 1, memberId: joined.memberId }
  const synced = await client.send(API.sync, 0, {
    ...member,
    assignments: [{ memberId: joined.memberId, assignment: new Uint8Array([7, 7]) }],
  })
  assert.deepEqual([synced.errorCode, [...synced.assignment]], [0, [7, 7]])
  assert.equal((await client.send(API.heartbeat, 0, member)).errorCode, 0)

  const committed = await client.send(API.commit, 2, {
    groupId: 'wire',
    generationIdOrMemberEpoch: 1,
    memberId: joined.memberId,
    retentionTimeMs: -1n,
    topics: [
      { name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedMetadata: 'meta' }] },
      { name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] },
    ],
  })
  assert.deepEqual(
    committed.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)]),
    [
      ['t', [0]],
      ['missing', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
    ],
  )
  const v1 = await client.send(API.fetch, 1, {
    groupId: 'wire',
    topics: [{ name: 't', partitionIndexes: [0, 1] }],
  })
  assert.deepEqual(
    v1.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]),
    [
      [0, -1n, ''],
      [1, 42n, 'meta'],
    ],
  )
  const v8 = await client.send(API.fetch, 8, {
    groups: [
      { groupId: 'wire', topics: null },
      { groupId: 'nobody', topics: [{ name: 't', partitionIndexes: [0] }] },
    ],
  })
  assert.deepEqual(
    v8.groups.map((g) => [
      g.groupId,
      g.errorCode,
      g.topics.flatMap((t) => t.partitions.map((p) => p.committedOffset)),
    ]),
    [
      ['wire', 0, [42n]],
      ['nobody', 0, [-1n]],
    ],
  )
  const described = await client.send(API.describe, 0, { groups: ['wire'] })
  assert.deepEqual(
    described.groups.map((g) => [g.groupId, g.groupState, g.protocolData, g.members.length]),
    [['wire', 'Stable', 'range', 1]],
  )
  // The member's host is the connection's address, printed as Kafka does.
  assert.equal(described.groups[0]?.members[0]?.clientHost, '/127.0.0.1')
  const stable = await client.send(API.list, 4, { statesFilter: ['stable'] })
  assert.deepEqual(
    stable.groups.map((g) => g.groupId),
    ['wire'],
  )
  const empty = await client.send(API.list, 4, { statesFilter: ['Empty'] })
  assert.deepEqual(empty.groups, [])

  // Not Empty yet: DeleteGroups refuses; LeaveGroup v0 wraps the one member id.
  const refused = await client.send(API.delete, 0, { groupsNames: ['wire'] })
  assert.equal(refused.results[0]?.errorCode, ErrorCode.NON_EMPTY_GROUP)
  assert.equal((await client.send(API.leave, 0, { groupId: 'wire', memberId: joined.memberId })).errorCode, 0)
  const unknown = await client.send(API.leave, 0, { groupId: 'wire', memberId: 'ghost' })
  assert.equal(unknown.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  const deleted = await client.send(API.delete, 2, { groupsNames: ['wire'] })
  assert.equal(deleted.results[0]?.errorCode, 0)
  const gone = await client.send(API.fetch, 1, {
    groupId: 'wire',
    topics: [{ name: 't', partitionIndexes: [1] }],
  })
  assert.equal(gone.topics[0]?.partitions[0]?.committedOffset, -1n)
})
