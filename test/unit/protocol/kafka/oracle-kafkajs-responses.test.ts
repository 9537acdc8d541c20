/**
 * The other direction, for the broker's sake: responses our codec encodes are read by kafkajs
 * 2.2.4's own response decoders (src/protocol/requests/<api>/v<N>/response.js) at every version
 * kafkajs implements. Each response carries distinctive values (no two fields share one); every
 * value our own decoder sees at that version must turn up in what kafkajs decoded, and kafkajs
 * must not fail. Fetch carries a record batch kafkajs itself produced; its messages must come back.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { decodeMessage, encodeMessage } from '../../../../src/protocol/kafka/codec.js'
import { apiByKey } from '../../../../src/protocol/kafka/generated/index.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'
import { allLeaves, distinctiveLeaves, fit } from './oracle-helpers.js'

const require = createRequire(import.meta.url)

interface KjsProtocol {
  request: { encode: () => Promise<{ buffer: Buffer }> }
  response: { decode: (b: Buffer) => Promise<unknown> }
}
type KjsApi = { protocol: (o: { version: number }) => (args: object) => KjsProtocol }

interface Case {
  readonly api: string
  readonly apiKey: number
  readonly versions: readonly number[]
  /** Arguments for kafkajs's request factory (only its response decoder is used). */
  readonly args: object
  readonly response: object
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i)

async function kafkajsBatch(): Promise<Uint8Array> {
  const produce = require('kafkajs/src/protocol/requests/produce/index.js') as KjsApi
  const { request } = produce.protocol({ version: 3 })({
    acks: -1,
    timeout: 1000,
    topicData: [
      {
        topic: 't',
        partitions: [
          { partition: 0, messages: [{ key: 'key-one', value: 'value-one', timestamp: 1_700_000_000_000 }] },
        ],
      },
    ],
  })
  const body = new Uint8Array((await request.encode()).buffer)
  const decoded = apiByKey.get(0)?.decodeRequest(new Reader(body), 3) as {
    topicData: { partitionData: { records: Uint8Array }[] }[]
  }
  return decoded.topicData[0]?.partitionData[0]?.records as Uint8Array
}

function cases(batch: Uint8Array): Case[] {
  return [
    {
      api: 'apiVersions',
      apiKey: 18,
      versions: range(0, 2),
      args: {},
      response: {
        errorCode: 0,
        apiKeys: [{ apiKey: 1000, minVersion: 1001, maxVersion: 1002 }],
        throttleTimeMs: 1003,
      },
    },
    {
      api: 'metadata',
      apiKey: 3,
      versions: range(0, 6),
      args: { topics: [] },
      response: {
        throttleTimeMs: 2001,
        brokers: [{ nodeId: 2002, host: 'host-a', port: 2003, rack: 'rack-a' }],
        clusterId: 'cluster-a',
        controllerId: 2004,
        topics: [
          {
            errorCode: 0,
            name: 'topic-a',
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 2005,
                leaderId: 2006,
                leaderEpoch: 2007,
                replicaNodes: [2008],
                isrNodes: [2009],
                offlineReplicas: [2010],
              },
            ],
          },
        ],
      },
    },
    {
      api: 'produce',
      apiKey: 0,
      versions: range(0, 7),
      args: { topicData: [] },
      response: {
        responses: [
          {
            name: 'topic-a',
            partitionResponses: [
              { index: 3001, errorCode: 0, baseOffset: 3002n, logAppendTimeMs: 3003n, logStartOffset: 3004n },
            ],
          },
        ],
        throttleTimeMs: 3005,
      },
    },
    {
      api: 'fetch',
      apiKey: 1,
      versions: range(0, 11),
      args: { topics: [] },
      response: {
        throttleTimeMs: 4001,
        errorCode: 0,
        sessionId: 4002,
        responses: [
          {
            topic: 'topic-a',
            partitions: [
              {
                partitionIndex: 4003,
                errorCode: 0,
                highWatermark: 4004n,
                lastStableOffset: 4005n,
                logStartOffset: 4006n,
                abortedTransactions: [{ producerId: 4007n, firstOffset: 4008n }],
                preferredReadReplica: 4009,
                records: batch,
              },
            ],
          },
        ],
      },
    },
    {
      api: 'listOffsets',
      apiKey: 2,
      versions: range(0, 3),
      args: { topics: [] },
      response: {
        throttleTimeMs: 5001,
        topics: [
          {
            name: 'topic-a',
            partitions: [
              {
                partitionIndex: 5002,
                errorCode: 0,
                oldStyleOffsets: [5003n],
                timestamp: 5004n,
                offset: 5005n,
              },
            ],
          },
        ],
      },
    },
    {
      api: 'findCoordinator',
      apiKey: 10,
      versions: range(0, 2),
      args: { groupId: 'g' },
      response: {
        throttleTimeMs: 6001,
        errorCode: 0,
        errorMessage: 'none-a',
        nodeId: 6002,
        host: 'host-b',
        port: 6003,
      },
    },
    {
      api: 'joinGroup',
      apiKey: 11,
      versions: range(0, 5),
      args: { groupProtocols: [] },
      response: {
        throttleTimeMs: 7001,
        errorCode: 0,
        generationId: 7002,
        protocolName: 'proto-a',
        leader: 'leader-a',
        memberId: 'member-a',
        members: [{ memberId: 'member-b', groupInstanceId: 'instance-b', metadata: Buffer.from('meta-b') }],
      },
    },
    {
      api: 'syncGroup',
      apiKey: 14,
      versions: range(0, 3),
      args: { groupAssignment: [] },
      response: { throttleTimeMs: 8001, errorCode: 0, assignment: Buffer.from([0, 0, 0, 0, 0, 0]) },
    },
    {
      api: 'heartbeat',
      apiKey: 12,
      versions: range(0, 3),
      args: {},
      response: { throttleTimeMs: 9001, errorCode: 0 },
    },
    {
      api: 'leaveGroup',
      apiKey: 13,
      versions: range(0, 3),
      args: {},
      response: {
        throttleTimeMs: 10001,
        errorCode: 0,
        members: [{ memberId: 'member-c', groupInstanceId: 'instance-c', errorCode: 0 }],
      },
    },
    {
      api: 'offsetCommit',
      apiKey: 8,
      versions: range(0, 5),
      args: { topics: [] },
      response: {
        throttleTimeMs: 11001,
        topics: [{ name: 'topic-a', partitions: [{ partitionIndex: 11002, errorCode: 0 }] }],
      },
    },
    {
      api: 'offsetFetch',
      apiKey: 9,
      versions: range(1, 4),
      args: { topics: [] },
      response: {
        throttleTimeMs: 12001,
        topics: [
          {
            name: 'topic-a',
            partitions: [
              { partitionIndex: 12002, committedOffset: 12003n, metadata: 'meta-c', errorCode: 0 },
            ],
          },
        ],
        errorCode: 0,
      },
    },
    {
      api: 'createTopics',
      apiKey: 19,
      versions: range(0, 3),
      args: { topics: [] },
      response: {
        throttleTimeMs: 13001,
        topics: [{ name: 'topic-a', errorCode: 0, errorMessage: 'fine-a' }],
      },
    },
    {
      api: 'deleteTopics',
      apiKey: 20,
      versions: range(0, 1),
      args: { topics: [] },
      response: { throttleTimeMs: 14001, responses: [{ name: 'topic-a', errorCode: 0 }] },
    },
    {
      api: 'initProducerId',
      apiKey: 22,
      versions: range(0, 1),
      args: {},
      response: { throttleTimeMs: 15001, errorCode: 0, producerId: 15002n, producerEpoch: 15003 },
    },
  ]
}

test('responses we encode are read back by kafkajs 2.2.4', async () => {
  const batch = await kafkajsBatch()
  let pairs = 0
  let checked = 0
  for (const c of cases(batch)) {
    const api = apiByKey.get(c.apiKey)
    assert.ok(api !== undefined)
    const mod = require(`kafkajs/src/protocol/requests/${c.api}/index.js`) as KjsApi
    for (const v of c.versions) {
      const where = `${c.api} v${v}`
      const w = new Writer()
      encodeMessage(w, api.response, v, fit(api.response.struct, v, c.response))
      const body = Buffer.from(w.finish())
      const ours = decodeMessage(new Reader(new Uint8Array(body)), api.response, v)
      const theirs = await mod.protocol({ version: v })(c.args).response.decode(body)
      const found = allLeaves(theirs, new Set())
      // Values we put in and our decoder saw at this version (so the field exists in it).
      const given = distinctiveLeaves(c.response, new Set())
      const expected = [...distinctiveLeaves(ours, new Set())].filter((x) => given.has(x))
      const missing = expected.filter((x) => !found.has(x))
      checked += expected.length
      assert.deepEqual(missing, [], `${where}: values kafkajs did not decode`)
      if (c.api === 'fetch' && v >= 4) {
        // kafkajs parsed the batch it wrote itself back out of our Fetch response.
        assert.ok(found.has('value-one') && found.has('key-one'), `${where}: the batch's message came back`)
      }
      pairs++
    }
  }
  console.log(
    `kafkajs response oracle: 15 APIs, ${pairs} (API, version) responses read by kafkajs, ${checked} values found`,
  )
  assert.ok(checked > pairs * 2)
})
