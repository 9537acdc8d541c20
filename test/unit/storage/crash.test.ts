/**
 * Crash safety with real processes: a child appends with fsync=always and prints each offset as
 * its promise resolves; we SIGKILL it at random moments, reopen the log, and check that every
 * printed batch is there byte for byte, that every stored batch reads back clean, and that
 * appends work again.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { NodeFileSystem } from '../../../src/io/impl/node-fs.js'
import { offset, term } from '../../../src/lib/branded.js'
import { createPrng } from '../../../src/lib/prng.js'
import { readBatchHeader } from '../../../src/protocol/records/header.js'
import { openPartitionLog, type PartitionLog } from '../../../src/storage/partition-log.js'
import { storedCrashBatch } from './crash-batches.js'

const KILLS = Number(process.env.CRASH_KILLS ?? 50)
const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url))

interface Acked {
  run: number
  seq: number
  baseOffset: number
}

/** Runs one child and kills it `delayMs` after it is ready (or after spawn when `early`). */
function runAndKill(dir: string, run: number, delayMs: number, early: boolean): Promise<Acked[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    const kill = (): void => {
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
    }
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    if (early) kill()
    child.stdout.on('data', (chunk: Buffer) => {
      if (!early && timer === undefined && out.length === 0) kill()
      out += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(guard)
      if (timer !== undefined) clearTimeout(timer)
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited with ${code}/${signal}: ${err}`))
        return
      }
      const lines = out.split('\n')
      lines.pop() // the last piece is a partial line or empty
      const acked: Acked[] = []
      for (const line of lines) {
        if (line === 'ready') continue
        const [seq, base] = line.split(' ').map(Number)
        acked.push({ run, seq: seq as number, baseOffset: base as number })
      }
      resolve(acked)
    })
  })
}

/** Opens the log, checks `fresh` acknowledged batches byte for byte and every batch from `walkFrom`. */
async function verify(
  dir: string,
  fresh: Acked[],
  walkFrom: number | undefined,
): Promise<{ cuts: number; batches: number; log: PartitionLog }> {
  const warnings: string[] = []
  const log = await openPartitionLog({
    fs: new NodeFileSystem(),
    dir,
    nowMs: () => Date.now(),
    segmentBytes: 64 * 1024,
    logger: { info() {}, warn: (m) => warnings.push(m) },
  })
  for (const a of fresh) {
    const bytes = await log.read(offset(a.baseOffset), 1)
    assert.deepEqual(
      bytes,
      storedCrashBatch(a.run, a.seq, a.baseOffset),
      `run ${a.run} seq ${a.seq} at ${a.baseOffset}`,
    )
  }
  // Every stored batch from walkFrom reads back checked (CRC, offsets, term) and contiguous.
  let batches = 0
  let next: number = Math.max(log.logStartOffset(), walkFrom ?? log.logStartOffset())
  if (walkFrom !== undefined && next < log.logEndOffset()) {
    // Start on a batch boundary: the batch holding walkFrom.
    next = readBatchHeader(await log.read(offset(next), 1)).baseOffset
  }
  while (next < log.logEndOffset()) {
    const bytes = await log.read(offset(next), 1 << 20)
    assert.ok(bytes.byteLength > 0)
    for (let at = 0; at < bytes.byteLength; ) {
      const h = readBatchHeader(bytes, at)
      assert.equal(h.baseOffset, next)
      next = h.baseOffset + h.lastOffsetDelta + 1
      at += 12 + h.batchLength
      batches++
    }
  }
  return { cuts: warnings.filter((w) => w.includes('cut')).length, batches, log }
}

/** One directory killed `kills` times in a row; returns what it checked. */
async function lane(
  dir: string,
  seed: number,
  kills: number,
): Promise<{ acked: Acked[]; cuts: number; batches: number }> {
  const prng = createPrng(seed)
  const acked: Acked[] = []
  let cuts = 0
  let batches = 0
  for (let run = 1; run <= kills; run++) {
    const early = prng.chance(0.1)
    const fresh = await runAndKill(dir, run, prng.range(0, 150), early)
    acked.push(...fresh)
    const from = fresh.reduce((m, a) => Math.min(m, a.baseOffset), Number.POSITIVE_INFINITY)
    const checked = await verify(dir, fresh, Number.isFinite(from) ? from : undefined)
    cuts += checked.cuts
    batches += checked.batches
    // Appends work again; the parent's own batch is acknowledged like the child's.
    const seq = 999_999
    const r = await checked.log.append(storedCrashBatch(run, seq, 0), term(run))
    acked.push({ run, seq, baseOffset: r.baseOffset })
    await checked.log.close()
  }
  // At the end, every batch ever acknowledged, and the whole log, once more.
  const final = await verify(dir, acked, undefined)
  await final.log.close()
  return { acked, cuts, batches: batches + final.batches }
}

test(`fsync=always survives ${KILLS} SIGKILLs with every acknowledged batch intact`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'petrel-crash-'))
  try {
    // Two directories killed in parallel: the machine's two cores hide each other's start-up time.
    const lanes = await Promise.all([
      lane(join(root, 'a'), 20261121, Math.ceil(KILLS / 2)),
      lane(join(root, 'b'), 20261122, Math.floor(KILLS / 2)),
    ])
    const acked = lanes.reduce((n, l) => n + l.acked.length, 0)
    const cuts = lanes.reduce((n, l) => n + l.cuts, 0)
    const batches = lanes.reduce((n, l) => n + l.batches, 0)
    console.log(
      `crash test: ${KILLS} kills, ${acked} acknowledged batches verified byte for byte, ` +
        `${batches} stored batches read back checked, ${cuts} torn tails cut`,
    )
    for (const l of lanes)
      assert.ok(l.acked.length > l.acked.length / 2 + 2, 'children acknowledged appends before dying')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
