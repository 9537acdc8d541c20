/**
 * Compaction on the storage log: the latest value per key survives at its original offset,
 * offsets and the log end never move, tombstones go after delete.retention.ms, compressed
 * batches are re-compressed with their codec, producer fields survive, the active segment is
 * never touched, and a full offset map cleans only the prefix it covers.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import { decodeRecordBatches } from '../../../src/protocol/records/decode.js'
import { compressionOf } from '../../../src/protocol/records/header.js'
import { keyedBatch, type ReadRecord, readAll } from '../../helpers/compaction.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

const text = new TextDecoder()

const DAY_MS = 86_400_000
// Records are stamped from the test clock's start; the passes run a little later.
const policy = (nowMs: number, extra: { offsetMapKeysMax?: number } = {}) => ({
  nowMs: nowMs + 10_000,
  deleteRetentionMs: DAY_MS,
  minCompactionLagMs: 0,
  ...extra,
})

/** key k<i % keys> = v<i>, one record per batch, `n` batches, a new segment every 25. */
async function fill(log: PartitionLog, n: number, keys: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    if (i > 0 && i % 25 === 0) await log.roll()
    await log.append(keyedBatch([{ key: `k${i % keys}`, value: `v${i}` }]), t(1))
  }
}

function latestPerKey(records: readonly ReadRecord[]): Map<string | null, ReadRecord> {
  const m = new Map<string | null, ReadRecord>()
  for (const r of records) m.set(r.key, r)
  return m
}

test('the latest record per key survives at its original offset; offsets and the end stay', async () => {
  const env = memoryLog()
  const log = await env.open()
  await fill(log, 200, 10)
  await log.roll()
  await fill(log, 3, 10, 200) // the active segment: never cleaned
  const before = await readAll(log)
  const end = log.logEndOffset()
  const sizeBefore = log.sizeBytes()
  const r = await log.compact(policy(env.clock.now))
  assert.ok(r.segmentsCleaned > 1, `segments cleaned: ${r.segmentsCleaned}`)
  assert.equal(r.recordsRemoved, 190)
  assert.equal(log.logEndOffset(), end)
  assert.ok(log.sizeBytes() < sizeBefore / 2, `${log.sizeBytes()} < ${sizeBefore}/2`)
  const after = await readAll(log)
  // Sealed part: exactly the latest per key, at the offsets they had.
  const sealed = before.records.filter((x) => x.offset < 200)
  const expected = [...latestPerKey(sealed).values()].sort((a, b) => a.offset - b.offset)
  assert.deepEqual(
    after.records.filter((x) => x.offset < 200),
    expected,
  )
  assert.deepEqual(
    after.records.filter((x) => x.offset >= 200),
    before.records.filter((x) => x.offset >= 200),
  )
  // Empty batches of no producer merged: far fewer batches, still contiguous (readAll checks).
  assert.ok(after.headers.length < 40, `${after.headers.length} batches`)
  // A second pass finds nothing to do; reopening reads the same.
  assert.equal((await log.compact(policy(env.clock.now))).segmentsCleaned, 0)
  await log.close()
  const reopened = await env.open()
  assert.deepEqual((await readAll(reopened)).records, after.records)
  assert.equal(reopened.logEndOffset(), end)
  await reopened.close()
})

test('tombstones delete older values and are dropped only after delete.retention.ms', async () => {
  const env = memoryLog()
  const log = await env.open()
  await log.append(
    keyedBatch([
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
    ]),
    t(1),
  )
  await log.append(keyedBatch([{ key: 'a', value: null }]), t(1))
  await log.roll()
  await log.append(keyedBatch([{ key: 'c', value: '1' }]), t(1))
  const now = env.clock.now + 1000
  await log.compact(policy(now))
  assert.deepEqual((await readAll(log)).records, [
    { offset: 1, key: 'b', value: '1' },
    { offset: 2, key: 'a', value: null },
    { offset: 3, key: 'c', value: '1' },
  ])
  await log.compact(policy(now + DAY_MS + 10))
  assert.deepEqual((await readAll(log)).records, [
    { offset: 1, key: 'b', value: '1' },
    { offset: 3, key: 'c', value: '1' },
  ])
  assert.equal(log.logEndOffset(), 4)
  await log.close()
})

test('compressed batches are re-compressed with their codec; producer fields are kept', async () => {
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const env = memoryLog()
    const log = await env.open()
    const rows = [
      { key: 'x', value: '1' },
      { key: 'y', value: '1' },
      { key: 'x', value: '2' },
    ]
    await log.append(
      keyedBatch(rows, { compression, producerId: 7, producerEpoch: 3, baseSequence: 0 }),
      t(1),
    )
    await log.append(
      keyedBatch([{ key: 'y', value: '2' }], { producerId: 7, producerEpoch: 3, baseSequence: 3 }),
      t(2),
    )
    await log.append(
      keyedBatch([{ key: 'y', value: '3' }], { producerId: 9, producerEpoch: 0, baseSequence: 0 }),
      t(2),
    )
    await log.roll()
    const r = await log.compact(policy(env.clock.now))
    assert.equal(r.recordsRemoved, 3, compression)
    const { headers, records } = await readAll(log)
    assert.deepEqual(records, [
      { offset: 2, key: 'x', value: '2' },
      { offset: 4, key: 'y', value: '3' },
    ])
    const first = headers[0]
    assert.ok(first !== undefined)
    assert.equal(compressionOf(first.attributes), ['gzip', 'snappy', 'lz4', 'zstd'].indexOf(compression) + 1)
    assert.deepEqual(
      headers.map((h) => [
        h.baseOffset,
        h.lastOffsetDelta,
        h.producerId,
        h.producerEpoch,
        h.baseSequence,
        h.partitionLeaderEpoch,
        h.recordsCount,
      ]),
      [
        [0, 2, 7, 3, 0, 1, 1],
        // Emptied, kept (not merged): producer 7's last batch, which idempotence needs.
        [3, 0, 7, 3, 3, 2, 0],
        [4, 0, 9, 0, 0, 2, 1],
      ],
      compression,
    )
    await log.close()
  }
})

test('a full offset map cleans only the prefix it covers; min.compaction.lag.ms holds young segments', async () => {
  const env = memoryLog()
  const log = await env.open()
  await fill(log, 100, 100) // 100 distinct keys
  await fill(log, 100, 100, 0) // ...each written again: keys k0..k99 = v0..v99 once more
  await log.roll()
  const r = await log.compact(policy(env.clock.now, { offsetMapKeysMax: 50 }))
  assert.equal(r.cleanableEndOffset, 50)
  const { records } = await readAll(log)
  // Below 50 nothing has a later record inside the map's range: all kept. At or past 50: kept.
  assert.equal(records.length, 200)
  const full = await log.compact(policy(env.clock.now))
  assert.equal(full.recordsRemoved, 100)
  assert.equal((await readAll(log)).records[0]?.offset, 100)
  await log.close()

  const young = memoryLog()
  const log2 = await young.open()
  await fill(log2, 100, 5)
  await log2.roll()
  const held = await log2.compact({ ...policy(young.clock.now), minCompactionLagMs: DAY_MS })
  assert.equal(held.segmentsCleaned, 0)
  assert.equal((await readAll(log2)).records.length, 100)
  await log2.close()
})

test('reads running while segments are swapped return whole batches, each record the one at its offset', async () => {
  // Draining on microtasks lets the reads interleave with every step of the pass.
  const env = memoryLog({
    timers: { setTimeout: () => () => {}, defer: queueMicrotask },
    indexIntervalBytes: 256,
  })
  const log = await env.open()
  await fill(log, 150, 8)
  await log.roll()
  const original = new Map((await readAll(log)).records.map((r) => [r.offset, r]))
  let done = false
  const pass = log.compact(policy(env.clock.now)).finally(() => {
    done = true
  })
  let reads = 0
  const offsets = [...original.keys()]
  // Bounded by the pass: it ends after a finite number of steps.
  while (!done) {
    await Promise.all(
      offsets.map(async (offset) => {
        const bytes = await log.read(o(offset), 200)
        for (const batch of decodeRecordBatches(bytes)) {
          for (const r of batch.records) {
            const want = original.get(r.offset)
            assert.equal(r.value === null ? null : text.decode(r.value), want?.value, `offset ${r.offset}`)
          }
        }
        reads++
      }),
    )
  }
  assert.ok((await pass).segmentsCleaned > 1)
  assert.ok(reads > 1, `${reads} reads overlapped the pass`)
  assert.equal((await readAll(log)).records.length, 8)
  await log.close()
})
