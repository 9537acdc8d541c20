import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client } from '../../src/client/index.js'
import { startTestNode, type TestNode } from '../helpers/client-node.js'

let n: TestNode
let client: Client

before(async () => {
  n = await startTestNode()
  client = new Client({ bootstrap: [n.bootstrap], retries: 3, retryBackoffMs: 20 })
})
after(async () => {
  await client.close()
  await n.stop()
})

async function take(
  consumer: AsyncIterable<import('../../src/client/index.js').ConsumerMessage>,
  count: number,
) {
  const out = []
  for await (const m of consumer) {
    out.push(m)
    if (out.length === count) break
  }
  return out
}

describe('producer and assigned consumer against a node', () => {
  test('send resolves to consecutive offsets; an assigned consumer reads them back in order', async () => {
    await client.admin().createTopics([{ name: 'basic', partitions: 1 }])
    const producer = client.producer({ lingerMs: 2 })
    const sent = await producer.send({
      topic: 'basic',
      messages: [
        { key: 'a', value: 'one', headers: { h: 'x' } },
        { key: null, value: 'two' },
        { value: null },
      ],
    })
    assert.deepEqual(
      sent.map((s) => s.offset),
      [0, 1, 2],
    )
    assert.ok(sent.every((s) => s.topic === 'basic' && s.partition === 0))
    const consumer = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 50 })
    consumer.assign([{ topic: 'basic', partition: 0 }])
    const got = await take(consumer, 3)
    assert.deepEqual(
      got.map((m) => [m.offset, m.key?.toString() ?? null, m.value?.toString() ?? null]),
      [
        [0, 'a', 'one'],
        [1, null, 'two'],
        [2, null, null],
      ],
    )
    assert.equal(got[0]?.headers[0]?.key, 'h')
    assert.equal(got[0]?.headers[0]?.value?.toString(), 'x')
    await consumer.close()
    await producer.close()
  })

  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    test(`compression ${compression} round-trips`, async () => {
      const topic = `comp-${compression}`
      await client.admin().createTopics([{ name: topic, partitions: 1 }])
      const producer = client.producer({ compression, lingerMs: 5 })
      const messages = Array.from({ length: 200 }, (_, i) => ({
        key: `k${i}`,
        value: `value ${i} `.repeat(10),
      }))
      const sent = await producer.send({ topic, messages })
      assert.deepEqual(
        sent.map((s) => s.offset),
        messages.map((_, i) => i),
      )
      const consumer = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 50 })
      consumer.assign([{ topic, partition: 0 }])
      const got = await take(consumer, 200)
      assert.deepEqual(
        got.map((m) => m.value?.toString()),
        messages.map((m) => m.value),
      )
      await consumer.close()
      await producer.close()
    })
  }

  test('acks 1 and acks 0 without idempotence', async () => {
    await client.admin().createTopics([{ name: 'acks', partitions: 1 }])
    const p1 = client.producer({ acks: 1 })
    assert.deepEqual(
      (await p1.send({ topic: 'acks', messages: [{ value: 'x' }] })).map((s) => s.offset),
      [0],
    )
    const p0 = client.producer({ acks: 0 })
    assert.deepEqual(
      (await p0.send({ topic: 'acks', messages: [{ value: 'y' }] })).map((s) => s.offset),
      [-1],
    )
    await p0.flush()
    // acks 0 has no answer: poll the high watermark until the record is there.
    for (let i = 0; i < 100; i++) {
      const [hw] = await client.admin().listOffsets('acks', 'latest')
      if (hw?.offset === 2) break
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.deepEqual(await client.admin().listOffsets('acks', 'latest'), [{ partition: 0, offset: 2 }])
  })
})
