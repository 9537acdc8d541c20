import assert from 'node:assert/strict'
import { test } from 'node:test'
import { readBatchHeader } from '../../../src/protocol/records/header.js'
import { StorageError } from '../../../src/storage/errors.js'
import { parseFsyncPolicy } from '../../../src/storage/options.js'
import { makeBatch, seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

const KiB = 1024

function isStorageError(code: string): (err: unknown) => boolean {
  return (err) => err instanceof StorageError && err.code === code
}

test('append assigns offsets in call order and read returns the stored bytes', async () => {
  const env = memoryLog()
  const log = await env.open()
  const batches = [seededBatch(1, 3, 10), seededBatch(2, 1, 10), seededBatch(3, 5, 10)]
  const results = await Promise.all(batches.map((b) => log.append(b, t(1))))
  assert.deepEqual(
    results.map((r) => [r.baseOffset, r.lastOffset]),
    [
      [0, 2],
      [3, 3],
      [4, 8],
    ],
  )
  assert.equal(log.logEndOffset(), 9)
  assert.equal(log.durableEndOffset(), 9)
  const first = await log.read(o(0), 1)
  assert.deepEqual(first, batches[0], 'at least one whole batch even past maxBytes')
  const all = await log.read(o(4), 1 << 20)
  assert.deepEqual(all, batches[2])
  const header = readBatchHeader(all)
  assert.equal(header.baseOffset, 4)
  assert.equal(header.partitionLeaderEpoch, 1)
  const middle = await log.read(o(1), 1 << 20)
  assert.equal(
    middle.byteLength,
    batches.reduce((n, b) => n + b.byteLength, 0),
    'starts at the batch holding 1',
  )
  assert.equal((await log.read(o(9), 100)).byteLength, 0, 'empty at the end')
  await assert.rejects(log.read(o(10), 100), isStorageError('OFFSET_OUT_OF_RANGE'))
  await log.close()
})

test('appends in one turn share one write and one fdatasync', async () => {
  const env = memoryLog()
  const log = await env.open()
  await log.append(seededBatch(0, 1, 100), t(1)) // the first batch of a term also writes the term list
  const before = { ...env.fs.stats }
  await Promise.all(Array.from({ length: 64 }, (_, i) => log.append(seededBatch(i, 1, 100), t(1))))
  assert.equal(env.fs.stats.datasyncs - before.datasyncs, 1)
  assert.equal(env.fs.stats.writes - before.writes, 1)
  await log.close()
})

test('a promise resolves only after its bytes are synced', async () => {
  const env = memoryLog()
  const log = await env.open()
  let resolved = false
  const done = log.append(seededBatch(1, 1, 10), t(1)).then(() => {
    resolved = true
  })
  // Before the drain runs, nothing is on disk and nothing is resolved.
  assert.equal(resolved, false)
  await done
  env.fs.crash()
  const reopened = await env.open()
  assert.equal(reopened.logEndOffset(), 1)
  await reopened.close()
})

test('termOf answers from term ranges, which survive reopening', async () => {
  const env = memoryLog()
  const log = await env.open()
  await log.append(seededBatch(1, 2, 10), t(1))
  await log.append(seededBatch(2, 2, 10), t(1))
  await log.append(seededBatch(3, 2, 10), t(3))
  await log.append(seededBatch(4, 1, 10), t(7))
  const expect = [1, 1, 1, 1, 3, 3, 7]
  assert.deepEqual(
    expect.map((_, i) => log.termOf(o(i))),
    expect,
  )
  assert.equal(log.termOf(o(7)), undefined)
  assert.equal(log.lastTerm(), 7)
  await assert.rejects(log.append(seededBatch(5, 1, 10), t(2)), /below the log's last term/)
  await log.close()
  const again = await env.open()
  assert.deepEqual(
    expect.map((_, i) => again.termOf(o(i))),
    expect,
  )
  await again.close()
})

test('invalid batches are refused with typed errors', async () => {
  const env = memoryLog()
  const log = await env.open()
  const good = seededBatch(1, 2, 10)
  const badCrc = good.slice()
  badCrc[70] = (badCrc[70] as number) ^ 1
  await assert.rejects(log.append(badCrc, t(1)), isStorageError('INVALID_BATCH'))
  await assert.rejects(log.append(good.subarray(0, 40), t(1)), isStorageError('INVALID_BATCH'))
  const badMagic = good.slice()
  badMagic[16] = 1
  await assert.rejects(log.append(badMagic, t(1)), isStorageError('INVALID_BATCH'))
  const twoBatches = new Uint8Array([...good, ...good])
  await assert.rejects(log.append(twoBatches, t(1)), isStorageError('INVALID_BATCH'))
  assert.equal(log.logEndOffset(), 0)
  await log.close()
})

test('segments roll by size and by age, named by base offset', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB, segmentMs: 60_000 })
  const log = await env.open()
  for (let i = 0; i < 20; i++) await log.append(seededBatch(i, 1, 8 * KiB), t(1))
  const names = (await env.fs.list('/data/topic-0')).filter((n) => n.endsWith('.log'))
  assert.ok(names.length >= 3, `rolled by size: ${names.join(',')}`)
  assert.equal(names[0], '00000000000000000000.log')
  const before = names.length
  env.clock.now += 60_000
  await log.append(seededBatch(99, 1, 10), t(1))
  const after = (await env.fs.list('/data/topic-0')).filter((n) => n.endsWith('.log'))
  assert.equal(after.length, before + 1, 'rolled by age')
  assert.equal(after[after.length - 1], '00000000000000000020.log')
  for (let i = 0; i <= 20; i++) assert.equal(readBatchHeader(await log.read(o(i), 1)).baseOffset, i)
  await log.close()
})

test('truncateSuffix cuts at the batch holding the offset, across segments', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  for (let i = 0; i < 30; i++) await log.append(seededBatch(i, 2, 4 * KiB), t(i < 20 ? 1 : 2))
  const end = await log.truncateSuffix(o(21))
  assert.equal(end, 20)
  assert.equal(log.logEndOffset(), 20)
  assert.equal(log.termOf(o(19)), 1)
  assert.equal(log.lastTerm(), 1)
  const r = await log.append(seededBatch(100, 1, 10), t(3))
  assert.equal(r.baseOffset, 20)
  await log.close()
  const again = await env.open()
  assert.equal(again.logEndOffset(), 21)
  assert.equal(again.termOf(o(20)), 3)
  assert.equal(again.termOf(o(19)), 1)
  await again.close()
})

test('truncatePrefix moves the log start, deletes whole segments and survives reopening', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  for (let i = 0; i < 40; i++) await log.append(seededBatch(i, 1, 4 * KiB), t(1))
  const sizeBefore = log.sizeBytes()
  await log.truncatePrefix(o(25))
  assert.equal(log.logStartOffset(), 25)
  assert.ok(log.sizeBytes() < sizeBefore)
  await assert.rejects(log.read(o(24), 100), isStorageError('OFFSET_OUT_OF_RANGE'))
  assert.equal(readBatchHeader(await log.read(o(25), 1)).baseOffset, 25)
  await log.close()
  const again = await env.open()
  assert.equal(again.logStartOffset(), 25)
  assert.equal(again.logEndOffset(), 40)
  await again.truncatePrefix(o(100))
  assert.equal(again.logStartOffset(), 100)
  assert.equal(again.logEndOffset(), 100)
  assert.equal((await again.append(seededBatch(1, 1, 1), t(1))).baseOffset, 100)
  await again.close()
})

test('retention by bytes and by time deletes whole sealed segments only', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  const base = 1_700_000_000_000
  for (let i = 0; i < 40; i++) await log.append(seededBatch(i, 1, 4 * KiB, base + i * 1000), t(1))
  const byBytes = await log.applyRetention({ retentionBytes: 100 * KiB, nowMs: base })
  assert.ok(byBytes.segmentsDeleted >= 1)
  assert.ok(log.sizeBytes() >= 100 * KiB)
  assert.equal(log.logStartOffset(), byBytes.logStartOffset)
  const byTime = await log.applyRetention({ retentionMs: 1, nowMs: base + 1_000_000 })
  assert.ok(byTime.segmentsDeleted >= 1)
  assert.ok(log.sizeBytes() > 0, 'the active segment stays')
  assert.equal(log.logEndOffset(), 40)
  await log.close()
})

test('offsetForTimestamp finds the first batch at or after a time', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB, indexIntervalBytes: 512 })
  const log = await env.open()
  const base = 1_700_000_000_000
  for (let i = 0; i < 60; i++) await log.append(seededBatch(i, 1, 2 * KiB, base + i * 10), t(1))
  assert.equal(await log.offsetForTimestamp(base), 0)
  assert.equal(await log.offsetForTimestamp(base + 255), 26)
  assert.equal(await log.offsetForTimestamp(base + 590), 59)
  assert.equal(await log.offsetForTimestamp(base + 591), undefined)
  assert.equal(await log.maxTimestamp(), base + 590)
  await log.close()
})

test('a full disk is a typed error, the log then refuses work until reopened', async () => {
  const env = memoryLog()
  const log = await env.open()
  await log.append(seededBatch(1, 1, 100), t(1))
  env.fs.capacityBytes = env.fs.usedBytes() + 50
  await assert.rejects(log.append(seededBatch(2, 1, 100), t(1)), isStorageError('DISK_FULL'))
  await assert.rejects(log.append(seededBatch(3, 1, 100), t(1)), isStorageError('LOG_FAILED'))
  env.fs.capacityBytes = Number.POSITIVE_INFINITY
  const again = await env.open()
  assert.equal(again.logEndOffset(), 1)
  assert.equal((await again.append(seededBatch(4, 1, 10), t(1))).baseOffset, 1)
  await again.close()
})

test('fsync=never and fsync=interval resolve after the write and sync later', async () => {
  const env = memoryLog()
  const never = await env.open({ fsync: parseFsyncPolicy('never') })
  await never.append(seededBatch(1, 1, 10), t(1))
  assert.equal(never.writtenEndOffset(), 1)
  assert.equal(never.durableEndOffset(), 0)
  await never.flush()
  assert.equal(never.durableEndOffset(), 1)
  await never.close()
  const timers: Array<() => void> = []
  const interval = await env.open({
    fsync: parseFsyncPolicy('interval:50'),
    timers: {
      setTimeout: (run) => {
        timers.push(run)
        return () => {}
      },
    },
  })
  const progress: number[] = []
  interval.onProgress((p) => progress.push(p.durableEndOffset))
  await interval.append(seededBatch(2, 1, 10), t(1))
  assert.equal(interval.durableEndOffset(), 1)
  assert.equal(timers.length, 1)
  timers[0]?.()
  await interval.flush()
  assert.equal(interval.durableEndOffset(), 2)
  assert.ok(progress.includes(2))
  await interval.close()
  assert.throws(() => parseFsyncPolicy('sometimes'), RangeError)
  assert.throws(() => parseFsyncPolicy('interval:0'), RangeError)
})

test('a batch larger than the segment size gets a segment of its own', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  await log.append(seededBatch(1, 1, 10), t(1))
  const big = makeBatch({ values: [new Uint8Array(100 * KiB)] })
  assert.equal((await log.append(big, t(1))).baseOffset, 1)
  await log.append(seededBatch(2, 1, 10), t(1))
  assert.deepEqual(await log.read(o(1), 10), big)
  const logs = (await env.fs.list('/data/topic-0')).filter((n) => n.endsWith('.log'))
  assert.equal(logs.length, 3)
  await log.close()
})
