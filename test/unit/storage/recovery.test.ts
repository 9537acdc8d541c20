/**
 * The simulated disk: torn writes at every byte of the last batch, unsynced writes lost in a
 * crash, flipped bits in sealed segments and in index files, and what recovery makes of them.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng } from '../../../src/lib/prng.js'
import { readBatchHeader } from '../../../src/protocol/records/header.js'
import { StorageError } from '../../../src/storage/errors.js'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import { seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

const KiB = 1024
const DIR = '/data/topic-0'

/** Reads every batch from `from` to the end, one read per batch, as raw byte arrays. */
async function readAll(log: PartitionLog, from = log.logStartOffset()): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  let next: number = from
  for (let i = 0; i < 100_000 && next < log.writtenEndOffset(); i++) {
    const bytes = await log.read(o(next), 1)
    assert.ok(bytes.byteLength > 0, `a batch at ${next}`)
    out.push(bytes)
    const h = readBatchHeader(bytes)
    next = h.baseOffset + h.lastOffsetDelta + 1
  }
  return out
}

test('a torn write at every byte of the last batch recovers to exactly the last whole batch', async () => {
  const firsts = [seededBatch(1, 3, 40), seededBatch(2, 2, 40), seededBatch(3, 1, 40)]
  const lastLength = seededBatch(4, 4, 30).byteLength
  let cutLines = 0
  for (let keep = 0; keep <= lastLength; keep++) {
    const env = memoryLog()
    const durable = await env.open()
    for (const b of firsts) await durable.append(b.slice(), t(2))
    await durable.close()
    const lazy = await env.open({ fsync: { kind: 'never' } })
    await lazy.append(seededBatch(4, 4, 30), t(2))
    env.fs.crash({ keep: (op) => (op.kind === 'write' && op.path.endsWith('.log') ? keep : 0) })
    const log = await env.open()
    const whole = keep === lastLength
    assert.equal(log.logEndOffset(), whole ? 10 : 6, `kept ${keep} of ${lastLength} bytes`)
    const batches = await readAll(log)
    assert.equal(batches.length, whole ? 4 : 3)
    for (let i = 0; i < 3; i++)
      assert.deepEqual(readBatchHeader(batches[i] as Uint8Array).baseOffset, [0, 3, 5][i])
    if (keep > 0 && !whole) {
      assert.ok(
        env.warnings.some((w) => w.includes(`cut ${keep} bytes`)),
        env.warnings.join('\n'),
      )
      cutLines++
    }
    assert.equal((await log.append(seededBatch(5, 1, 10), t(2))).baseOffset, whole ? 10 : 6)
    await log.close()
  }
  assert.equal(cutLines, lastLength - 1)
})

test('writes never synced are gone after a crash and the log stays consistent', async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const prng = createPrng(seed)
    const env = memoryLog({ segmentBytes: 64 * KiB, fsync: { kind: 'never' } })
    const log = await env.open()
    const written: Uint8Array[] = []
    const n = prng.range(1, 60)
    for (let i = 0; i < n; i++) {
      const batch = seededBatch(seed * 1000 + i, prng.range(1, 4), prng.range(1, 3 * KiB))
      await log.append(batch, t(1))
      written.push(batch)
      if (prng.chance(0.1)) await log.flush()
    }
    const durableEnd = log.durableEndOffset()
    const writtenEnd = log.writtenEndOffset()
    const tornOnly = prng.chance(0.5)
    env.fs.crash({ keep: (op) => (tornOnly && op.kind === 'write' ? prng.range(0, op.length) : 0) })
    const again = await env.open()
    const end = again.logEndOffset()
    assert.ok(
      end >= durableEnd && end <= writtenEnd,
      `seed ${seed}: ${durableEnd} <= ${end} <= ${writtenEnd}`,
    )
    if (!tornOnly) assert.equal(end, durableEnd, `seed ${seed}: nothing unsynced survives`)
    const batches = await readAll(again)
    for (const [i, b] of batches.entries()) assert.deepEqual(b, written[i], `seed ${seed}: batch ${i} intact`)
    assert.equal((await again.append(seededBatch(1, 1, 1), t(1))).baseOffset, end)
    await again.close()
  }
})

test('a flipped bit anywhere in a sealed batch gives CORRUPT_BATCH, never the bytes', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  const batches: Uint8Array[] = []
  for (let i = 0; i < 12; i++) {
    const b = seededBatch(i, 2, 60)
    await log.append(b, t(1))
    batches.push(b)
  }
  await log.roll()
  await log.append(seededBatch(99, 1, 10), t(1))
  const victim = 6
  const position = batches.slice(0, victim).reduce((n, b) => n + b.byteLength, 0)
  const length = (batches[victim] as Uint8Array).byteLength
  const path = `${DIR}/00000000000000000000.log`
  let corrupt = 0
  for (let byte = 0; byte < length; byte++) {
    for (let bit = 0; bit < 8; bit++) {
      env.fs.flipBit(path, position + byte, bit)
      await assert.rejects(
        log.read(o(victim * 2 + 1), 1 << 20),
        (err) => err instanceof StorageError && err.code === 'CORRUPT_BATCH',
        `bit ${bit} of byte ${byte}`,
      )
      corrupt++
      env.fs.flipBit(path, position + byte, bit)
    }
  }
  assert.equal(corrupt, length * 8)
  assert.deepEqual(await log.read(o(victim * 2), 1), batches[victim], 'intact again after flipping back')
  await log.close()
})

test('a damaged or missing index is rebuilt from the log', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB, indexIntervalBytes: 256 })
  const log = await env.open()
  const batches: Uint8Array[] = []
  for (let i = 0; i < 40; i++) {
    const b = seededBatch(i, 1, 100)
    await log.append(b, t(1))
    batches.push(b)
  }
  await log.roll()
  await log.close()
  env.fs.flipBit(`${DIR}/00000000000000000000.index`, 9, 3)
  await env.fs.remove(`${DIR}/00000000000000000000.timeindex`)
  const again = await env.open()
  for (let i = 0; i < 40; i++) assert.deepEqual(await again.read(o(i), 1), batches[i])
  assert.ok(env.warnings.some((w) => w.includes('rebuilt the index')))
  assert.ok((await env.fs.sizeOf(`${DIR}/00000000000000000000.timeindex`)) !== undefined, 'rewritten')
  await again.close()
})

test('a lost term checkpoint is rebuilt by scanning the segments', async () => {
  const env = memoryLog({ segmentBytes: 64 * KiB })
  const log = await env.open()
  for (let i = 0; i < 30; i++) await log.append(seededBatch(i, 1, 4 * KiB), t(1 + Math.floor(i / 10)))
  await log.close()
  await env.fs.remove(`${DIR}/term-ranges`)
  const again = await env.open()
  for (let i = 0; i < 30; i++) assert.equal(again.termOf(o(i)), 1 + Math.floor(i / 10))
  assert.ok(env.warnings.some((w) => w.includes('term ranges missing')))
  await again.close()
})
