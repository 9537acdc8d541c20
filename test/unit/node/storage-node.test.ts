/**
 * The node on the segmented storage engine: topic configs drive segment rolls and retention on a
 * running node (ListOffsets earliest moves, old segment files disappear), and a restart recovers
 * a torn tail.
 */
import assert from 'node:assert/strict'
import { appendFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { type Admin, Kafka, logLevel } from 'kafkajs'
import { NodeFileSystem } from '../../../src/io/impl/node-fs.js'
import { silentLogger } from '../../../src/io/log.js'
import * as oc from '../../../src/protocol/kafka/generated/offset-commit.js'
import * as of from '../../../src/protocol/kafka/generated/offset-fetch.js'
import { openPartitionLog } from '../../../src/storage/partition-log.js'
import { WireClient } from '../../helpers/wire-client.js'
import { type RunningNode, startNode } from '../../../src/node/node.js'
import { KafkajsReader } from '../../helpers/kafkajs-read.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const dirs: string[] = []
const running = new Set<RunningNode>()
after(async () => {
  // A failed assertion must not leave a listener keeping the test process alive.
  for (const n of running) await n.close()
  for (const d of dirs) removeDir(d)
})

async function node(dataDir?: string, extra: { offsetsTopicPartitions?: number } = {}): Promise<RunningNode> {
  const dir = dataDir ?? tempDataDir('petrel-storage-node-')
  if (dataDir === undefined) dirs.push(dir)
  const n = await startNode({
    dataDir: dir,
    kafkaPort: 0,
    logger: silentLogger,
    retentionCheckIntervalMs: 50,
    groupInitialRebalanceDelayMs: 0,
    ...extra,
  })
  running.add(n)
  return n
}

function kafkaOf(n: RunningNode): Kafka {
  return new Kafka({
    brokers: [`127.0.0.1:${n.kafkaPort}`],
    clientId: 'storage-node',
    logLevel: logLevel.NOTHING,
  })
}

function segmentFiles(n: RunningNode, topic: string): string[] {
  return readdirSync(join(n.dataDir, 'logs', `${topic}-0`)).filter((f) => f.endsWith('.log'))
}

/** Sends `sends` requests of ten 1 KiB messages; returns how many messages went. */
async function fill(kafka: Kafka, topic: string, sends: number, timestamp?: number): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const value = 'x'.repeat(1024)
  for (let s = 0; s < sends; s++) {
    const messages = Array.from({ length: 10 }, (_, i) => ({
      value: `${s}-${i}-${value}`,
      ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }),
    }))
    await producer.send({ topic, acks: -1, messages })
  }
  await producer.disconnect()
  return sends * 10
}

async function offsets(admin: Admin, topic: string): Promise<{ low: number; high: number }> {
  const [p] = await admin.fetchTopicOffsets(topic)
  assert.ok(p !== undefined)
  return { low: Number(p.low), high: Number(p.high) }
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

test('retention.bytes deletes the oldest whole segments of a running node, never the active one', async () => {
  const n = await node()
  const kafka = kafkaOf(n)
  const admin = kafka.admin()
  await admin.connect()
  const topic = 'by-bytes'
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'segment.bytes', value: String(64 * 1024) },
          { name: 'retention.bytes', value: String(128 * 1024) },
        ],
      },
    ],
  })
  const sent = await fill(kafka, topic, 50)
  // Settled once dropping the oldest segment would take the log below retention.bytes (ticks may
  // also have run during the sends, so "earliest moved" alone is not the end of it).
  await until('retention deleted all it may', async () => {
    const sizes = segmentFiles(n, topic)
      .sort()
      .map((f) => statSync(join(n.dataDir, 'logs', `${topic}-0`, f)).size)
    const total = sizes.reduce((a, b) => a + b, 0)
    return total - (sizes[0] ?? 0) < 128 * 1024 && (await offsets(admin, topic)).low > 0
  })
  const { low, high } = await offsets(admin, topic)
  assert.equal(high, sent, 'retention never touches the end')
  const files = segmentFiles(n, topic)
  // ~550 KiB in 64 KiB segments: retention keeps at least 128 KiB, so two or three sealed ones
  // plus the active one remain.
  assert.ok(files.length >= 2 && files.length <= 5, `segments left: ${files.join(', ')}`)
  assert.equal(Number(files.sort()[0]?.slice(0, 20)), low, 'earliest is the oldest remaining segment')
  // What remains reads, whole and in order, from the new earliest offset.
  const reader = new KafkajsReader(kafka)
  await reader.connect(topic)
  const records = await reader.readPartition(topic, 0, low)
  await reader.disconnect()
  assert.deepEqual(
    records.map((r) => r.offset),
    Array.from({ length: high - low }, (_, i) => low + i),
  )
  await admin.disconnect()
  await n.close()
})

test('retention.ms deletes every sealed segment whose newest record is too old', async () => {
  const n = await node()
  const kafka = kafkaOf(n)
  const admin = kafka.admin()
  await admin.connect()
  const topic = 'by-time'
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'segment.bytes', value: String(64 * 1024) },
          { name: 'retention.ms', value: String(60_000) },
        ],
      },
    ],
  })
  const anHourAgo = Date.now() - 3600_000
  const sent = await fill(kafka, topic, 30, anHourAgo)
  await until('only the active segment is left', async () => segmentFiles(n, topic).length === 1)
  const { low, high } = await offsets(admin, topic)
  assert.equal(high, sent)
  assert.ok(low > 0 && low < high, `earliest ${low} moved to the active segment, below ${high}`)
  assert.equal(Number(segmentFiles(n, topic)[0]?.slice(0, 20)), low)
  await admin.disconnect()
  await n.close()
})

test('a node restart cuts a torn tail and continues the offsets', async () => {
  const dir = tempDataDir('petrel-storage-node-')
  dirs.push(dir)
  const first = await node(dir)
  const topic = 'torn'
  let kafka = kafkaOf(first)
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await admin.disconnect()
  await fill(kafka, topic, 3)
  await first.close()
  // Half a batch at the end, as a crash in the middle of a write leaves it.
  const [file] = segmentFiles(first, topic)
  assert.ok(file !== undefined)
  appendFileSync(join(dir, 'logs', `${topic}-0`, file), new Uint8Array(40).fill(7))

  const second = await node(dir)
  kafka = kafkaOf(second)
  const admin2 = kafka.admin()
  await admin2.connect()
  assert.deepEqual(await offsets(admin2, topic), { low: 0, high: 30 })
  await fill(kafka, topic, 1)
  assert.deepEqual(await offsets(admin2, topic), { low: 0, high: 40 })
  await admin2.disconnect()
  await second.close()
})

test('a compacted topic reads back with kafkajs from 0 as the latest value per key, at the original offsets', async () => {
  const n = await node()
  const kafka = kafkaOf(n)
  const admin = kafka.admin()
  await admin.connect()
  const topic = 'compacted'
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'segment.bytes', value: String(64 * 1024) },
          { name: 'cleanup.policy', value: 'compact' },
        ],
      },
    ],
  })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  // A record without a key has no place in a compacted topic (Kafka: INVALID_RECORD).
  await assert.rejects(
    producer.send({ topic, acks: -1, messages: [{ value: 'no key' }] }),
    (e: Error & { type?: string }) => e.type === 'INVALID_RECORD',
  )
  const pad = 'x'.repeat(1024)
  const written: { key: string; value: string }[] = []
  for (let s = 0; s < 30; s++) {
    const messages = Array.from({ length: 10 }, (_, i) => ({
      key: `k${(s * 10 + i) % 7}`,
      value: `${s}-${i}-${pad}`,
    }))
    await producer.send({ topic, acks: -1, messages })
    written.push(...messages)
  }
  await producer.disconnect()
  const sealedEnd = () => Math.max(...segmentFiles(n, topic).map((f) => Number(f.slice(0, 20))))
  await until('the sealed segments are compacted', async () => {
    const dir = join(n.dataDir, 'logs', `${topic}-0`)
    const sealed = segmentFiles(n, topic).filter((f) => Number(f.slice(0, 20)) < sealedEnd())
    const bytes = sealed.reduce((a, f) => a + statSync(join(dir, f)).size, 0)
    return sealed.length > 0 && bytes < 16 * 1024
  })
  const { low, high } = await offsets(admin, topic)
  assert.deepEqual([low, high], [0, written.length], 'compaction moves neither the start nor the end')
  // A kafkajs consumer from offset 0: it must step over the gaps and the emptied batches.
  const records: { offset: number; value: string }[] = []
  const consumer = kafka.consumer({ groupId: 'compacted-reader', maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let resolveDone = (): void => {}
  const done = new Promise<void>((r) => {
    resolveDone = r
  })
  await consumer.run({
    eachMessage: async ({ message }) => {
      records.push({ offset: Number(message.offset), value: String(message.value) })
      if (Number(message.offset) === high - 1) resolveDone()
    },
  })
  await Promise.race([
    done,
    new Promise((_, reject) => setTimeout(() => reject(new Error('kafkajs did not reach the end')), 20_000)),
  ])
  await consumer.disconnect()
  const active = sealedEnd()
  // Every record read is the one written at its offset; below the active segment, only the latest
  // of its key (among the sealed ones) is left; the active segment is untouched.
  for (const r of records) assert.equal(r.value, written[r.offset]?.value, `offset ${r.offset}`)
  const latestSealed = new Map<string, number>()
  written.forEach((w, offset) => {
    if (offset < active) latestSealed.set(w.key, offset)
  })
  assert.deepEqual(
    records.filter((r) => r.offset < active).map((r) => r.offset),
    [...latestSealed.values()].sort((a, b) => a - b),
  )
  assert.deepEqual(
    records.filter((r) => r.offset >= active).map((r) => r.offset),
    Array.from({ length: written.length - active }, (_, i) => active + i),
  )
  await admin.disconnect()
  await n.close()
})

test("a group's committed offsets survive compaction of __consumer_offsets and a node restart", async () => {
  const dir = tempDataDir('petrel-storage-node-')
  dirs.push(dir)
  let n = await node(dir, { offsetsTopicPartitions: 1 })
  let kafka = kafkaOf(n)
  let admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] })
  // Two groups commit many times (standalone commits, as kafkajs's admin makes them): each
  // commit is a batch in __consumer_offsets-0.
  const commit = { key: 8, encode: oc.encodeOffsetCommitRequest, decode: oc.decodeOffsetCommitResponse }
  const client = await WireClient.connect(n.kafkaPort)
  for (let i = 1; i <= 40; i++) {
    for (const groupId of ['g1', 'g2']) {
      const r = await client.send(commit, 2, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: BigInt(i), committedMetadata: null },
              { partitionIndex: 1, committedOffset: BigInt(i * 10), committedMetadata: null },
            ],
          },
        ],
      })
      assert.deepEqual(
        r.topics[0]?.partitions.map((p) => p.errorCode),
        [0, 0],
      )
    }
  }
  client.close()
  await admin.disconnect()
  await n.close()
  // Seal what the groups wrote, so that the next node's timer may compact it.
  const offsetsDir = join(dir, 'logs', '__consumer_offsets-0')
  const log = await openPartitionLog({ fs: new NodeFileSystem(), dir: offsetsDir, nowMs: () => Date.now() })
  const end = log.logEndOffset()
  await log.roll()
  await log.close()
  const sealed = segmentFiles(n, '__consumer_offsets').sort()[0] as string
  const before = statSync(join(offsetsDir, sealed)).size
  n = await node(dir, { offsetsTopicPartitions: 1 })
  await until(
    '__consumer_offsets is compacted',
    async () => statSync(join(offsetsDir, sealed)).size < before / 4,
  )
  await n.close()
  n = await node(dir, { offsetsTopicPartitions: 1 })
  kafka = kafkaOf(n)
  admin = kafka.admin()
  await admin.connect()
  const fetch = { key: 9, encode: of.encodeOffsetFetchRequest, decode: of.decodeOffsetFetchResponse }
  const reader = await WireClient.connect(n.kafkaPort)
  for (const groupId of ['g1', 'g2']) {
    const r = await reader.send(fetch, 1, { groupId, topics: [{ name: 'orders', partitionIndexes: [0, 1] }] })
    assert.deepEqual(
      r.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset]),
      [
        [0, 40n],
        [1, 400n],
      ],
      groupId,
    )
  }
  reader.close()
  const [p] = await admin.fetchTopicOffsets('__consumer_offsets')
  assert.equal(Number(p?.high), end, 'compaction did not move the end of __consumer_offsets')
  await admin.disconnect()
  await n.close()
})
