/**
 * Acceptance: kafkajs 2.2.4 as an oracle. Its own request encoders (the `protocol({ version })`
 * entries of src/protocol/requests/<api>/index.js, framed by src/protocol/request.js exactly as
 * its connection sends them) encode each request at every version kafkajs implements; our
 * header and body decoders must read the whole frame and give back the values kafkajs was given.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { apiByKey } from '../../../../src/protocol/kafka/generated/index.js'
import { readRequestHeader } from '../../../../src/protocol/kafka/headers.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'

const require = createRequire(import.meta.url)

interface KjsRequest {
  readonly apiKey: number
  readonly apiVersion: number
  readonly encode: () => Promise<unknown>
}
type KjsFrame = (o: {
  correlationId: number
  clientId: string
  request: KjsRequest
}) => Promise<{ buffer: Buffer }>
type KjsApi = { protocol: (o: { version: number }) => (args: object) => { request: KjsRequest } }

const frameOf = require('kafkajs/src/protocol/request.js') as KjsFrame

// biome-ignore lint/suspicious/noExplicitAny: decoded messages are checked field by field below
type Decoded = any

interface Case {
  /** Folder under kafkajs/src/protocol/requests. */
  readonly api: string
  readonly apiKey: number
  readonly versions: readonly number[]
  readonly args: object
  readonly check: (m: Decoded, v: number) => void
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i)
const text = (b: Uint8Array | null): string => Buffer.from(b ?? new Uint8Array()).toString('latin1')

const cases: Case[] = [
  {
    api: 'apiVersions',
    apiKey: 18,
    versions: range(0, 2),
    args: {},
    check: (m) => assert.equal(m.clientSoftwareName, ''),
  },
  {
    api: 'metadata',
    apiKey: 3,
    versions: range(0, 6),
    args: { topics: ['orders', 'payments'], allowAutoTopicCreation: false },
    check: (m, v) => {
      assert.deepEqual(
        m.topics.map((t: Decoded) => t.name),
        ['orders', 'payments'],
      )
      if (v >= 4) assert.equal(m.allowAutoTopicCreation, false)
    },
  },
  {
    api: 'produce',
    apiKey: 0,
    versions: range(0, 7),
    args: {
      acks: -1,
      timeout: 30000,
      transactionalId: null,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            { partition: 2, messages: [{ key: 'k1', value: 'value-one', timestamp: 1_700_000_000_000 }] },
          ],
        },
      ],
    },
    check: (m, v) => {
      assert.equal(m.acks, -1)
      assert.equal(m.timeoutMs, 30000)
      assert.equal(m.transactionalId, null)
      assert.equal(m.topicData[0].name, 'orders')
      const p = m.topicData[0].partitionData[0]
      assert.equal(p.index, 2)
      // The record set is kafkajs's own encoding, carried as raw bytes: a v2 batch from Produce v3.
      if (v >= 3) assert.equal(p.records[16], 2, 'magic byte of a record batch v2')
      assert.ok(text(p.records).includes('value-one'))
    },
  },
  {
    api: 'fetch',
    apiKey: 1,
    versions: range(0, 11),
    args: {
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 1048576 }] }],
      rackId: '',
    },
    check: (m, v) => {
      assert.equal(m.replicaId, -1)
      assert.equal(m.maxWaitMs, 5000)
      assert.equal(m.minBytes, 1)
      if (v >= 3) assert.equal(m.maxBytes, 10485760)
      if (v >= 4) assert.equal(m.isolationLevel, 1)
      if (v >= 7) assert.deepEqual([m.sessionId, m.sessionEpoch], [0, -1])
      assert.equal(m.topics[0].topic, 'orders')
      const p = m.topics[0].partitions[0]
      assert.deepEqual([p.partition, p.fetchOffset, p.partitionMaxBytes], [0, 42n, 1048576])
      if (v >= 9) assert.equal(p.currentLeaderEpoch, -1)
    },
  },
  {
    api: 'listOffsets',
    apiKey: 2,
    versions: range(0, 3),
    args: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 3, timestamp: -2 }] }],
    },
    check: (m, v) => {
      assert.equal(m.replicaId, -1)
      if (v >= 2) assert.equal(m.isolationLevel, 1)
      assert.equal(m.topics[0].name, 'orders')
      assert.deepEqual(
        [m.topics[0].partitions[0].partitionIndex, m.topics[0].partitions[0].timestamp],
        [3, -2n],
      )
      if (v === 0) assert.equal(m.topics[0].partitions[0].maxNumOffsets, 1)
    },
  },
  {
    api: 'findCoordinator',
    apiKey: 10,
    versions: range(0, 2),
    args: { groupId: 'group-a', coordinatorType: 0 },
    check: (m, v) => {
      assert.equal(m.key, 'group-a')
      if (v >= 1) assert.equal(m.keyType, 0)
    },
  },
  {
    api: 'joinGroup',
    apiKey: 11,
    versions: range(0, 5),
    args: {
      groupId: 'group-a',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    },
    check: (m, v) => {
      assert.equal(m.groupId, 'group-a')
      assert.equal(m.sessionTimeoutMs, 30000)
      if (v >= 1) assert.equal(m.rebalanceTimeoutMs, 60000)
      assert.equal(m.memberId, '')
      if (v >= 5) assert.equal(m.groupInstanceId, null)
      assert.equal(m.protocolType, 'consumer')
      assert.equal(m.protocols[0].name, 'RoundRobinAssigner')
      assert.deepEqual([...m.protocols[0].metadata], [0, 1, 2])
    },
  },
  {
    api: 'syncGroup',
    apiKey: 14,
    versions: range(0, 3),
    args: {
      groupId: 'group-a',
      generationId: 7,
      memberId: 'member-1',
      groupInstanceId: null,
      groupAssignment: [{ memberId: 'member-1', memberAssignment: Buffer.from([9, 8]) }],
    },
    check: (m) => {
      assert.deepEqual([m.groupId, m.generationId, m.memberId], ['group-a', 7, 'member-1'])
      assert.equal(m.assignments[0].memberId, 'member-1')
      assert.deepEqual([...m.assignments[0].assignment], [9, 8])
    },
  },
  {
    api: 'heartbeat',
    apiKey: 12,
    versions: range(0, 3),
    args: { groupId: 'group-a', groupGenerationId: 7, memberId: 'member-1', groupInstanceId: null },
    check: (m) => assert.deepEqual([m.groupId, m.generationId, m.memberId], ['group-a', 7, 'member-1']),
  },
  {
    api: 'leaveGroup',
    apiKey: 13,
    versions: range(0, 3),
    args: { groupId: 'group-a', memberId: 'member-1', groupInstanceId: null },
    check: (m, v) => {
      assert.equal(m.groupId, 'group-a')
      if (v < 3) assert.equal(m.memberId, 'member-1')
      else assert.deepEqual([m.members[0].memberId, m.members[0].groupInstanceId], ['member-1', null])
    },
  },
  {
    api: 'offsetCommit',
    apiKey: 8,
    versions: range(0, 5),
    args: {
      groupId: 'group-a',
      groupGenerationId: 7,
      memberId: 'member-1',
      retentionTime: -1,
      topics: [
        { topic: 'orders', partitions: [{ partition: 1, offset: '100', timestamp: 1_700_000_000_000 }] },
      ],
    },
    check: (m, v) => {
      assert.equal(m.groupId, 'group-a')
      if (v >= 1) assert.deepEqual([m.generationIdOrMemberEpoch, m.memberId], [7, 'member-1'])
      if (v >= 2 && v <= 4) assert.equal(m.retentionTimeMs, -1n)
      const p = m.topics[0].partitions[0]
      assert.deepEqual(
        [m.topics[0].name, p.partitionIndex, p.committedOffset, p.committedMetadata],
        ['orders', 1, 100n, null],
      )
      if (v === 1) assert.equal(p.commitTimestamp, 1_700_000_000_000n)
    },
  },
  {
    api: 'offsetFetch',
    apiKey: 9,
    versions: range(1, 4),
    args: {
      groupId: 'group-a',
      topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 5 }] }],
    },
    check: (m) => {
      assert.equal(m.groupId, 'group-a')
      assert.equal(m.topics[0].name, 'orders')
      assert.deepEqual(m.topics[0].partitionIndexes, [0, 5])
    },
  },
  {
    api: 'createTopics',
    apiKey: 19,
    versions: range(0, 3),
    args: {
      topics: [
        {
          topic: 'orders',
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      validateOnly: false,
      timeout: 5000,
    },
    check: (m, v) => {
      const t = m.topics[0]
      assert.deepEqual([t.name, t.numPartitions, t.replicationFactor, t.assignments], ['orders', 3, 3, []])
      assert.deepEqual([t.configs[0].name, t.configs[0].value], ['cleanup.policy', 'compact'])
      assert.equal(m.timeoutMs, 5000)
      if (v >= 1) assert.equal(m.validateOnly, false)
    },
  },
  {
    api: 'deleteTopics',
    apiKey: 20,
    versions: range(0, 1),
    args: { topics: ['orders', 'payments'], timeout: 5000 },
    check: (m) => {
      assert.deepEqual(m.topicNames, ['orders', 'payments'])
      assert.equal(m.timeoutMs, 5000)
    },
  },
  {
    api: 'initProducerId',
    apiKey: 22,
    versions: range(0, 1),
    args: { transactionalId: 'tx-1', transactionTimeout: 60000 },
    check: (m) => assert.deepEqual([m.transactionalId, m.transactionTimeoutMs], ['tx-1', 60000]),
  },
]

test('requests encoded by kafkajs 2.2.4 decode to the values it was given', async () => {
  let pairs = 0
  for (const c of cases) {
    const mod = require(`kafkajs/src/protocol/requests/${c.api}/index.js`) as KjsApi
    for (const v of c.versions) {
      const request = mod.protocol({ version: v })(c.args).request
      const { buffer } = await frameOf({ correlationId: 1000 + v, clientId: 'kafkajs-oracle', request })
      const where = `${c.api} v${v}`
      const frame = new Uint8Array(buffer)
      const r = new Reader(frame)
      assert.equal(r.int32(), frame.length - 4, `${where}: size prefix`)
      const h = readRequestHeader(r)
      assert.deepEqual(
        [h.requestApiKey, h.requestApiVersion, h.correlationId, h.clientId, h.headerVersion],
        [c.apiKey, v, 1000 + v, 'kafkajs-oracle', 1],
        where,
      )
      const api = apiByKey.get(h.requestApiKey)
      assert.ok(api !== undefined, where)
      const m = api.decodeRequest(r, v)
      assert.equal(r.remaining(), 0, `${where}: the body decoder consumed the whole frame`)
      try {
        c.check(m, v)
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`)
      }
      pairs++
    }
  }
  console.log(`kafkajs oracle: ${cases.length} APIs, ${pairs} (API, version) requests decoded`)
})
