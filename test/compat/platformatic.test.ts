/**
 * @platformatic/kafka 1.35.0 (flexible-era codecs: Metadata v9+, Fetch v12+, CreateTopics v7,
 * InitProducerId v3+) against a real node process: 8 partitions, 100,000 keyed messages with
 * headers, idempotent, acks=-1, alternating gzip and none; every partition read back with its
 * own Fetch and record decoding.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka'
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

test('@platformatic/kafka produces 100,000 messages idempotently and reads them back intact', {
  timeout: 180_000,
}, async () => {
  const topic = 'compat-platformatic'
  const base = { clientId: 'compat-platformatic', bootstrapBrokers: [node.broker], retries: 0 }
  const admin = new Admin(base)
  await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 })
  await admin.close()

  const producer = new Producer({ ...base, idempotent: true, acks: -1, serializers: stringSerializers })
  for (let start = 0; start < MESSAGES; start += SEND_CHUNK) {
    const messages = []
    for (let i = start; i < start + SEND_CHUNK; i++) {
      const e = expected(i, 'platformatic')
      messages.push({ topic, key: e.key, value: e.value, headers: e.headers, timestamp: BigInt(e.timestamp) })
    }
    const compression = (start / SEND_CHUNK) % 2 === 0 ? 'gzip' : 'none'
    await producer.send({ messages, compression })
  }
  await producer.close()

  const consumer = new Consumer({ ...base, groupId: 'unused-no-group-join' })
  const byPartition = new Map<number, ReadMessage[]>()
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const read: ReadMessage[] = []
    byPartition.set(partition, read)
    for (let pass = 0; pass < 10_000; pass++) {
      const res = await consumer.fetch({
        node: 0,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        topics: [
          {
            topicId: topic,
            partitions: [
              {
                partition,
                fetchOffset: BigInt(read.length),
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 256 << 10,
              },
            ],
          },
        ],
      })
      const p = res.responses[0]?.partitions[0]
      assert.ok(p !== undefined)
      assert.equal(p.errorCode, 0)
      for (const batch of p.records ?? []) {
        for (const r of batch.records) {
          const offset = Number(batch.firstOffset) + r.offsetDelta
          // Whole batches come back, so records before the fetch offset may repeat.
          if (offset < read.length) continue
          const headers: Record<string, string> = {}
          for (const [k, v] of r.headers) headers[String(k)] = String(v)
          read.push({
            offset,
            key: String(r.key),
            value: String(r.value),
            headers,
            timestamp: Number(batch.firstTimestamp + r.timestampDelta),
          })
        }
      }
      if (read.length >= Number(p.highWatermark)) break
    }
  }
  await consumer.close()
  verify(byPartition, 'platformatic')
})
