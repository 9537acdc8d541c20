/**
 * A crash of the simulated disk at every step of a compaction pass (README C1–C6), with the
 * unsynced operations all lost, all kept, or kept at random: afterwards every segment file is
 * byte-equal to its old or its cleaned version (never missing, never a mix), no `.cleaned` file
 * is left, the log reads back whole with the same end, and a new pass completes the cleaning.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng } from '../../../src/lib/prng.js'
import type { MemoryFileSystem } from '../../../src/testing/memory-fs.js'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import { keyedBatch, readAll } from '../../helpers/compaction.js'
import { memoryLog, t, type TestLog } from '../../helpers/storage.js'

const DIR = '/data/topic-0'
const microtaskTimers = { setTimeout: () => () => {}, defer: queueMicrotask }

async function setUp(): Promise<{ env: TestLog; log: PartitionLog }> {
  const env = memoryLog({ timers: microtaskTimers, indexIntervalBytes: 256 })
  const log = await env.open()
  for (let i = 0; i < 80; i++) {
    if (i > 0 && i % 20 === 0) await log.roll()
    const value = i % 7 === 3 ? null : `v${i}`
    await log.append(
      keyedBatch([
        { key: `k${i % 6}`, value },
        { key: `j${i % 4}`, value: `w${i}` },
      ]),
      t(1 + (i >> 5)),
    )
  }
  return { env, log }
}

const policy = (now: number) => ({
  nowMs: now + 10_000_000_000,
  deleteRetentionMs: 1000,
  minCompactionLagMs: 0,
})

async function logFiles(fs: MemoryFileSystem): Promise<Map<string, string>> {
  const p = fs.process()
  const out = new Map<string, string>()
  for (const name of (await p.list(DIR)).sort()) {
    if (!name.endsWith('.log') && !name.endsWith('.cleaned')) continue
    const path = `${DIR}/${name}`
    const size = (await p.sizeOf(path)) ?? 0
    const h = await p.open(path, { create: false })
    const bytes = new Uint8Array(size)
    await h.read(bytes, 0)
    await h.close()
    out.set(name, Buffer.from(bytes).toString('hex'))
  }
  return out
}

test('a crash at every step of compaction leaves each segment old or cleaned, never neither or a mix', async () => {
  // The reference: the pass without a crash, counting the steps it takes.
  const ref = await setUp()
  await ref.log.flush()
  const oldFiles = await logFiles(ref.env.fs)
  const oldRead = await readAll(ref.log)
  const end = ref.log.logEndOffset()
  let done = false
  const pass = ref.log.compact(policy(ref.env.clock.now)).then((r) => {
    done = true
    return r
  })
  let steps = 0
  for (; !done && steps < 100_000; steps++) await Promise.resolve()
  const refResult = await pass
  assert.ok(refResult.segmentsCleaned >= 3, `cleaned ${refResult.segmentsCleaned}`)
  const newFiles = await logFiles(ref.env.fs)
  const newRead = await readAll(ref.log)
  assert.ok(newRead.records.length < oldRead.records.length)
  let mixed = 0
  const prng = createPrng(7)
  for (let step = 0; step <= steps; step++) {
    for (const mode of ['none', 'all', 'random'] as const) {
      const { env, log } = await setUp()
      await log.flush()
      const pending = log.compact(policy(env.clock.now)).catch(() => undefined)
      for (let s = 0; s < step; s++) await Promise.resolve()
      env.fs.crash({
        keep: (op) =>
          mode === 'none'
            ? 0
            : mode === 'all'
              ? Number.MAX_SAFE_INTEGER
              : op.kind === 'write'
                ? prng.range(0, op.length)
                : prng.int(2),
      })
      await pending
      const reopened = await env.open()
      const files = await logFiles(env.fs)
      const where = `step ${step}/${steps} (${mode})`
      assert.deepEqual(
        [...files.keys()],
        [...oldFiles.keys()],
        `${where}: the same segments, no .cleaned left`,
      )
      let cleaned = 0
      for (const [name, hex] of files) {
        const isOld = hex === oldFiles.get(name)
        const isNew = hex === newFiles.get(name)
        assert.ok(isOld || isNew, `${where}: ${name} is neither the old nor the cleaned file`)
        if (isNew && !isOld) cleaned++
      }
      if (cleaned > 0 && cleaned < refResult.segmentsCleaned) mixed++
      assert.equal(reopened.logEndOffset(), end, where)
      const read = await readAll(reopened)
      assert.equal(read.headers.at(-1)?.baseOffset, oldRead.headers.at(-1)?.baseOffset, where)
      // A new pass finishes the job: the log then reads as the reference does.
      await reopened.compact(policy(env.clock.now))
      assert.deepEqual((await readAll(reopened)).records, newRead.records, where)
      await reopened.close()
    }
  }
  // The crashes did land between segment swaps, not only before or after the whole pass.
  assert.ok(mixed > 0, 'some crash left some segments cleaned and others not')
})
