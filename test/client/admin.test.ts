import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, PetrelError } from '../../src/client/index.js'
import { startTestNode, type TestNode } from '../helpers/client-node.js'

let n: TestNode
let client: Client

before(async () => {
  n = await startTestNode()
  client = new Client({ bootstrap: [n.bootstrap], retries: 2, retryBackoffMs: 10 })
})
after(async () => {
  await client.close()
  await n.stop()
})

describe('admin against a node', () => {
  test('create, list, describe, add partitions, delete topics', async () => {
    const admin = client.admin()
    await admin.createTopics([
      { name: 'a1', partitions: 3, configs: { 'retention.ms': '60000' } },
      { name: 'a2', partitions: 1 },
    ])
    assert.deepEqual(
      (await admin.listTopics()).filter((t) => t.startsWith('a')),
      ['a1', 'a2'],
    )
    const [d] = await admin.describeTopics(['a1'])
    assert.equal(d?.partitions.length, 3)
    assert.ok(d?.partitions.every((p) => p.leader === 0))
    await admin.createPartitions('a1', 5)
    assert.equal((await admin.describeTopics(['a1']))[0]?.partitions.length, 5)
    await admin.deleteTopics(['a2'])
    assert.ok(!(await admin.listTopics()).includes('a2'))
    await assert.rejects(admin.describeTopics(['a2']), { code: 'UNKNOWN_TOPIC_OR_PARTITION' })
    await assert.rejects(admin.createTopics([{ name: 'a1', partitions: 1 }]), {
      code: 'TOPIC_ALREADY_EXISTS',
    })
  })

  test('describe and alter configs', async () => {
    const admin = client.admin()
    await admin.createTopics([{ name: 'cfg', partitions: 1 }])
    await admin.alterConfigs({ type: 'topic', name: 'cfg' }, { 'retention.ms': '123456' })
    const entries = await admin.describeConfigs({ type: 'topic', name: 'cfg' }, ['retention.ms'])
    assert.equal(entries.find((e) => e.name === 'retention.ms')?.value, '123456')
    await assert.rejects(
      admin.describeConfigs({ type: 'topic', name: 'no-such-topic' }),
      (e: unknown) => e instanceof PetrelError,
    )
  })

  test('listOffsets, deleteRecords, describeCluster', async () => {
    const admin = client.admin()
    await admin.createTopics([{ name: 'offs', partitions: 2 }])
    const producer = client.producer()
    await producer.send({
      topic: 'offs',
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: 0 })),
    })
    assert.deepEqual(await admin.listOffsets('offs', 'latest'), [
      { partition: 0, offset: 10 },
      { partition: 1, offset: 0 },
    ])
    assert.deepEqual(await admin.deleteRecords('offs', [{ partition: 0, offset: 4 }]), [
      { partition: 0, offset: 4 },
    ])
    assert.deepEqual((await admin.listOffsets('offs', 'earliest'))[0], { partition: 0, offset: 4 })
    const cluster = await admin.describeCluster()
    assert.equal(cluster.brokers.length, 1)
    assert.equal(cluster.brokers[0]?.port, n.node.kafkaPort)
    assert.equal(typeof cluster.clusterId, 'string')
  })

  test('groups: list, describe, fetch and reset offsets, delete', async () => {
    const admin = client.admin()
    await admin.createTopics([{ name: 'gt', partitions: 2 }])
    const producer = client.producer()
    await producer.send({
      topic: 'gt',
      messages: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })),
    })
    const consumer = client.consumer({
      groupId: 'admin-g',
      autoOffsetReset: 'earliest',
      autoCommit: false,
      maxWaitMs: 50,
    })
    await consumer.subscribe(['gt'])
    let seen = 0
    for await (const _ of consumer) if (++seen === 6) break
    await consumer.commit()
    const groups = await admin.listGroups()
    assert.ok(groups.some((g) => g.groupId === 'admin-g' && g.protocolType === 'consumer'))
    const [desc] = await admin.describeGroups(['admin-g'])
    assert.equal(desc?.state, 'Stable')
    assert.equal(desc?.members.length, 1)
    assert.equal(desc?.members[0]?.assignment.length, 2)
    assert.deepEqual(await admin.fetchOffsets('admin-g', 'gt'), [
      { topic: 'gt', partition: 0, offset: 3 },
      { topic: 'gt', partition: 1, offset: 3 },
    ])
    await consumer.close()
    await admin.resetOffsets('admin-g', 'gt', 'earliest')
    assert.deepEqual(
      (await admin.fetchOffsets('admin-g', 'gt')).map((o) => o.offset),
      [0, 0],
    )
    await admin.deleteGroups(['admin-g'])
    assert.ok(!(await admin.listGroups()).some((g) => g.groupId === 'admin-g'))
  })
})
