/**
 * SIGKILL while producers send with acks=-1: after a restart on the same data folder, every
 * acknowledged message is readable in order, and new offsets continue after the last one.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { KafkajsReader } from '../helpers/kafkajs-read.js'
import { removeDir, startNodeProcess, tempDataDir } from '../helpers/node-process.js'

const PARTITIONS = 4
const topic = 'durability'

test('acknowledged messages survive SIGKILL and offsets continue after restart', {
  timeout: 120_000,
}, async () => {
  const dataDir = tempDataDir()
  const first = await startNodeProcess({ dataDir })
  const kafka = new Kafka({ brokers: [first.broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
  await admin.disconnect()

  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } })
  await producer.connect()
  const acked: number[] = new Array(PARTITIONS).fill(0)
  let stop = false
  // One sender per partition, each waiting for its acknowledgement before the next message.
  const senders = Array.from({ length: PARTITIONS }, async (_, partition) => {
    for (let i = 0; !stop; i++) {
      try {
        await producer.send({ topic, acks: -1, messages: [{ partition, value: `p${partition}-${i}` }] })
        acked[partition] = i + 1
      } catch {
        return
      }
    }
  })
  while (acked.reduce((a, b) => a + b, 0) < 400) await new Promise((r) => setTimeout(r, 20))
  await first.kill()
  stop = true
  await Promise.all(senders)
  await producer.disconnect().catch(() => {})
  const ackedTotal = acked.reduce((a, b) => a + b, 0)

  const second = await startNodeProcess({ dataDir })
  const kafka2 = new Kafka({ brokers: [second.broker], logLevel: logLevel.NOTHING })
  const reader = new KafkajsReader(kafka2)
  await reader.connect(topic)
  const lengths: number[] = []
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const records = await reader.readPartition(topic, partition)
    // Written-but-unacknowledged messages may be there too; acknowledged ones must all be.
    assert.ok(records.length >= (acked[partition] ?? 0), `partition ${partition}: ${records.length} < acked`)
    records.forEach((r, n) => {
      assert.equal(r.offset, n)
      assert.equal(r.value, `p${partition}-${n}`, 'in the order sent')
    })
    lengths.push(records.length)
  }
  const producer2 = kafka2.producer()
  await producer2.connect()
  const [meta] = await producer2.send({
    topic,
    acks: -1,
    messages: [{ partition: 0, value: 'after-restart' }],
  })
  assert.equal(Number(meta?.baseOffset), lengths[0], 'the next offset follows the last one')
  await producer2.disconnect()
  await reader.disconnect()
  assert.equal(await second.stop(), 0)
  removeDir(dataDir)
  assert.ok(ackedTotal >= 400, `acknowledged ${ackedTotal} before the kill`)
})
