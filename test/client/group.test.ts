import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, type ConsumerMessage } from '../../src/client/index.js'
import type { Consumer } from '../../src/client/consumer.js'
import { startTestNode, type TestNode } from '../helpers/client-node.js'

let n: TestNode
let client: Client

before(async () => {
  n = await startTestNode()
  client = new Client({ bootstrap: [n.bootstrap], retries: 5, retryBackoffMs: 20 })
})
after(async () => {
  await client.close()
  await n.stop()
})

/** Pulls from a consumer into `into` until stopped. */
function drain(c: Consumer, into: ConsumerMessage[]): Promise<void> {
  return (async () => {
    for await (const m of c) into.push(m)
  })()
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('consumer groups against a node', { timeout: 90_000 }, () => {
  for (const assignor of ['range', 'roundrobin'] as const) {
    test(`two members (${assignor}) split 4 partitions; all 400 messages consumed once; close leaves and commits`, async () => {
      const topic = `g-${assignor}`
      await client.admin().createTopics([{ name: topic, partitions: 4 }])
      const producer = client.producer()
      await producer.send({
        topic,
        messages: Array.from({ length: 400 }, (_, i) => ({ key: `k${i}`, value: `${i}` })),
      })
      const opts = {
        groupId: `grp-${assignor}`,
        autoOffsetReset: 'earliest' as const,
        assignors: [assignor],
        maxWaitMs: 50,
        sessionTimeoutMs: 6000,
        heartbeatIntervalMs: 200,
        autoCommitIntervalMs: 100,
      }
      const a = client.consumer(opts)
      const b = client.consumer(opts)
      const got: ConsumerMessage[] = []
      await Promise.all([a.subscribe([topic]), b.subscribe([topic])])
      const runs = [drain(a, got), drain(b, got)]
      await until(() => a.assignment().length + b.assignment().length === 4 && a.assignment().length === 2)
      await until(() => new Set(got.map((m) => m.value?.toString())).size === 400)
      assert.equal(got.length, 400, 'each message once while no one fails')
      await a.close()
      await b.close()
      await Promise.all(runs)
      const committed = await client.admin().fetchOffsets(opts.groupId, topic)
      const total = committed.reduce((s, o) => s + o.offset, 0)
      assert.equal(total, 400, 'auto-commit on close stored every consumed offset')
    })
  }

  test('a new member gets partitions after a rebalance and resumes from committed offsets', async () => {
    const topic = 'g-resume'
    await client.admin().createTopics([{ name: topic, partitions: 2 }])
    const producer = client.producer()
    await producer.send({
      topic,
      messages: Array.from({ length: 100 }, (_, i) => ({ value: `${i}`, partition: i % 2 })),
    })
    const opts = {
      groupId: 'grp-resume',
      autoOffsetReset: 'earliest' as const,
      autoCommit: false,
      maxWaitMs: 50,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 100,
    }
    const first = client.consumer(opts)
    await first.subscribe([topic])
    const got: ConsumerMessage[] = []
    for await (const m of first) {
      got.push(m)
      if (got.length === 60) break
    }
    await first.commit()
    await first.close()
    const second = client.consumer(opts)
    await second.subscribe([topic])
    const rest: ConsumerMessage[] = []
    for await (const m of second) {
      rest.push(m)
      if (got.length + rest.length === 100) break
    }
    const all = new Set([...got, ...rest].map((m) => m.value?.toString()))
    assert.equal(all.size, 100, 'nothing skipped, nothing repeated after a commit')
    await second.close()
  })

  test('close called twice at once leaves once; a static member keeps its place when it closes', async () => {
    const topic = 'g-close'
    await client.admin().createTopics([{ name: topic, partitions: 2 }])
    const base = { autoOffsetReset: 'earliest' as const, maxWaitMs: 50, sessionTimeoutMs: 6000 }
    const dynamic = client.consumer({ ...base, groupId: 'grp-close-dynamic' })
    await dynamic.subscribe([topic])
    await until(() => dynamic.assignment().length === 2)
    await Promise.all([dynamic.close(), dynamic.close()])
    const [left] = await client.admin().describeGroups(['grp-close-dynamic'])
    assert.equal(left?.state, 'Empty', 'a dynamic member leaves the group on close')
    assert.equal(left?.members.length, 0)

    const fixed = client.consumer({ ...base, groupId: 'grp-close-static', groupInstanceId: 'host-1' })
    await fixed.subscribe([topic])
    await until(() => fixed.assignment().length === 2)
    await fixed.close()
    const [kept] = await client.admin().describeGroups(['grp-close-static'])
    assert.equal(kept?.state, 'Stable', 'a static member does not leave on close (KIP-345)')
    assert.deepEqual(
      kept?.members.map((m) => [m.groupInstanceId, m.clientHost, m.assignment.length]),
      [['host-1', '/127.0.0.1', 2]],
    )
    // Back within the session timeout under the same instance id: the same partitions, no rebalance.
    const again = client.consumer({ ...base, groupId: 'grp-close-static', groupInstanceId: 'host-1' })
    await again.subscribe([topic])
    await until(() => again.assignment().length === 2)
    await again.close()
  })

  test('pause, resume and seek', async () => {
    const topic = 'g-seek'
    await client.admin().createTopics([{ name: topic, partitions: 1 }])
    const producer = client.producer()
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}` })) })
    const c = client.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 20 })
    c.assign([{ topic, partition: 0 }])
    const it = c[Symbol.asyncIterator]()
    assert.equal((await it.next()).value?.offset, 0)
    c.seek({ topic, partition: 0, offset: 7 })
    assert.equal((await it.next()).value?.offset, 7)
    c.pause([{ topic, partition: 0 }])
    const late = it.next()
    const raced = await Promise.race([
      late.then(() => 'message'),
      new Promise((r) => setTimeout(() => r('paused'), 200)),
    ])
    // Messages already fetched may still come out; after seek(7) at most the rest of that fetch.
    if (raced === 'message') assert.equal((await late).value?.offset, 8)
    c.resume([{ topic, partition: 0 }])
    if (raced === 'paused') assert.equal((await late).value?.offset, 8)
    assert.throws(() => c.seek({ topic: 'other', partition: 0, offset: 1 }), { code: 'INVALID_ARGUMENT' })
    await c.close()
  })
})

describe('a mixed group: a Petrel consumer beside a kafkajs consumer', { timeout: 90_000 }, () => {
  test('they split 4 partitions 2 / 2 (RoundRobinAssigner) and consume 400 messages once between them', async () => {
    const kafkajs = (await import('kafkajs')).default
    const topic = 'g-mixed'
    await client.admin().createTopics([{ name: topic, partitions: 4 }])
    const seen: string[] = []
    const ours = client.consumer({
      groupId: 'grp-mixed',
      autoOffsetReset: 'earliest',
      assignors: ['RoundRobinAssigner'],
      maxWaitMs: 50,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 200,
    })
    const kafka = new kafkajs.Kafka({
      brokers: [n.bootstrap],
      clientId: 'mixed',
      logLevel: kafkajs.logLevel.NOTHING,
    })
    const theirs = kafka.consumer({
      groupId: 'grp-mixed',
      sessionTimeout: 10_000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 50,
    })
    const theirPartitions = new Set<number>()
    const ourMessages: ConsumerMessage[] = []
    let pump: Promise<void> = Promise.resolve()
    try {
      await theirs.connect()
      await theirs.subscribe({ topic, fromBeginning: true })
      await theirs.run({
        eachMessage: async ({ partition, message }) => {
          theirPartitions.add(partition)
          seen.push(message.value?.toString() ?? '')
        },
      })
      await ours.subscribe([topic])
      pump = (async () => {
        for await (const m of ours) {
          ourMessages.push(m)
          seen.push(m.value?.toString() ?? '')
        }
      })()
      // Produce only once both are members, so that both have work.
      await until(() => ours.assignment().length === 2, 15_000)
      await client
        .producer()
        .send({ topic, messages: Array.from({ length: 400 }, (_, i) => ({ key: `k${i}`, value: `${i}` })) })
      await until(() => new Set(seen).size === 400, 30_000)
      assert.equal(seen.length, 400, 'each message once')
      const ourPartitions = new Set(ourMessages.map((m) => m.partition))
      assert.equal(ourPartitions.size, 2, 'ours read its two partitions')
      assert.equal(theirPartitions.size, 2, 'kafkajs read the other two')
      for (const p of ourPartitions)
        assert.ok(!theirPartitions.has(p), `partition ${p} read by one member only`)
    } finally {
      await ours.close()
      await theirs.disconnect()
      await pump
    }
  })
})
