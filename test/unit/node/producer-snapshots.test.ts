import assert from 'node:assert/strict'
import { test } from 'node:test'
import { defaultTopicConfig } from '../../../src/cluster/topics.js'
import { silentLogger } from '../../../src/io/log.js'
import type { PartitionLog } from '../../../src/kafka/partition-log.js'
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  SnapshotError,
} from '../../../src/kafka/producer-snapshot.js'
import { lastSequenceOf, ProducerStateTable } from '../../../src/kafka/producer-state.js'
import { StorageLog, StorageLogs } from '../../../src/node/storage-log.js'
import { batchTotalBytes, readBatchHeader } from '../../../src/protocol/records/header.js'
import { MemoryFileSystem } from '../../../src/testing/memory-fs.js'
import { buildBatch } from '../../helpers/batch.js'

const DIR = '/data/logs/t-0'

function logsOn(fs: MemoryFileSystem, intervalBytes: number, warnings: string[] = []): StorageLogs {
  return new StorageLogs({
    dataDir: '/data',
    log: { ...silentLogger, warn: (event, fields) => warnings.push(`${event} ${JSON.stringify(fields)}`) },
    configOf: () => ({ ...defaultTopicConfig, segmentBytes: 64 * 1024 }),
    nowMs: () => 1_700_000_000_000,
    retentionCheckIntervalMs: 3_600_000,
    // A new "process" per open: after a crash the old one can no longer touch the disk.
    fs: fs.process(),
    producerSnapshotIntervalBytes: intervalBytes,
  })
}

async function openLog(logs: StorageLogs): Promise<StorageLog> {
  const log = await logs.open('t', 0)
  assert.ok(log instanceof StorageLog)
  return log
}

/** Replays every batch header from the log start: what a rebuild without snapshots gives. */
async function fullScan(log: PartitionLog): Promise<ProducerStateTable> {
  const table = new ProducerStateTable()
  let offset = log.startOffset()
  while (offset < log.highWatermark()) {
    const bytes = await log.read(offset, 1 << 20)
    let at = 0
    while (at < bytes.byteLength) {
      const h = readBatchHeader(bytes, at)
      table.record({
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        lastSequence: lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
        baseOffset: h.baseOffset,
      })
      offset = h.baseOffset + h.lastOffsetDelta + 1
      at += batchTotalBytes(bytes, at) ?? bytes.byteLength
    }
  }
  return table
}

const dump = (t: ProducerStateTable) => [...t.entries()]

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

interface Producer {
  id: number
  epoch: number
  next: number
  sent: { epoch: number; base: number; values: string[] }[]
}

/** Appends like the produce path: check, then append and record in the same turn. */
function produce(log: PartitionLog, random: () => number, producers: Producer[], n: number): Promise<void>[] {
  const durables: Promise<void>[] = []
  const table = log.producers()
  for (let i = 0; i < n; i++) {
    const p = producers[Math.floor(random() * producers.length)] as Producer
    const values = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, k) =>
      `v${i}-${k}`.padEnd(300, 'x'),
    )
    let spec: { epoch: number; base: number; values: string[] }
    const r = random()
    if (r < 0.1) {
      spec = { epoch: -1, base: -1, values } // not idempotent
    } else if (r < 0.2 && p.sent.length > 0) {
      spec = p.sent[Math.floor(random() * p.sent.length)] as (typeof p.sent)[number] // a retry
    } else {
      if (r < 0.27) {
        p.epoch++
        p.next = 0
      }
      spec = { epoch: p.epoch, base: p.next, values }
      p.next += values.length
      p.sent = [...p.sent.slice(-6), spec]
    }
    const pid = spec.epoch < 0 ? -1 : p.id
    const seq = {
      producerId: pid,
      producerEpoch: spec.epoch,
      baseSequence: spec.base,
      lastSequence: lastSequenceOf(spec.base, spec.values.length - 1),
    }
    const verdict = table.check(seq)
    if (verdict.kind !== 'append') continue
    const batch = buildBatch({
      values: spec.values,
      producerId: pid,
      producerEpoch: spec.epoch,
      baseSequence: spec.base,
    })
    const { baseOffset, durable } = log.append(batch, 0)
    table.record({ ...seq, baseOffset })
    durables.push(durable)
  }
  return durables
}

test('snapshot file: round trip keeps order and content; damage and impossible content are refused', () => {
  const t = new ProducerStateTable()
  for (let i = 0; i < 12; i++)
    t.record({
      producerId: i % 3,
      producerEpoch: i % 2,
      baseSequence: i,
      lastSequence: i,
      baseOffset: i * 10,
    })
  const bytes = encodeProducerSnapshot(t, 200)
  const back = decodeProducerSnapshot(bytes)
  assert.equal(back.offset, 200)
  assert.deepEqual(dump(back.table), dump(t))
  for (const at of [0, 5, 12, 20, bytes.byteLength - 1]) {
    const bad = bytes.slice()
    bad[at] = (bad[at] as number) ^ 0x10
    assert.throws(() => decodeProducerSnapshot(bad), SnapshotError, `byte ${at} flipped`)
  }
  assert.throws(() => decodeProducerSnapshot(bytes.subarray(0, bytes.byteLength - 3)), SnapshotError)
  assert.throws(
    () => decodeProducerSnapshot(encodeProducerSnapshot(t, 50)),
    /outside/,
    'batch past its offset',
  )
})

test('forgetBelow keeps what a replay from that offset sees, including a batch straddling it', () => {
  const t = new ProducerStateTable()
  t.record({ producerId: 1, producerEpoch: 0, baseSequence: 0, lastSequence: 4, baseOffset: 0 }) // 0..4
  t.record({ producerId: 2, producerEpoch: 0, baseSequence: 0, lastSequence: 0, baseOffset: 5 })
  t.record({ producerId: 1, producerEpoch: 0, baseSequence: 5, lastSequence: 5, baseOffset: 6 })
  t.forgetBelow(4)
  assert.deepEqual(
    dump(t).map((e) => [e.producerId, e.batches.map((b) => b.baseOffset)]),
    [
      [2, [5]],
      [1, [0, 6]],
    ],
  )
  t.forgetBelow(6)
  assert.deepEqual(
    dump(t).map((e) => [e.producerId, e.batches.map((b) => b.baseOffset)]),
    [[1, [6]]],
  )
})

test('restarts from snapshot + tail give the table a full scan gives (seeds, epochs, retries, DeleteRecords, kills)', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const random = rng(seed)
    const fs = new MemoryFileSystem()
    const producers: Producer[] = Array.from({ length: 5 }, (_, i) => ({
      id: 100 + i,
      epoch: 0,
      next: 0,
      sent: [],
    }))
    const interval = 5000 + Math.floor(random() * 40_000)
    let usedSnapshot = 0
    for (let round = 0; round < 6; round++) {
      const logs = logsOn(fs, interval)
      const log = await openLog(logs)
      const why = `seed ${seed} round ${round}`
      assert.deepEqual(dump(log.producers()), dump(await fullScan(log)), why)
      if (log.recovery.snapshotOffset !== undefined) usedSnapshot++
      assert.ok(log.recovery.scanFrom >= (log.recovery.snapshotOffset ?? 0), why)
      await Promise.all(produce(log, random, producers, 20 + Math.floor(random() * 60)))
      if (random() < 0.4) await log.truncatePrefix(Math.floor(random() * (log.highWatermark() + 1)))
      if (random() < 0.5) {
        await logs.closeAll()
      } else {
        // Killed: no snapshot on close; let snapshot writes in flight finish or be cut.
        if (random() < 0.5) await new Promise((r) => setTimeout(r, 2))
        fs.crash({ keep: () => (random() < 0.5 ? 0 : Number.MAX_SAFE_INTEGER) })
      }
      const kept = (await fs.list(DIR)).filter((n) => n.endsWith('.snapshot'))
      assert.ok(kept.length <= 3, `${why}: ${kept}`) // two kept, a third only while its successor lands
    }
    assert.ok(usedSnapshot > 0, `seed ${seed}: some restart loaded a snapshot`)
  }
})

test('a restart after a clean close reads the snapshot, not the log', async () => {
  const fs = new MemoryFileSystem()
  const logs = logsOn(fs, 1 << 30)
  const log = await openLog(logs)
  const producers: Producer[] = [1, 2, 3].map((id) => ({ id, epoch: 0, next: 0, sent: [] }))
  await Promise.all(produce(log, rng(7), producers, 400))
  const end = log.highWatermark()
  const table = dump(log.producers())
  await logs.closeAll()
  assert.deepEqual(
    (await fs.list(DIR)).filter((n) => n.endsWith('.snapshot')),
    [`${String(end).padStart(20, '0')}.snapshot`],
  )

  let before = fs.stats.bytesRead
  const again = await openLog(logsOn(fs, 1 << 30))
  const withSnapshot = fs.stats.bytesRead - before
  assert.deepEqual(again.recovery, { snapshotOffset: end, scanFrom: end, scanTo: end, bytesScanned: 0 })
  assert.deepEqual(dump(again.producers()), table)

  // The same open without the snapshot reads every batch.
  await fs.remove(`${DIR}/${String(end).padStart(20, '0')}.snapshot`)
  before = fs.stats.bytesRead
  const full = await openLog(logsOn(fs, 1 << 30))
  const withoutSnapshot = fs.stats.bytesRead - before
  assert.equal(full.recovery.scanFrom, 0)
  assert.deepEqual(dump(full.producers()), table)
  assert.ok(
    withoutSnapshot - withSnapshot >= full.recovery.bytesScanned && full.recovery.bytesScanned > 20_000,
    `read ${withSnapshot} bytes with the snapshot, ${withoutSnapshot} without`,
  )
})

test('close with appends still queued waits for them and snapshots them all', async () => {
  const fs = new MemoryFileSystem()
  const logs = logsOn(fs, 1 << 30)
  const log = await openLog(logs)
  const producers: Producer[] = [1, 2].map((id) => ({ id, epoch: 0, next: 0, sent: [] }))
  const durables = produce(log, rng(3), producers, 50)
  const end = log.highWatermark()
  await logs.closeAll()
  await Promise.all(durables)
  assert.ok(end < 50, 'appends were still queued when close began')
  const again = await openLog(logsOn(fs, 1 << 30))
  assert.ok(again.recovery.snapshotOffset !== undefined && again.recovery.snapshotOffset > end)
  assert.equal(again.recovery.bytesScanned, 0)
  assert.deepEqual(dump(again.producers()), dump(await fullScan(again)))
})

test('a damaged snapshot falls back to the older one; one past the log end is dropped', async () => {
  const fs = new MemoryFileSystem()
  const producers: Producer[] = [1, 2].map((id) => ({ id, epoch: 0, next: 0, sent: [] }))
  const random = rng(11)
  const ends: number[] = []
  for (let i = 0; i < 2; i++) {
    const logs = logsOn(fs, 1 << 30)
    const log = await openLog(logs)
    await Promise.all(produce(log, random, producers, 60))
    ends.push(log.highWatermark())
    await logs.closeAll()
  }
  const [older, newer] = ends as [number, number]
  const name = (o: number) => `${DIR}/${String(o).padStart(20, '0')}.snapshot`
  fs.flipBit(name(newer), 30, 2)
  const warnings: string[] = []
  let log = await openLog(logsOn(fs, 1 << 30, warnings))
  assert.equal(log.recovery.snapshotOffset, older)
  assert.equal(log.recovery.scanFrom, older)
  assert.deepEqual(dump(log.producers()), dump(await fullScan(log)))
  assert.match(warnings.join('\n'), /skipped: checksum mismatch/)
  assert.equal(await fs.sizeOf(name(newer)), undefined, 'the damaged one is removed')

  // The log loses its tail below the older snapshot's offset (a restored disk, a cut segment):
  // that snapshot describes batches that are gone, so it must not be used.
  const segments = (await fs.list(DIR)).filter((n) => n.endsWith('.log')).sort()
  for (const s of segments.slice(1)) await fs.remove(`${DIR}/${s}`)
  const first = await fs.open(`${DIR}/${segments[0]}`, { create: false })
  const firstBatch = buildBatch({ values: ['x'] }).byteLength
  await first.truncate(Math.min(await first.size(), firstBatch * 3))
  await first.datasync()
  await first.close()
  log = await openLog(logsOn(fs, 1 << 30))
  assert.ok(log.highWatermark() < older, `log end ${log.highWatermark()} below ${older}`)
  assert.equal(log.recovery.snapshotOffset, undefined)
  assert.equal(await fs.sizeOf(name(older)), undefined, 'the snapshot past the end is removed')
  assert.deepEqual(dump(log.producers()), dump(await fullScan(log)))
})
