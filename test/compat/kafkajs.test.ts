/**
 * kafkajs 2.2.4 against a real node process: create a topic with 8 partitions, send 100,000
 * keyed messages with headers (idempotent, acks=-1, alternating gzip and none), then read every
 * partition back with kafkajs's own Fetch and record decoding.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { KafkajsReader } from '../helpers/kafkajs-read.js'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'
import { expected, MESSAGES, PARTITIONS, type ReadMessage, SEND_CHUNK, verify } from './workload.js'

let node: NodeProcess

before(async () => {
  node = await startNodeProcess()
})

after(async () => {
  assert.equal(await node.stop(), 0, 'clean shutdown')
  removeDir(node.dataDir)
})

test('kafkajs produces 100,000 messages idempotently and reads them back intact', {
  timeout: 180_000,
}, async () => {
  const kafka = new Kafka({ brokers: [node.broker], clientId: 'compat-kafkajs', logLevel: logLevel.NOTHING })
  const topic = 'compat-kafkajs'
  const admin = kafka.admin()
  await admin.connect()
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }), true)
  await admin.disconnect()

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let start = 0; start < MESSAGES; start += SEND_CHUNK) {
    const messages = []
    for (let i = start; i < start + SEND_CHUNK; i++) {
      const e = expected(i, 'kafkajs')
      messages.push({ key: e.key, value: e.value, headers: e.headers, timestamp: String(e.timestamp) })
    }
    const compression = (start / SEND_CHUNK) % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None
    await producer.send({ topic, acks: -1, compression, messages })
  }
  await producer.disconnect()

  const reader = new KafkajsReader(kafka)
  await reader.connect(topic)
  const byPartition = new Map<number, ReadMessage[]>()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    byPartition.set(partition, await reader.readPartition(topic, partition))
  }
  await reader.disconnect()
  verify(byPartition, 'kafkajs')
})
