/**
 * The ACL APIs, dynamic broker configs and ListOffsets by time over compressed batches, at the
 * protocol level against an in-process node on a real socket, with exact request versions; the
 * ACLs and broker configs are checked again after the node restarts on the same data folder.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type RunningNode, startNode } from '../../../src/index.js'
import { silentLogger } from '../../../src/io/log.js'
import {
  AclOperation as Op,
  AclPermission as Perm,
  PatternType as Pat,
  ResourceType as Res,
} from '../../../src/kafka/acls.js'
import * as ac from '../../../src/protocol/kafka/generated/alter-configs.js'
import * as ca from '../../../src/protocol/kafka/generated/create-acls.js'
import * as ct from '../../../src/protocol/kafka/generated/create-topics.js'
import * as da from '../../../src/protocol/kafka/generated/delete-acls.js'
import * as dsa from '../../../src/protocol/kafka/generated/describe-acls.js'
import * as dc from '../../../src/protocol/kafka/generated/describe-configs.js'
import * as dr from '../../../src/protocol/kafka/generated/delete-records.js'
import { ErrorCode } from '../../../src/protocol/kafka/generated/errors.js'
import * as iac from '../../../src/protocol/kafka/generated/incremental-alter-configs.js'
import * as lo from '../../../src/protocol/kafka/generated/list-offsets.js'
import * as pr from '../../../src/protocol/kafka/generated/produce.js'
import { encodeRecordBatch } from '../../../src/protocol/records/encode.js'
import type { Compression } from '../../../src/protocol/records/types.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'
import { WireClient } from '../../helpers/wire-client.js'

const API = {
  createAcls: { key: 30, encode: ca.encodeCreateAclsRequest, decode: ca.decodeCreateAclsResponse },
  describeAcls: { key: 29, encode: dsa.encodeDescribeAclsRequest, decode: dsa.decodeDescribeAclsResponse },
  deleteAcls: { key: 31, encode: da.encodeDeleteAclsRequest, decode: da.decodeDeleteAclsResponse },
  alterConfigs: { key: 33, encode: ac.encodeAlterConfigsRequest, decode: ac.decodeAlterConfigsResponse },
  incAlter: {
    key: 44,
    encode: iac.encodeIncrementalAlterConfigsRequest,
    decode: iac.decodeIncrementalAlterConfigsResponse,
  },
  describeConfigs: {
    key: 32,
    encode: dc.encodeDescribeConfigsRequest,
    decode: dc.decodeDescribeConfigsResponse,
  },
  createTopics: { key: 19, encode: ct.encodeCreateTopicsRequest, decode: ct.decodeCreateTopicsResponse },
  produce: { key: 0, encode: pr.encodeProduceRequest, decode: pr.decodeProduceResponse },
  deleteRecords: { key: 21, encode: dr.encodeDeleteRecordsRequest, decode: dr.decodeDeleteRecordsResponse },
  listOffsets: { key: 2, encode: lo.encodeListOffsetsRequest, decode: lo.decodeListOffsetsResponse },
}

let node: RunningNode
let client: WireClient
let dir: string

async function start(): Promise<void> {
  node = await startNode({ dataDir: dir, kafkaPort: 0, logger: silentLogger })
  client = await WireClient.connect(node.kafkaPort)
}

async function restart(): Promise<void> {
  client.close()
  await node.close()
  await start()
}

before(async () => {
  dir = tempDataDir('petrel-admin-wire-')
  await start()
})

after(async () => {
  client.close()
  await node.close()
  removeDir(dir)
})

const creation: ca.AclCreation = {
  resourceType: Res.TOPIC,
  resourceName: 'orders',
  resourcePatternType: Pat.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: Perm.ALLOW,
}

const matchAll: dsa.DescribeAclsRequest = {
  resourceTypeFilter: Res.ANY,
  resourceNameFilter: null,
  patternTypeFilter: Pat.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: Op.ANY,
  permissionType: Perm.ANY,
}

async function describe(version: number, filter: Partial<dsa.DescribeAclsRequest> = {}) {
  return client.send(API.describeAcls, version, { ...matchAll, ...filter })
}

test('CreateAcls answers each creation on its own; DescribeAcls groups matches by resource', async () => {
  const created = await client.send(API.createAcls, 3, {
    creations: [
      creation,
      { ...creation, resourceName: 'ord', resourcePatternType: Pat.PREFIXED },
      { ...creation, operation: Op.WRITE, principal: 'User:bob' },
      { ...creation, resourceType: Res.ANY },
      { ...creation, resourcePatternType: Pat.MATCH },
      { ...creation, operation: Op.UNKNOWN },
      { ...creation, principal: 'alice' },
      creation,
    ],
  })
  assert.deepEqual(
    created.results.map((r) => r.errorCode),
    [
      0,
      0,
      0,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      0,
    ],
  )
  assert.match(created.results[3]?.errorMessage ?? '', /resource type/)

  const all = await describe(1)
  assert.equal(all.errorCode, 0)
  assert.deepEqual(
    all.resources.map((r) => [r.resourceName, r.patternType, r.acls.length]),
    [
      ['orders', Pat.LITERAL, 2],
      ['ord', Pat.PREFIXED, 1],
    ],
    'the repeated creation stored nothing new',
  )
  // MATCH finds the prefixed binding for a topic it covers; an exact LITERAL filter does not.
  const match = await describe(1, {
    resourceTypeFilter: Res.TOPIC,
    resourceNameFilter: 'orders-eu',
    patternTypeFilter: Pat.MATCH,
  })
  assert.deepEqual(
    match.resources.map((r) => r.resourceName),
    ['ord'],
  )
  const literal = await describe(1, {
    resourceNameFilter: 'orders',
    patternTypeFilter: Pat.LITERAL,
    operation: Op.WRITE,
  })
  assert.deepEqual(
    literal.resources[0]?.acls.map((a) => a.principal),
    ['User:bob'],
  )
  // v0 has no pattern type: its filter is LITERAL, so the prefixed binding is not listed.
  const v0 = await describe(0, { patternTypeFilter: Pat.LITERAL })
  assert.deepEqual(
    v0.resources.map((r) => r.resourceName),
    ['orders'],
  )
  const bad = await describe(1, { operation: Op.UNKNOWN })
  assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST)
})

test('ACLs survive a restart, and DeleteAcls removes what each filter matches, durably', async () => {
  await restart()
  assert.equal((await describe(2)).resources.length, 2)
  const deleted = await client.send(API.deleteAcls, 1, {
    filters: [
      { ...matchAll, principalFilter: 'User:bob' },
      { ...matchAll, patternTypeFilter: Pat.PREFIXED },
      { ...matchAll, permissionType: Perm.UNKNOWN },
      { ...matchAll, principalFilter: 'User:nobody' },
    ],
  })
  assert.deepEqual(
    deleted.filterResults.map((f) => [
      f.errorCode,
      f.matchingAcls.map((a) => `${a.principal}@${a.resourceName}`),
    ]),
    [
      [0, ['User:bob@orders']],
      [0, ['User:alice@ord']],
      [ErrorCode.INVALID_REQUEST, []],
      [0, []],
    ],
  )
  await restart()
  const left = await describe(3)
  assert.deepEqual(
    left.resources.map((r) => [r.resourceName, r.acls.map((a) => a.principal)]),
    [['orders', ['User:alice']]],
  )
})

test('broker configs: AlterConfigs and IncrementalAlterConfigs store them, DescribeConfigs reports them', async () => {
  const alter = await client.send(API.alterConfigs, 1, {
    resources: [
      {
        resourceType: 4,
        resourceName: '0',
        configs: [{ name: 'sasl.kerberos.min.time.before.relogin', value: '58000' }],
      },
      { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.threads', value: '2' }] },
      { resourceType: 4, resourceName: '9', configs: [{ name: 'log.cleaner.threads', value: '2' }] },
      { resourceType: 4, resourceName: '0', configs: [{ name: 'broker.id', value: '3' }] },
    ],
    validateOnly: false,
  })
  assert.deepEqual(
    alter.responses.map((r) => r.errorCode),
    [0, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST],
  )
  await client.send(API.incAlter, 1, {
    resources: [
      {
        resourceType: 4,
        resourceName: '0',
        configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '4' }],
      },
    ],
    validateOnly: false,
  })
  await restart()
  const described = await client.send(API.describeConfigs, 4, {
    resources: [
      { resourceType: 4, resourceName: '0', configurationKeys: null },
      { resourceType: 4, resourceName: '5', configurationKeys: null },
    ],
    includeSynonyms: false,
    includeDocumentation: false,
  })
  const mine = described.results[0]
  assert.equal(mine?.errorCode, 0)
  assert.deepEqual(
    mine?.configs.map((c) => [c.name, c.value, c.configSource]),
    [
      ['log.cleaner.threads', '4', 2],
      ['sasl.kerberos.min.time.before.relogin', '58000', 2],
    ],
    "this node's own value overrides the cluster default",
  )
  assert.equal(described.results[1]?.errorCode, ErrorCode.INVALID_REQUEST)
})

test('ListOffsets by time finds the exact record inside batches of every codec', async () => {
  const created = await client.send(API.createTopics, 7, {
    topics: [{ name: 'zipped', numPartitions: 1, replicationFactor: 1 }],
  })
  assert.equal(created.topics[0]?.errorCode, 0)
  const codecs: Compression[] = ['gzip', 'snappy', 'lz4', 'zstd', 'none']
  for (const [i, compression] of codecs.entries()) {
    const t0 = 10_000 * (i + 1)
    const batch = encodeRecordBatch({
      baseOffset: 0,
      compression,
      records: [0, 10, 20].map((d) => ({ key: null, value: new Uint8Array(50), timestamp: t0 + d })),
    })
    const res = await client.send(API.produce, 8, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'zipped', partitionData: [{ index: 0, records: batch }] }],
    })
    assert.equal(res.responses[0]?.partitionResponses[0]?.errorCode, 0, compression)
  }
  for (const [i, compression] of codecs.entries()) {
    const t0 = 10_000 * (i + 1)
    const answer = await client.send(API.listOffsets, 5, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'zipped', partitions: [{ partitionIndex: 0, timestamp: BigInt(t0 + 15) }] }],
    })
    const p = answer.topics[0]?.partitions[0]
    assert.deepEqual([p?.offset, p?.timestamp], [BigInt(3 * i + 2), BigInt(t0 + 20)], compression)
  }
})

test('ListOffsets by time skips records below a log start that sits inside a batch', async () => {
  await client.send(API.createTopics, 7, {
    topics: [{ name: 'starts', numPartitions: 1, replicationFactor: 1 }],
  })
  const put = async (baseTs: number[]) => {
    const records = baseTs.map((timestamp) => ({ key: null, value: new Uint8Array(8), timestamp }))
    const res = await client.send(API.produce, 8, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'starts',
          partitionData: [
            { index: 0, records: encodeRecordBatch({ baseOffset: 0, compression: 'lz4', records }) },
          ],
        },
      ],
    })
    assert.equal(res.responses[0]?.partitionResponses[0]?.errorCode, 0)
  }
  await put([100, 500, 200]) // offsets 0-2
  await put([300, 600]) // offsets 3-4
  const cut = await client.send(API.deleteRecords, 2, {
    topics: [{ name: 'starts', partitions: [{ partitionIndex: 0, offset: 2n }] }],
    timeoutMs: 5000,
  })
  assert.equal(cut.topics[0]?.partitions[0]?.lowWatermark, 2n)
  const ask = async (timestamp: number) => {
    const answer = await client.send(API.listOffsets, 5, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'starts', partitions: [{ partitionIndex: 0, timestamp: BigInt(timestamp) }] }],
    })
    const p = answer.topics[0]?.partitions[0]
    return [p?.offset, p?.timestamp]
  }
  // 500 at offset 1 is gone: the first record from offset 2 on at or after 400 is 600 at offset 4.
  assert.deepEqual(await ask(400), [4n, 600n])
  assert.deepEqual(await ask(150), [2n, 200n])
  assert.deepEqual(await ask(700), [-1n, -1n])
})
