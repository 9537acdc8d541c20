/**
 * Clean shutdown (README: Clean shutdown, S1–S5): a clean close writes the active segment's
 * indexes and a marker, and the next open trusts them instead of scanning the active segment;
 * a crash at any step of close or of open, or a marker that no longer matches the files, leaves
 * a log that reopens equal to the reference (offsets, bytes, terms, ends) and reads whole.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng } from '../../../src/lib/prng.js'
import { batchTotalBytes, readBatchHeader } from '../../../src/protocol/records/header.js'
import { CLEAN_SHUTDOWN_FILE } from '../../../src/storage/checkpoint.js'
import { parseFsyncPolicy } from '../../../src/storage/options.js'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import type { MemoryFileSystem } from '../../../src/testing/memory-fs.js'
import { seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t, type TestLog } from '../../helpers/storage.js'

const DIR = '/data/topic-0'
const MARKER = `${DIR}/${CLEAN_SHUTDOWN_FILE}`
const microtaskTimers = { setTimeout: () => () => {}, defer: queueMicrotask }

interface LogState {
  start: number
  end: number
  lastTerm: number
  batches: Array<{ base: number; last: number; term: number | undefined; hex: string }>
}

/** Everything a reader can see, read batch by batch (every read is checked by the log). */
async function stateOf(log: PartitionLog): Promise<LogState> {
  const batches: LogState['batches'] = []
  let next: number = log.logStartOffset()
  while (next < log.logEndOffset()) {
    const bytes = await log.read(o(next), 64 * 1024)
    assert.ok(bytes.byteLength > 0, `something to read at ${next}`)
    for (let at = 0; at < bytes.byteLength; ) {
      const total = batchTotalBytes(bytes, at) as number
      const one = bytes.subarray(at, at + total)
      const h = readBatchHeader(one)
      const last = h.baseOffset + h.lastOffsetDelta
      batches.push({
        base: h.baseOffset,
        last,
        term: log.termOf(o(h.baseOffset)),
        hex: Buffer.from(one).toString('hex'),
      })
      next = last + 1
      at += total
    }
  }
  return { start: log.logStartOffset(), end: log.logEndOffset(), lastTerm: log.lastTerm(), batches }
}

/** Three terms over three segments, the last (active) one ~40 KiB; a prefix truncated away. */
async function setUp(fsync: 'always' | 'never' = 'always'): Promise<{ env: TestLog; log: PartitionLog }> {
  const env = memoryLog({
    timers: microtaskTimers,
    indexIntervalBytes: 512,
    segmentBytes: 1024 * 1024,
    fsync: parseFsyncPolicy(fsync),
  })
  const log = await env.open()
  for (let i = 0; i < 60; i++) {
    await log.append(seededBatch(i, 1 + (i % 3), 700 + (i % 5) * 100), t(1 + Math.floor(i / 25)))
    if (i === 20) await log.roll()
  }
  await log.truncatePrefix(o(7))
  return { env, log }
}

async function activePath(env: TestLog): Promise<string> {
  const logs = (await env.fs.process().list(DIR)).filter((n) => n.endsWith('.log')).sort()
  assert.ok(logs.length > 1, 'sealed segments and an active one')
  return `${DIR}/${logs.at(-1) as string}`
}

async function sizeOf(fs: MemoryFileSystem, path: string): Promise<number> {
  return (await fs.process().sizeOf(path)) ?? -1
}

test('a clean reopen reads none of the active segment and equals a scanned reopen', async () => {
  const { env, log } = await setUp()
  const ref = await stateOf(log)
  await log.close()
  const active = await activePath(env)
  const activeBytes = await sizeOf(env.fs, active)
  assert.ok(activeBytes > 30_000, `active segment of ${activeBytes} bytes`)
  assert.notEqual(env.fs.snapshot(MARKER), undefined, 'close left a marker')

  const before = env.fs.stats.bytesRead
  const clean = await env.open()
  const readOnOpen = env.fs.stats.bytesRead - before
  // The marker, two checkpoints and the active segment's two index files: no .log bytes.
  assert.ok(readOnOpen < 2_000, `a clean open read ${readOnOpen} bytes`)
  assert.equal(env.fs.snapshot(MARKER), undefined, 'the open removed the marker')
  assert.deepEqual(await stateOf(clean), ref, 'the clean open reads back the reference')
  env.fs.crash()
  assert.equal(env.fs.snapshot(MARKER), undefined, 'the marker removal was durable before open returned')

  // The same files opened after that crash (no marker) are scanned: the whole active segment.
  const scanBefore = env.fs.stats.bytesRead
  const scanned = await env.open()
  assert.ok(env.fs.stats.bytesRead - scanBefore >= activeBytes, 'a reopen without a marker scans')
  assert.deepEqual(await stateOf(scanned), ref)
  await scanned.close()
  const again = await env.open()
  assert.deepEqual(await stateOf(again), ref)
  // The adopted index keeps working for lookups and appends after the clean open.
  assert.equal(await again.offsetForTimestamp(0), ref.start)
  const appended = await again.append(seededBatch(99, 2, 300), t(4))
  assert.equal(appended.baseOffset, ref.end)
  await again.close()
  const last = await env.open()
  const after = await stateOf(last)
  assert.deepEqual(after.batches.slice(0, -1), ref.batches)
  assert.equal(after.end, ref.end + 2)
  assert.equal(after.lastTerm, 4)
  assert.deepEqual(env.warnings, [])
})

test('a marker that does not match the files is ignored and the log recovers as after a crash', async () => {
  const cases: Array<{
    name: string
    damage: (env: TestLog, active: string) => Promise<void>
    cut: boolean
  }> = [
    {
      name: 'bytes appended behind our back',
      cut: true,
      damage: async (env, active) => {
        const h = await env.fs.process().open(active, { create: false })
        await h.write(new Uint8Array(100).fill(7), await h.size())
        await h.datasync()
        await h.close()
      },
    },
    {
      name: 'truncated behind our back',
      cut: true,
      damage: async (env, active) => {
        const h = await env.fs.process().open(active, { create: false })
        await h.truncate((await h.size()) - 5)
        await h.datasync()
        await h.close()
      },
    },
    { name: 'a damaged marker', cut: false, damage: async (env) => env.fs.flipBit(MARKER, 9, 0) },
    {
      name: 'a missing index file',
      cut: false,
      damage: async (env, active) => {
        await env.fs.process().remove(active.replace(/\.log$/, '.timeindex'))
      },
    },
    {
      name: 'a lost term checkpoint',
      cut: false,
      damage: async (env) => {
        await env.fs.process().remove(`${DIR}/term-ranges`)
      },
    },
  ]
  for (const c of cases) {
    const { env, log } = await setUp()
    const ref = await stateOf(log)
    await log.close()
    const active = await activePath(env)
    const activeBytes = await sizeOf(env.fs, active)
    await c.damage(env, active)
    const before = env.fs.stats.bytesRead
    const reopened = await env.open()
    assert.ok(
      env.fs.stats.bytesRead - before >= Math.min(activeBytes, await sizeOf(env.fs, active)),
      `${c.name}: scanned`,
    )
    assert.equal(env.fs.snapshot(MARKER), undefined, `${c.name}: marker removed`)
    const state = await stateOf(reopened)
    if (c.name.startsWith('truncated')) {
      // The torn last batch is cut: the log is the reference without its last batch.
      assert.deepEqual(state.batches, ref.batches.slice(0, -1), c.name)
      assert.equal(state.end, (ref.batches.at(-1) as { base: number }).base, c.name)
    } else {
      assert.deepEqual(state, ref, c.name)
    }
    assert.equal(
      env.warnings.some((w) => w.includes('storage: recovered')),
      c.cut,
      `${c.name}: ${env.warnings.join('; ')}`,
    )
    await reopened.close()
  }
})

type Mode = 'none' | 'all' | 'random'
const prng = createPrng(11)
function crashWith(fs: MemoryFileSystem, mode: Mode): void {
  fs.crash({
    keep: (op) =>
      mode === 'none'
        ? 0
        : mode === 'all'
          ? Number.MAX_SAFE_INTEGER
          : op.kind === 'write'
            ? prng.range(0, op.length)
            : prng.int(2),
  })
}

/** Microtask steps `run` takes on a fresh log, to crash at each of them. */
async function stepsOf(run: () => Promise<unknown>): Promise<number> {
  let done = false
  const pending = run().then(() => {
    done = true
  })
  let steps = 0
  for (; !done && steps < 100_000; steps++) await Promise.resolve()
  await pending
  return steps
}

test('a crash at every step of a clean close reopens equal to the reference', async () => {
  for (const fsync of ['always', 'never'] as const) {
    const first = await setUp(fsync)
    const ref = await stateOf(first.log)
    const steps = await stepsOf(() => first.log.close())
    assert.ok(steps > 10, `close took ${steps} steps`)
    let trusted = 0
    for (let step = 0; step <= steps; step++) {
      for (const mode of ['none', 'all', 'random'] as const) {
        const where = `fsync=${fsync} step ${step}/${steps} (${mode})`
        const { env, log } = await setUp(fsync)
        const pending = log.close().catch(() => undefined)
        for (let s = 0; s < step; s++) await Promise.resolve()
        crashWith(env.fs, mode)
        await pending
        const markerLeft = env.fs.snapshot(MARKER) !== undefined
        const warnings = env.warnings.length
        const reopened = await env.open()
        const state = await stateOf(reopened)
        if (fsync === 'always' || markerLeft) {
          assert.deepEqual(state, ref, where)
        } else {
          // Unsynced appends may be lost, never reordered or changed: a prefix of the reference.
          assert.deepEqual(state.batches, ref.batches.slice(0, state.batches.length), where)
          assert.equal(state.start, ref.start, where)
        }
        if (markerLeft && env.warnings.length === warnings) trusted++
        await reopened.append(seededBatch(500 + step, 1, 200), t(9))
        await reopened.close()
        const after = await stateOf(await env.open())
        assert.deepEqual(after.batches.slice(0, -1), state.batches, where)
        assert.equal(after.end, state.end + 1, where)
      }
    }
    assert.ok(trusted > 0, `fsync=${fsync}: some crashes came after the marker was durable`)
  }
})

test('a crash at every step of a clean open reopens equal to the reference; the marker never survives an open', async () => {
  const first = await setUp()
  const ref = await stateOf(first.log)
  await first.log.close()
  const steps = await stepsOf(() => first.env.open())
  assert.ok(steps > 10, `open took ${steps} steps`)
  for (let step = 0; step <= steps; step++) {
    for (const mode of ['none', 'all', 'random'] as const) {
      const where = `step ${step}/${steps} (${mode})`
      const { env, log } = await setUp('never')
      await log.close()
      const pending = env.open().catch(() => undefined)
      for (let s = 0; s < step; s++) await Promise.resolve()
      crashWith(env.fs, mode)
      await pending
      const reopened = await env.open({ fsync: parseFsyncPolicy('never') })
      assert.deepEqual(await stateOf(reopened), ref, where)
      assert.equal(env.fs.snapshot(MARKER), undefined, where)
      // Appends and a suffix truncation of this session, unsynced, then a crash: the next open
      // must scan (no marker can vouch for them) and find a consistent log.
      await reopened.truncateSuffix(o((ref.batches.at(-3) as { base: number }).base))
      await reopened.append(seededBatch(700 + step, 2, 900), t(5))
      crashWith(env.fs, mode)
      const scanned = await env.open()
      const state = await stateOf(scanned)
      assert.ok(state.end >= (ref.batches.at(-3) as { base: number }).base, where)
      const kept = ref.batches.length - 3
      assert.deepEqual(state.batches.slice(0, kept), ref.batches.slice(0, kept), where)
      await scanned.close()
    }
  }
})
