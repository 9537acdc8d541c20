/**
 * Bad input on one connection does not disturb anyone else: while a kafkajs producer and a
 * reader keep working, other connections send garbage, a truncated frame, a 2 GiB length prefix,
 * an unknown API key, unsupported versions and an undecodable body. Each bad connection gets the
 * right answer or is closed, the node logs each exactly once, and the good clients see no error.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { KafkajsReader } from '../helpers/kafkajs-read.js'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'

let node: NodeProcess

before(async () => {
  node = await startNodeProcess()
})

after(async () => {
  assert.equal(await node.stop(), 0)
  removeDir(node.dataDir)
})

interface Outcome {
  localPort: number
  closedByNode: boolean
  received: Buffer
}

/** Sends `bytes`, optionally ends our side, and reports what came back before the close. */
function exchange(port: number, bytes: Buffer, opts: { endAfterMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let localPort = 0
    let weEnded = false
    s.on('connect', () => {
      localPort = s.localPort ?? 0
      s.write(bytes)
      setTimeout(() => {
        weEnded = true
        s.destroy()
      }, opts.endAfterMs ?? 1_000)
    })
    s.on('data', (c) => chunks.push(c))
    s.on('error', () => {})
    s.on('close', () => resolve({ localPort, closedByNode: !weEnded, received: Buffer.concat(chunks) }))
  })
}

function request(
  apiKey: number,
  version: number,
  correlationId: number,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(10)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(version, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(-1, 8) // null client id
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length)
  return Buffer.concat([size, header, body])
}

test('garbage, truncated, oversized and unsupported requests leave good clients untouched', {
  timeout: 60_000,
}, async () => {
  const topic = 'bad-input'
  const kafka = new Kafka({ brokers: [node.broker], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await admin.disconnect()
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const reader = new KafkajsReader(kafka)
  await reader.connect(topic)

  let sent = 0
  let producing = true
  const producing$ = (async () => {
    while (producing) {
      await producer.send({ topic, acks: -1, messages: [{ value: `good-${sent}` }] })
      sent++
    }
  })()
  let reads = 0
  const reading$ = (async () => {
    while (producing) {
      await reader.readPartition(topic, 0)
      reads++
    }
  })()

  const bad = await Promise.all([
    exchange(node.port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
    exchange(node.port, Buffer.concat([request(3, 1, 1)]).subarray(0, 9), { endAfterMs: 300 }),
    exchange(node.port, Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])),
    exchange(node.port, request(999, 0, 7)),
    exchange(node.port, request(0, 99, 8)),
    exchange(node.port, request(3, 1, 9, Buffer.from([0x00, 0x00]))),
    exchange(node.port, request(18, 99, 10), { endAfterMs: 500 }),
  ])
  producing = false
  await Promise.all([producing$, reading$])
  await producer.disconnect()
  const [http, truncated, huge, unknownKey, badVersion, badBody, apiVersions] = bad as [
    Outcome,
    Outcome,
    Outcome,
    Outcome,
    Outcome,
    Outcome,
    Outcome,
  ]

  for (const [name, o] of Object.entries({ http, huge, unknownKey, badVersion, badBody })) {
    assert.ok(o.closedByNode, `${name}: the node closed the connection`)
    assert.equal(o.received.length, 0, `${name}: no answer`)
  }
  assert.ok(!truncated.closedByNode, 'a truncated frame is waited for, not answered')
  // ApiVersions at an unknown version: a v0 answer, error 35, and our ranges including key 18.
  assert.ok(!apiVersions.closedByNode, 'ApiVersions v99 keeps the connection open')
  const r = apiVersions.received
  assert.equal(r.readInt32BE(4), 10, 'correlation id')
  assert.equal(r.readInt16BE(8), 35, 'UNSUPPORTED_VERSION')
  const count = r.readInt32BE(10)
  const keys = Array.from({ length: count }, (_, i) => [
    r.readInt16BE(14 + i * 6),
    r.readInt16BE(16 + i * 6),
    r.readInt16BE(18 + i * 6),
  ])
  assert.deepEqual(
    keys.find(([k]) => k === 18),
    [18, 0, 3],
  )

  // Each bad connection is logged exactly once; the good clients never were.
  const lines = node.logs().split('\n')
  for (const [name, o] of Object.entries({ http, truncated, huge, unknownKey, badVersion, badBody })) {
    const mine = lines.filter((l) => l.includes(`"level":"warn"`) && l.includes(`:${o.localPort}"`))
    assert.equal(mine.length, 1, `${name}: logged once, got ${mine.join('\n')}`)
  }

  // The good clients kept going and saw everything.
  assert.ok(sent > 0 && reads > 0, `sent ${sent}, read passes ${reads}`)
  const all = await reader.readPartition(topic, 0)
  await reader.disconnect()
  assert.deepEqual(
    all.map((m) => m.value),
    Array.from({ length: sent }, (_, i) => `good-${i}`),
  )
})
