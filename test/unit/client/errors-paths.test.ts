/** Error paths against a scripted broker: each retriable error is retried, then surfaces typed. */
import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { Client, PetrelError } from '../../../src/client/index.js'
import { encodeAssignment } from '../../../src/client/assignors.js'
import { ErrorCode } from '../../../src/protocol/kafka/generated/errors.js'
import { ApiKey } from '../../../src/protocol/kafka/generated/index.js'
import type { ProduceRequest } from '../../../src/protocol/kafka/generated/produce.js'
import { FakeBroker } from '../../helpers/fake-broker.js'

let broker: FakeBroker | null = null
let client: Client | null = null
afterEach(async () => {
  await client?.close()
  await broker?.stop()
  client = null
  broker = null
})

async function setup(handler: (b: FakeBroker, api: number, body: unknown) => unknown, retries = 3) {
  const b = await FakeBroker.start()
  b.handler = (r) => handler(b, r.apiKey, r.body)
  broker = b
  client = new Client({ bootstrap: [b.bootstrap], retries, retryBackoffMs: 5, requestTimeoutMs: 500 })
  return { b, c: client }
}

function produceOk(body: unknown, baseOffset: bigint) {
  const req = body as ProduceRequest
  return {
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: 0, baseOffset })),
    })),
  }
}

describe('producer error paths', () => {
  test('NOT_LEADER: metadata is refreshed and the batch is retried', async () => {
    let produces = 0
    const { b, c } = await setup((b, api, body) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 1 })
      if (api === ApiKey.InitProducerId) return { producerId: 7n, producerEpoch: 0 }
      if (api === ApiKey.Produce) {
        produces++
        if (produces === 1) {
          const req = body as ProduceRequest
          return {
            responses: [
              {
                name: 't',
                partitionResponses: [
                  {
                    index: req.topicData[0]?.partitionData[0]?.index,
                    errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
                  },
                ],
              },
            ],
          }
        }
        return produceOk(body, 40n)
      }
      return undefined
    })
    const p = c.producer({ lingerMs: 20 })
    const res = await p.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] })
    assert.deepEqual(
      res.map((r) => r.offset),
      [40, 41],
    )
    assert.equal(produces, 2)
    assert.ok(b.count(ApiKey.Metadata) >= 2, 'metadata asked again after NOT_LEADER')
    // The retry carried the same producer id and sequence (idempotent resend).
    const sent = b.requests
      .filter((r) => r.apiKey === ApiKey.Produce)
      .map((r) => (r.body as ProduceRequest).topicData[0]?.partitionData[0]?.records)
    assert.deepEqual(sent[0], sent[1])
  })

  test('NOT_LEADER on every attempt: rejects with code NOT_LEADER after the retries', async () => {
    const { b, c } = await setup((b, api) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 1 })
      if (api === ApiKey.InitProducerId) return { producerId: 7n, producerEpoch: 0 }
      if (api === ApiKey.Produce)
        return {
          responses: [
            { name: 't', partitionResponses: [{ index: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }] },
          ],
        }
      return undefined
    }, 2)
    const p = c.producer({ lingerMs: 0 })
    await assert.rejects(p.send({ topic: 't', messages: [{ value: 'a' }] }), (e: unknown) => {
      assert.ok(e instanceof PetrelError)
      assert.equal(e.code, 'NOT_LEADER')
      assert.equal(e.retriable, true)
      return true
    })
    assert.equal(b.count(ApiKey.Produce), 3, 'first try and two retries')
  })

  test('unknown topic: UNKNOWN_TOPIC_OR_PARTITION after the retries', async () => {
    const { b, c } = await setup((b, api) => {
      if (api === ApiKey.Metadata)
        return b.metadata({ nope: { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION } })
      return undefined
    }, 2)
    await assert.rejects(c.producer().send({ topic: 'nope', messages: [{ value: 'a' }] }), {
      code: 'UNKNOWN_TOPIC_OR_PARTITION',
    })
    assert.equal(b.count(ApiKey.Metadata), 3)
  })

  test('a lost answer times out (TIMEOUT), the connection is reopened and the retry succeeds', async () => {
    let produces = 0
    const { c } = await setup((b, api, body) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 1 })
      if (api === ApiKey.InitProducerId) return { producerId: 7n, producerEpoch: 0 }
      if (api === ApiKey.Produce) return ++produces === 1 ? 'drop' : produceOk(body, 0n)
      return undefined
    })
    const p = c.producer({ lingerMs: 0, ackTimeoutMs: 1 })
    assert.deepEqual(
      (await p.send({ topic: 't', messages: [{ value: 'a' }] })).map((r) => r.offset),
      [0],
    )
    assert.equal(produces, 2)
  })

  test('a non-retriable error fails at once', async () => {
    const { b, c } = await setup((b, api) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 1 })
      if (api === ApiKey.InitProducerId) return { producerId: 7n, producerEpoch: 0 }
      if (api === ApiKey.Produce)
        return {
          responses: [
            { name: 't', partitionResponses: [{ index: 0, errorCode: ErrorCode.MESSAGE_TOO_LARGE }] },
          ],
        }
      return undefined
    })
    await assert.rejects(c.producer({ lingerMs: 0 }).send({ topic: 't', messages: [{ value: 'a' }] }), {
      code: 'MESSAGE_TOO_LARGE',
      retriable: false,
    })
    assert.equal(b.count(ApiKey.Produce), 1)
  })
})

describe('group error paths', () => {
  test('COORDINATOR_NOT_AVAILABLE, MEMBER_ID_REQUIRED and REBALANCE_IN_PROGRESS are retried through to an assignment', async () => {
    let finds = 0
    let joins = 0
    let syncs = 0
    const { b, c } = await setup((b, api, body) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 2 })
      if (api === ApiKey.FindCoordinator) {
        return ++finds === 1
          ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 }
          : { nodeId: 0, host: '127.0.0.1', port: b.port }
      }
      if (api === ApiKey.JoinGroup) {
        joins++
        const memberId = (body as { memberId: string }).memberId
        if (memberId === '')
          return { errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: 'm-1', generationId: -1 }
        return {
          generationId: joins,
          protocolName: 'range',
          leader: 'm-1',
          memberId: 'm-1',
          members: [
            {
              memberId: 'm-1',
              metadata: (body as { protocols: { metadata: Uint8Array }[] }).protocols[0]?.metadata,
            },
          ],
        }
      }
      if (api === ApiKey.SyncGroup) {
        if (++syncs === 1) return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS }
        const sent = (body as { assignments: { memberId: string; assignment: Uint8Array }[] }).assignments
        assert.equal(sent.length, 1, 'the leader sends the plan')
        return { assignment: encodeAssignment(new Map([['t', [0, 1]]])) }
      }
      if (api === ApiKey.OffsetFetch)
        return {
          topics: [
            {
              name: 't',
              partitions: [
                { partitionIndex: 0, committedOffset: 5n },
                { partitionIndex: 1, committedOffset: -1n },
              ],
            },
          ],
        }
      if (api === ApiKey.Heartbeat) return {}
      if (api === ApiKey.LeaveGroup) return {}
      if (api === ApiKey.OffsetCommit) return { topics: [] }
      return undefined
    })
    const consumer = c.consumer({ groupId: 'g', autoCommit: false })
    await consumer.subscribe(['t'])
    assert.deepEqual(consumer.assignment(), [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ])
    assert.equal(finds, 2)
    assert.equal(joins, 3, 'MEMBER_ID_REQUIRED, then joined, then rejoined after REBALANCE_IN_PROGRESS')
    assert.equal(await consumer.group?.committedOffset('t', 0), 5)
    await consumer.close()
    assert.equal(b.count(ApiKey.LeaveGroup), 1, 'close leaves the group')
  })

  test('heartbeat REBALANCE_IN_PROGRESS makes the member rejoin', async () => {
    let joins = 0
    let heartbeats = 0
    const { c } = await setup((b, api, body) => {
      if (api === ApiKey.Metadata) return b.metadata({ t: 1 })
      if (api === ApiKey.FindCoordinator) return { nodeId: 0, host: '127.0.0.1', port: b.port }
      if (api === ApiKey.JoinGroup) {
        joins++
        return {
          generationId: joins,
          protocolName: 'range',
          leader: 'm',
          memberId: 'm',
          members: [
            {
              memberId: 'm',
              metadata: (body as { protocols: { metadata: Uint8Array }[] }).protocols[0]?.metadata,
            },
          ],
        }
      }
      if (api === ApiKey.SyncGroup) return { assignment: encodeAssignment(new Map([['t', [0]]])) }
      if (api === ApiKey.OffsetFetch) return { topics: [] }
      if (api === ApiKey.Heartbeat)
        return ++heartbeats === 1 ? { errorCode: ErrorCode.REBALANCE_IN_PROGRESS } : {}
      if (api === ApiKey.LeaveGroup) return {}
      return undefined
    })
    const consumer = c.consumer({
      groupId: 'g',
      autoCommit: false,
      heartbeatIntervalMs: 20,
      sessionTimeoutMs: 6000,
    })
    await consumer.subscribe(['t'])
    for (let i = 0; i < 100 && joins < 2; i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(joins, 2)
    await consumer.close()
  })
})

describe('admin error paths', () => {
  test('createTopics surfaces TOPIC_ALREADY_EXISTS as a typed, non-retriable error', async () => {
    const { c } = await setup((_b, api) => {
      if (api === ApiKey.CreateTopics)
        return { topics: [{ name: 'x', errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: 'exists' }] }
      return undefined
    })
    await assert.rejects(c.admin().createTopics([{ name: 'x' }]), {
      code: 'TOPIC_ALREADY_EXISTS',
      retriable: false,
    })
  })

  test('an unreachable bootstrap gives CONNECTION after the retries', async () => {
    const b = await FakeBroker.start()
    const port = b.port
    await b.stop()
    client = new Client({ bootstrap: [`127.0.0.1:${port}`], retries: 1, retryBackoffMs: 5 })
    await assert.rejects(client.admin().listTopics(), { code: 'CONNECTION' })
  })
})
