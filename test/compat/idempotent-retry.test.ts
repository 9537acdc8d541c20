/**
 * An idempotent producer whose first produce responses are lost (a proxy in the test drops
 * them and cuts the connection, after the node has appended) retries, and the log holds each
 * message exactly once, in order.
 */
import assert from 'node:assert/strict'
import { createServer, type Socket, connect } from 'node:net'
import { after, before, test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { KafkajsReader } from '../helpers/kafkajs-read.js'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'

const PRODUCE = 0

/** Splits a byte stream into size-prefixed frames. */
class Frames {
  private buf = Buffer.alloc(0)
  push(chunk: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, chunk])
    const out: Buffer[] = []
    while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
      const size = this.buf.readInt32BE(0)
      out.push(this.buf.subarray(0, 4 + size))
      this.buf = this.buf.subarray(4 + size)
    }
    return out
  }
}

/** Forwards to the node; the first `drops` Produce responses are swallowed and the link cut. */
function lossyProxy(target: number, drops: number) {
  let dropped = 0
  const server = createServer((client: Socket) => {
    const upstream = connect(target, '127.0.0.1')
    const produceIds = new Set<number>()
    const fromClient = new Frames()
    const fromNode = new Frames()
    client.on('data', (chunk) => {
      for (const f of fromClient.push(chunk)) {
        if (f.readInt16BE(4) === PRODUCE) produceIds.add(f.readInt32BE(8))
        upstream.write(f)
      }
    })
    upstream.on('data', (chunk) => {
      for (const f of fromNode.push(chunk)) {
        if (produceIds.has(f.readInt32BE(4)) && dropped < drops) {
          dropped++
          client.destroy()
          upstream.destroy()
          return
        }
        client.write(f)
      }
    })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  return { server, dropped: () => dropped }
}

let node: NodeProcess

before(async () => {
  node = await startNodeProcess()
})

after(async () => {
  await node.stop()
  removeDir(node.dataDir)
})

test('lost produce responses are retried and the log holds each message once', {
  timeout: 60_000,
}, async () => {
  const topic = 'idempotent-retry'
  const proxy = lossyProxy(node.port, 3)
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', () => r()))
  const addr = proxy.server.address()
  assert.ok(addr !== null && typeof addr === 'object')
  // The node advertises its own address, so a socket factory sends every connection, not just
  // the bootstrap one, through the proxy.
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${addr.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 50 },
    socketFactory: ({ host, onConnect }) => connect({ host, port: addr.port }, onConnect),
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await admin.disconnect()
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let i = 0; i < 20; i++) await producer.send({ topic, acks: -1, messages: [{ value: `m${i}` }] })
  await producer.disconnect()
  assert.equal(proxy.dropped(), 3, 'the proxy dropped three produce responses')

  const direct = new Kafka({ brokers: [node.broker], logLevel: logLevel.NOTHING })
  const reader = new KafkajsReader(direct)
  await reader.connect(topic)
  const values = (await reader.readPartition(topic, 0)).map((r) => r.value)
  await reader.disconnect()
  proxy.server.close()
  assert.deepEqual(
    values,
    Array.from({ length: 20 }, (_, i) => `m${i}`),
  )
})
