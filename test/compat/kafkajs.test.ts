/**
 * kafkajs 2.2.4 against a real node process: create a topic with 8 partitions, send 100,000
 * keyed messages with headers (idempotent, acks=-1, alternating gzip and none), then read every
 * partition back with kafkajs's own Fetch and record decoding.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'
import { expected, MESSAGES, PARTITIONS, type ReadMessage, SEND_CHUNK, verify } from './workload.js'

interface KjsMessage {
  offset: string
  key: Buffer | null
  value: Buffer | null
  timestamp: string
  headers?: Record<string, Buffer | string | undefined>
}

interface KjsBroker {
  fetch(req: {
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    isolationLevel: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<{
    responses: {
      partitions: { partition: number; errorCode: number; highWatermark: string; messages: KjsMessage[] }[]
    }[]
  }>
}

interface KjsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findBroker(q: { nodeId: string }): Promise<KjsBroker>
}

/** kafkajs keeps its cluster factory behind a symbol; its consumer needs groups, which come later. */
function clusterOf(kafka: Kafka): KjsCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  assert.ok(sym !== undefined, 'kafkajs cluster factory found')
  const create = (kafka as unknown as Record<symbol, (o: object) => KjsCluster>)[sym]
  assert.ok(create !== undefined)
  return create({ allowAutoTopicCreation: false })
}

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

  const cluster = clusterOf(kafka)
  await cluster.connect()
  await cluster.addTargetTopic(topic)
  const broker = await cluster.findBroker({ nodeId: '0' })
  const byPartition = new Map<number, ReadMessage[]>()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const read: ReadMessage[] = []
    byPartition.set(partition, read)
    for (let pass = 0; pass < 10_000; pass++) {
      const res = await broker.fetch({
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        topics: [
          { topic, partitions: [{ partition, fetchOffset: String(read.length), maxBytes: 256 << 10 }] },
        ],
      })
      const p = res.responses[0]?.partitions[0]
      assert.ok(p !== undefined)
      assert.equal(p.errorCode, 0)
      // A fetch returns whole batches, so messages before the fetch offset may repeat.
      for (const m of p.messages) {
        if (Number(m.offset) < read.length) continue
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v)
        read.push({
          offset: Number(m.offset),
          key: String(m.key),
          value: String(m.value),
          headers,
          timestamp: Number(m.timestamp),
        })
      }
      if (read.length >= Number(p.highWatermark)) break
    }
  }
  await cluster.disconnect()
  verify(byPartition, 'kafkajs')
})
