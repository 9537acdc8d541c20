/**
 * The node at the protocol level, over a real socket with exact request versions: advertised
 * ranges, Fetch long polling and size limits, ListOffsets, configs, partitions and DeleteRecords.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { allHandlers } from '../../../src/kafka/handlers/index.js'
import { apiByKey } from '../../../src/protocol/kafka/generated/index.js'
import * as av from '../../../src/protocol/kafka/generated/api-versions.js'
import * as ct from '../../../src/protocol/kafka/generated/create-topics.js'
import * as cp from '../../../src/protocol/kafka/generated/create-partitions.js'
import * as dc from '../../../src/protocol/kafka/generated/describe-configs.js'
import * as dr from '../../../src/protocol/kafka/generated/delete-records.js'
import * as fe from '../../../src/protocol/kafka/generated/fetch.js'
import * as iac from '../../../src/protocol/kafka/generated/incremental-alter-configs.js'
import * as lo from '../../../src/protocol/kafka/generated/list-offsets.js'
import * as md from '../../../src/protocol/kafka/generated/metadata.js'
import * as pr from '../../../src/protocol/kafka/generated/produce.js'
import { type RunningNode, startNode } from '../../../src/index.js'
import { silentLogger } from '../../../src/io/log.js'
import { buildBatch } from '../../helpers/batch.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'
import { WireClient } from '../../helpers/wire-client.js'

const API = {
  apiVersions: { key: 18, encode: av.encodeApiVersionsRequest, decode: av.decodeApiVersionsResponse },
  metadata: { key: 3, encode: md.encodeMetadataRequest, decode: md.decodeMetadataResponse },
  createTopics: { key: 19, encode: ct.encodeCreateTopicsRequest, decode: ct.decodeCreateTopicsResponse },
  produce: { key: 0, encode: pr.encodeProduceRequest, decode: pr.decodeProduceResponse },
  fetch: { key: 1, encode: fe.encodeFetchRequest, decode: fe.decodeFetchResponse },
  listOffsets: { key: 2, encode: lo.encodeListOffsetsRequest, decode: lo.decodeListOffsetsResponse },
  describeConfigs: {
    key: 32,
    encode: dc.encodeDescribeConfigsRequest,
    decode: dc.decodeDescribeConfigsResponse,
  },
  incAlter: {
    key: 44,
    encode: iac.encodeIncrementalAlterConfigsRequest,
    decode: iac.decodeIncrementalAlterConfigsResponse,
  },
  createPartitions: {
    key: 37,
    encode: cp.encodeCreatePartitionsRequest,
    decode: cp.decodeCreatePartitionsResponse,
  },
  deleteRecords: { key: 21, encode: dr.encodeDeleteRecordsRequest, decode: dr.decodeDeleteRecordsResponse },
}

let node: RunningNode
let client: WireClient
let dir: string

before(async () => {
  dir = tempDataDir('petrel-handlers-')
  node = await startNode({ dataDir: dir, kafkaPort: 0, logger: silentLogger })
  client = await WireClient.connect(node.kafkaPort)
  const created = await client.send(API.createTopics, 7, {
    topics: [{ name: 't', numPartitions: 2, replicationFactor: 1 }],
  })
  assert.equal(created.topics[0]?.errorCode, 0)
})

after(async () => {
  client.close()
  await node.close()
  removeDir(dir)
})

async function produce(partition: number, values: string[], timestamp?: number): Promise<bigint> {
  const res = await client.send(API.produce, 8, {
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: 't',
        partitionData: [
          {
            index: partition,
            records: buildBatch({ values, ...(timestamp === undefined ? {} : { timestamp }) }),
          },
        ],
      },
    ],
  })
  const p = res.responses[0]?.partitionResponses[0]
  assert.equal(p?.errorCode, 0)
  return p?.baseOffset ?? -1n
}

function fetchReq(
  partition: number,
  offset: bigint,
  opts: { minBytes?: number; maxWaitMs?: number; maxBytes?: number; partitionMaxBytes?: number } = {},
) {
  return {
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: opts.maxBytes ?? 1 << 20,
    isolationLevel: 1,
    topics: [
      {
        topic: 't',
        partitions: [
          { partition, fetchOffset: offset, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20 },
        ],
      },
    ],
  }
}

test('every served range is one the codec knows, and ApiVersions advertises exactly the handlers', async () => {
  const handlers = allHandlers(() => [])
  for (const h of handlers) {
    const api = apiByKey.get(h.apiKey)
    assert.ok(api !== undefined)
    assert.ok(
      h.minVersion >= api.request.validVersions[0] && h.maxVersion <= api.request.validVersions[1],
      h.name,
    )
  }
  for (const v of [0, 1, 2, 3]) {
    const res = await client.send(API.apiVersions, v, {})
    assert.equal(res.errorCode, 0)
    assert.deepEqual(
      res.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
      handlers.map((h) => [h.apiKey, h.minVersion, h.maxVersion]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)),
    )
  }
  const byKey = new Map(handlers.map((h) => [h.apiKey, h]))
  assert.equal(byKey.get(1)?.maxVersion, 12, 'Fetch stops before topic ids')
  assert.equal(byKey.get(3)?.maxVersion, 9, 'Metadata stops before topic ids')
  assert.equal(byKey.get(22)?.minVersion, 0, 'librdkafka gates idempotence on InitProducerId v0')
})

test('Metadata answers at every version and auto-creates when asked', async () => {
  for (let v = 0; v <= 9; v++) {
    const res = await client.send(API.metadata, v, {
      topics: [{ name: `auto-${v}` }],
      allowAutoTopicCreation: true,
    })
    assert.equal(res.topics[0]?.errorCode, 0, `v${v}`)
    assert.equal(res.brokers[0]?.host, '127.0.0.1')
  }
  const refused = await client.send(API.metadata, 9, {
    topics: [{ name: 'not-created' }],
    allowAutoTopicCreation: false,
  })
  assert.equal(refused.topics[0]?.errorCode, 3)
})

test('a fetch at the end waits for minBytes until data arrives, or until maxWait', async () => {
  const start = await produce(0, ['seed'])
  const t0 = Date.now()
  const empty = await client.send(API.fetch, 12, fetchReq(0, start + 1n, { minBytes: 1, maxWaitMs: 300 }))
  assert.ok(Date.now() - t0 >= 250, 'waited for maxWait')
  assert.equal(empty.responses[0]?.partitions[0]?.records?.length ?? 0, 0)
  const other = await WireClient.connect(node.kafkaPort)
  const parked = other.send(API.fetch, 11, fetchReq(0, start + 1n, { minBytes: 1, maxWaitMs: 10_000 }))
  await new Promise((r) => setTimeout(r, 100))
  const t1 = Date.now()
  await produce(0, ['wake'])
  const woke = await parked
  assert.ok(Date.now() - t1 < 5_000, 'answered on append, not at maxWait')
  assert.ok((woke.responses[0]?.partitions[0]?.records?.length ?? 0) > 0)
  other.close()
})

test('fetch sizes: whole batches, at least one batch even above the limits', async () => {
  const base = await produce(1, ['a'.repeat(500), 'b'.repeat(500)])
  await produce(1, ['c'])
  const small = await client.send(
    API.fetch,
    4,
    fetchReq(1, base + 1n, { partitionMaxBytes: 10, maxBytes: 10 }),
  )
  const p = small.responses[0]?.partitions[0]
  const records = p?.records ?? new Uint8Array(0)
  const first = new DataView(records.buffer, records.byteOffset, records.byteLength)
  assert.equal(first.getBigInt64(0), base, 'starts at the batch holding the offset')
  assert.equal(records.length, 12 + first.getInt32(8), 'exactly one whole batch')
  const out = await client.send(API.fetch, 12, fetchReq(1, 999n))
  assert.equal(out.responses[0]?.partitions[0]?.errorCode, 1, 'OFFSET_OUT_OF_RANGE')
  // Regression (librdkafka 0034_offset_reset): an error partition carries empty records, not null.
  const empty = out.responses[0]?.partitions[0]?.records
  assert.ok(empty !== null && empty !== undefined && empty.byteLength === 0, 'empty records, not null')
})

test('ListOffsets: earliest, latest and by timestamp', async () => {
  await client.send(API.createTopics, 3, {
    topics: [{ name: 'times', numPartitions: 1, replicationFactor: -1 }],
  })
  const put = async (ts: number) =>
    client.send(API.produce, 3, {
      acks: 1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'times',
          partitionData: [{ index: 0, records: buildBatch({ values: ['x'], timestamp: ts }) }],
        },
      ],
    })
  await put(1000)
  await put(2000)
  await put(3000)
  const ask = async (v: number, timestamp: bigint) =>
    (
      await client.send(API.listOffsets, v, {
        replicaId: -1,
        topics: [{ name: 'times', partitions: [{ partitionIndex: 0, timestamp }] }],
      })
    ).topics[0]?.partitions[0]
  assert.equal((await ask(5, -2n))?.offset, 0n)
  assert.equal((await ask(5, -1n))?.offset, 3n)
  assert.equal((await ask(1, 1500n))?.offset, 1n)
  assert.equal((await ask(2, 9999n))?.offset, -1n)
  assert.deepEqual((await ask(0, -1n))?.oldStyleOffsets, [3n])
  // Inside one batch, the exact record: records at 4000, 4010, 4020.
  await client.send(API.produce, 7, {
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: 'times',
        partitionData: [
          {
            index: 0,
            records: buildBatch({ values: ['a', 'b', 'c'], timestamp: 4000, timestampDeltas: [0, 10, 20] }),
          },
        ],
      },
    ],
  })
  const exact = await ask(5, 4005n)
  assert.deepEqual([exact?.offset, exact?.timestamp], [4n, 4010n])
})

test('CreateTopics validate-only runs the same checks and creates nothing', async () => {
  const res = await client.send(API.createTopics, 4, {
    topics: [
      {
        name: 'v-ok',
        numPartitions: 2,
        replicationFactor: 1,
        configs: [{ name: 'compression.type', value: 'lz4' }],
      },
      {
        name: 'v-bad',
        numPartitions: 2,
        replicationFactor: 1,
        configs: [{ name: 'dummy.doesntexist', value: 'x' }],
      },
      { name: 'v-parts', numPartitions: 0, replicationFactor: 1 },
    ],
    validateOnly: true,
  })
  assert.deepEqual(
    res.topics.map((t) => [t.name, t.errorCode]),
    [
      ['v-ok', 0],
      ['v-bad', 40],
      ['v-parts', 37],
    ],
  )
  const meta = await client.send(API.metadata, 9, {
    topics: [{ name: 'v-ok' }],
    allowAutoTopicCreation: false,
  })
  assert.equal(meta.topics[0]?.errorCode, 3, 'nothing was created')
})

test('configs, partitions and DeleteRecords', async () => {
  const alter = await client.send(API.incAlter, 1, {
    resources: [
      {
        resourceType: 2,
        resourceName: 't',
        configs: [{ name: 'retention.ms', configOperation: 0, value: '1234' }],
      },
    ],
  })
  assert.equal(alter.responses[0]?.errorCode, 0)
  const bad = await client.send(API.incAlter, 0, {
    resources: [
      {
        resourceType: 2,
        resourceName: 't',
        configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact,shred' }],
      },
    ],
  })
  assert.equal(bad.responses[0]?.errorCode, 40, 'INVALID_CONFIG')
  for (const [value, stored] of [
    ['compact', 'compact'],
    ['delete, compact', 'compact,delete'],
    ['delete', 'delete'],
  ] as const) {
    const ok = await client.send(API.incAlter, 0, {
      resources: [
        {
          resourceType: 2,
          resourceName: 't',
          configs: [{ name: 'cleanup.policy', configOperation: 0, value }],
        },
      ],
    })
    assert.equal(ok.responses[0]?.errorCode, 0, `cleanup.policy=${value}`)
    const d = await client.send(API.describeConfigs, 4, {
      resources: [{ resourceType: 2, resourceName: 't', configurationKeys: ['cleanup.policy'] }],
    })
    assert.equal(d.results[0]?.configs[0]?.value, stored)
  }
  const passive = await client.send(API.incAlter, 1, {
    resources: [
      {
        resourceType: 2,
        resourceName: 't',
        configs: [{ name: 'compression.type', configOperation: 0, value: 'lz4' }],
      },
    ],
  })
  assert.equal(passive.responses[0]?.errorCode, 0, 'other Kafka settings are accepted')
  const described = await client.send(API.describeConfigs, 4, {
    resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
  })
  const configs = new Map(described.results[0]?.configs.map((c) => [c.name, c.value]))
  assert.equal(configs.get('retention.ms'), '1234')
  assert.equal(configs.get('cleanup.policy'), 'delete')
  assert.equal(configs.get('compression.type'), 'lz4')
  const grown = await client.send(API.createPartitions, 0, {
    topics: [{ name: 't', count: 3, assignments: null }],
    timeoutMs: 1000,
  })
  assert.equal(grown.results[0]?.errorCode, 0)
  const shrink = await client.send(API.createPartitions, 3, {
    topics: [{ name: 't', count: 2, assignments: null }],
    timeoutMs: 1000,
  })
  assert.equal(shrink.results[0]?.errorCode, 37, 'INVALID_PARTITIONS')
  const b = await produce(2, ['p', 'q', 'r'])
  const del = await client.send(API.deleteRecords, 2, {
    topics: [{ name: 't', partitions: [{ partitionIndex: 2, offset: b + 2n }] }],
    timeoutMs: 1000,
  })
  assert.equal(del.topics[0]?.partitions[0]?.lowWatermark, b + 2n)
  const below = await client.send(API.fetch, 12, fetchReq(2, b))
  assert.equal(below.responses[0]?.partitions[0]?.errorCode, 1, 'deleted offsets are out of range')
})
