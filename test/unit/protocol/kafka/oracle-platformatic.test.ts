/**
 * Acceptance: @platformatic/kafka 1.35.0 as an oracle. Its real Connection sends each request
 * (its API modules, at every version it implements for these 15 APIs) to a capture server on
 * 127.0.0.1 that never answers; our header and body decoders must read every captured frame to
 * its end and give back the values platformatic was given.
 */
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { test } from 'node:test'
import * as pk from '@platformatic/kafka'
import { apiByKey } from '../../../../src/protocol/kafka/generated/index.js'
import { readRequestHeader } from '../../../../src/protocol/kafka/headers.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { ZERO_UUID } from '../../../../src/protocol/primitives/uuid.js'

// biome-ignore lint/suspicious/noExplicitAny: decoded messages are checked field by field below
type Decoded = any
type PkApi = { api: (connection: unknown, ...args: unknown[]) => void }

interface Case {
  readonly apiKey: number
  readonly version: number
  readonly module: PkApi
  readonly args: readonly unknown[]
  readonly check: (m: Decoded, v: number) => void
}

const TOPIC_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901234567890'
const mods = pk as unknown as Record<string, PkApi>

function mod(name: string): PkApi {
  const m = mods[name]
  assert.ok(m !== undefined && typeof m.api === 'function', `@platformatic/kafka exports ${name}`)
  return m
}

function family(
  apiKey: number,
  prefix: string,
  versions: readonly number[],
  args: (v: number) => readonly unknown[],
  check: (m: Decoded, v: number) => void,
): Case[] {
  return versions.map((v) => ({ apiKey, version: v, module: mod(`${prefix}V${v}`), args: args(v), check }))
}

const text = (b: Uint8Array | null): string => Buffer.from(b ?? new Uint8Array()).toString('latin1')

const cases: Case[] = [
  ...family(
    18,
    'apiVersions',
    [3, 4],
    () => ['petrel-oracle', '1.2.3'],
    (m) => assert.deepEqual([m.clientSoftwareName, m.clientSoftwareVersion], ['petrel-oracle', '1.2.3']),
  ),
  ...family(
    3,
    'metadata',
    [9, 10, 11, 12],
    () => [['orders', 'payments'], true, false],
    (m, v) => {
      assert.deepEqual(
        m.topics.map((t: Decoded) => t.name),
        ['orders', 'payments'],
      )
      if (v >= 10) assert.equal(m.topics[0].topicId, ZERO_UUID)
      assert.equal(m.allowAutoTopicCreation, true)
      assert.equal(m.includeTopicAuthorizedOperations, false)
    },
  ),
  ...family(
    0,
    'produce',
    [7, 8, 9, 10, 11],
    () => [
      -1,
      30000,
      [
        {
          topic: 'orders',
          partition: 1,
          key: Buffer.from('k1'),
          value: Buffer.from('value-one'),
          timestamp: 1_700_000_000_000n,
        },
      ],
      {},
    ],
    (m) => {
      assert.deepEqual([m.acks, m.timeoutMs, m.transactionalId], [-1, 30000, null])
      assert.equal(m.topicData[0].name, 'orders')
      const p = m.topicData[0].partitionData[0]
      assert.equal(p.index, 1)
      assert.equal(p.records[16], 2, 'magic byte of a record batch v2')
      assert.ok(text(p.records).includes('value-one'))
    },
  ),
  ...family(
    1,
    'fetch',
    [12, 13, 14, 15, 16, 17],
    (v) => [
      5000,
      1,
      10485760,
      1,
      0,
      -1,
      [
        {
          topicId: v >= 13 ? TOPIC_ID : 'orders',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 4,
              fetchOffset: 42n,
              lastFetchedEpoch: 3,
              partitionMaxBytes: 1048576,
            },
          ],
        },
      ],
      [],
      'rack-a',
    ],
    (m, v) => {
      if (v < 15) assert.equal(m.replicaId, -1)
      assert.deepEqual([m.maxWaitMs, m.minBytes, m.maxBytes, m.isolationLevel], [5000, 1, 10485760, 1])
      assert.deepEqual([m.sessionId, m.sessionEpoch, m.rackId], [0, -1, 'rack-a'])
      if (v >= 13) assert.equal(m.topics[0].topicId, TOPIC_ID)
      else assert.equal(m.topics[0].topic, 'orders')
      const p = m.topics[0].partitions[0]
      assert.deepEqual(
        [
          p.partition,
          p.currentLeaderEpoch,
          p.fetchOffset,
          p.lastFetchedEpoch,
          p.logStartOffset,
          p.partitionMaxBytes,
        ],
        [0, 4, 42n, 3, -1n, 1048576],
      )
    },
  ),
  ...family(
    2,
    'listOffsets',
    [5, 6, 7, 8, 9],
    () => [
      -1,
      1,
      [{ name: 'orders', partitions: [{ partitionIndex: 3, currentLeaderEpoch: 2, timestamp: -2n }] }],
    ],
    (m) => {
      assert.deepEqual([m.replicaId, m.isolationLevel, m.topics[0].name], [-1, 1, 'orders'])
      const p = m.topics[0].partitions[0]
      assert.deepEqual([p.partitionIndex, p.currentLeaderEpoch, p.timestamp], [3, 2, -2n])
    },
  ),
  ...family(
    10,
    'findCoordinator',
    [4, 5, 6],
    () => [0, ['group-a', 'group-b']],
    (m) => assert.deepEqual([m.keyType, m.coordinatorKeys], [0, ['group-a', 'group-b']]),
  ),
  ...family(
    11,
    'joinGroup',
    [6, 7, 8, 9],
    () => [
      'group-a',
      30000,
      60000,
      '',
      null,
      'consumer',
      [{ name: 'roundrobin', metadata: Buffer.from([0, 1, 2]) }],
      'joining',
    ],
    (m, v) => {
      assert.deepEqual(
        [m.groupId, m.sessionTimeoutMs, m.rebalanceTimeoutMs, m.memberId, m.groupInstanceId, m.protocolType],
        ['group-a', 30000, 60000, '', null, 'consumer'],
      )
      assert.equal(m.protocols[0].name, 'roundrobin')
      assert.deepEqual([...m.protocols[0].metadata], [0, 1, 2])
      if (v >= 8) assert.equal(m.reason, 'joining')
    },
  ),
  ...family(
    14,
    'syncGroup',
    [4, 5],
    () => [
      'group-a',
      7,
      'member-1',
      null,
      'consumer',
      'roundrobin',
      [{ memberId: 'member-1', assignment: Buffer.from([9, 8]) }],
    ],
    (m, v) => {
      assert.deepEqual(
        [m.groupId, m.generationId, m.memberId, m.groupInstanceId],
        ['group-a', 7, 'member-1', null],
      )
      if (v >= 5) assert.deepEqual([m.protocolType, m.protocolName], ['consumer', 'roundrobin'])
      assert.equal(m.assignments[0].memberId, 'member-1')
      assert.deepEqual([...m.assignments[0].assignment], [9, 8])
    },
  ),
  ...family(
    12,
    'heartbeat',
    [4],
    () => ['group-a', 7, 'member-1', null],
    (m) =>
      assert.deepEqual(
        [m.groupId, m.generationId, m.memberId, m.groupInstanceId],
        ['group-a', 7, 'member-1', null],
      ),
  ),
  ...family(
    13,
    'leaveGroup',
    [4, 5],
    () => ['group-a', [{ memberId: 'member-1', groupInstanceId: null, reason: 'bye' }]],
    (m, v) => {
      assert.equal(m.groupId, 'group-a')
      assert.deepEqual([m.members[0].memberId, m.members[0].groupInstanceId], ['member-1', null])
      if (v >= 5) assert.equal(m.members[0].reason, 'bye')
    },
  ),
  ...family(
    8,
    'offsetCommit',
    [8, 9],
    () => [
      'group-a',
      7,
      'member-1',
      null,
      [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 1, committedOffset: 100n, committedLeaderEpoch: 3, committedMetadata: 'meta' },
          ],
        },
      ],
    ],
    (m) => {
      assert.deepEqual(
        [m.groupId, m.generationIdOrMemberEpoch, m.memberId, m.groupInstanceId],
        ['group-a', 7, 'member-1', null],
      )
      const p = m.topics[0].partitions[0]
      assert.deepEqual(
        [m.topics[0].name, p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.committedMetadata],
        ['orders', 1, 100n, 3, 'meta'],
      )
    },
  ),
  ...family(
    9,
    'offsetFetch',
    [8, 9],
    () => [
      [
        {
          groupId: 'group-a',
          memberId: 'member-1',
          memberEpoch: 5,
          topics: [{ name: 'orders', partitionIndexes: [0, 5] }],
        },
      ],
      true,
    ],
    (m, v) => {
      const g = m.groups[0]
      assert.equal(g.groupId, 'group-a')
      if (v >= 9) assert.deepEqual([g.memberId, g.memberEpoch], ['member-1', 5])
      assert.deepEqual([g.topics[0].name, g.topics[0].partitionIndexes], ['orders', [0, 5]])
      assert.equal(m.requireStable, true)
    },
  ),
  ...family(
    19,
    'createTopics',
    [7],
    () => [
      [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 3,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      5000,
      false,
    ],
    (m) => {
      const t = m.topics[0]
      assert.deepEqual([t.name, t.numPartitions, t.replicationFactor], ['orders', 3, 3])
      assert.deepEqual([t.assignments[0].partitionIndex, t.assignments[0].brokerIds], [0, [1, 2, 3]])
      assert.deepEqual([t.configs[0].name, t.configs[0].value], ['cleanup.policy', 'compact'])
      assert.deepEqual([m.timeoutMs, m.validateOnly], [5000, false])
    },
  ),
  ...family(
    20,
    'deleteTopics',
    [6],
    () => [[{ name: 'orders', topicId: null }], 5000],
    (m) => {
      assert.deepEqual([m.topics[0].name, m.topics[0].topicId], ['orders', ZERO_UUID])
      assert.equal(m.timeoutMs, 5000)
    },
  ),
  ...family(
    22,
    'initProducerId',
    [3, 4, 5],
    () => ['tx-1', 60000, -1n, -1],
    (m) =>
      assert.deepEqual(
        [m.transactionalId, m.transactionTimeoutMs, m.producerId, m.producerEpoch],
        ['tx-1', 60000, -1n, -1],
      ),
  ),
]

/**
 * platformatic 1.35.0's metadata-v11.js still writes IncludeClusterAuthorizedOperations, which
 * Kafka's spec dropped after v10: one byte more than the schema holds. Kafka's broker ignores
 * bytes after a request body, so the client works there; the broker must do the same.
 */
function trailingBytes(c: Case): number {
  return c.apiKey === 3 && c.version === 11 ? 1 : 0
}

/** A server that keeps every frame it receives and never answers. */
function captureServer(): Promise<{ server: Server; port: number; frames: Buffer[]; sockets: Socket[] }> {
  const frames: Buffer[] = []
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    let pending = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0)
        frames.push(pending.subarray(0, 4 + size))
        pending = pending.subarray(4 + size)
      }
    })
    socket.on('error', () => {})
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      assert.ok(address !== null && typeof address === 'object')
      resolve({ server, port: address.port, frames, sockets })
    })
  })
}

test('requests sent by @platformatic/kafka 1.35.0 decode to the values it was given', async () => {
  const { server, port, frames, sockets } = await captureServer()
  const connection = new pk.Connection('platformatic-oracle', { requestTimeout: 60_000, maxInflights: 1_000 })
  connection.on('error', () => {})
  try {
    await connection.connect('127.0.0.1', port)
    for (const c of cases) c.module.api(connection, ...c.args, () => {})
    const deadline = Date.now() + 10_000
    while (frames.length < cases.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    assert.equal(frames.length, cases.length, 'every request reached the capture server')
    // Frames arrive in the order sent; correlation ids count up from 1.
    cases.forEach((c, i) => {
      const where = `api ${c.apiKey} v${c.version}`
      const frame = new Uint8Array(frames[i] as Buffer)
      const r = new Reader(frame)
      assert.equal(r.int32(), frame.length - 4, `${where}: size prefix`)
      const h = readRequestHeader(r)
      const flexibleFrom = apiByKey.get(c.apiKey)?.request.flexibleVersions[0] ?? Number.POSITIVE_INFINITY
      assert.deepEqual(
        [h.requestApiKey, h.requestApiVersion, h.correlationId, h.clientId, h.headerVersion],
        [c.apiKey, c.version, i + 1, 'platformatic-oracle', flexibleFrom <= c.version ? 2 : 1],
        where,
      )
      const m = apiByKey.get(c.apiKey)?.decodeRequest(r, c.version)
      assert.equal(r.remaining(), trailingBytes(c), `${where}: the body decoder consumed the whole frame`)
      try {
        c.check(m, c.version)
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`)
      }
    })
    console.log(`platformatic oracle: 15 APIs, ${cases.length} (API, version) requests decoded`)
  } finally {
    for (const s of sockets) s.destroy()
    await connection.close().catch(() => {})
    await new Promise((r) => server.close(r))
  }
})
