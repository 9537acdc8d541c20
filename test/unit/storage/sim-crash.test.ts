/**
 * Crashes of the simulated disk at random moments while appends, rolls and prefix truncations
 * are in flight, with torn and lost unsynced writes: every acknowledged batch still at or above
 * the log start is there byte for byte, the whole log reads back clean, and appends work again.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng } from '../../../src/lib/prng.js'
import { readBatchHeader } from '../../../src/protocol/records/header.js'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import { seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

const SEEDS = Number(process.env.STORAGE_SIM_SEEDS ?? 25)

async function checkWhole(log: PartitionLog): Promise<number> {
  let next: number = log.logStartOffset()
  let batches = 0
  if (next < log.logEndOffset()) next = readBatchHeader(await log.read(o(next), 1)).baseOffset
  while (next < log.logEndOffset()) {
    const bytes = await log.read(o(next), 64 * 1024)
    assert.ok(bytes.byteLength > 0, `bytes at ${next}`)
    for (let at = 0; at < bytes.byteLength; batches++) {
      const h = readBatchHeader(bytes, at)
      assert.equal(h.baseOffset, next)
      next = h.baseOffset + h.lastOffsetDelta + 1
      at += 12 + h.batchLength
    }
  }
  return batches
}

test(`random crashes during appends, rolls and truncations lose nothing acknowledged (${SEEDS} seeds)`, async () => {
  let crashes = 0
  let verified = 0
  for (let seed = 1; seed <= SEEDS; seed++) {
    const prng = createPrng(seed)
    // Draining on a microtask lets the crash below land between any two steps of the queue.
    const env = memoryLog({
      segmentBytes: 64 * 1024,
      indexIntervalBytes: 512,
      timers: { setTimeout: () => () => {}, defer: queueMicrotask },
    })
    let log = await env.open()
    const acked = new Map<number, Uint8Array>()
    let term = 1
    let n = 0
    for (let round = 0; round < 6; round++) {
      let crashed = false
      const inFlight: Promise<unknown>[] = []
      const appends = prng.range(1, 30)
      for (let i = 0; i < appends; i++) {
        const batch = seededBatch(seed * 100_000 + n++, prng.range(1, 3), prng.range(1, 6000))
        if (prng.chance(0.05)) term++
        inFlight.push(
          log.append(batch, t(term)).then((r) => {
            if (!crashed) acked.set(r.baseOffset, batch)
          }),
        )
        if (prng.chance(0.05)) inFlight.push(log.roll())
        if (prng.chance(0.03) && acked.size > 0) {
          const offsets = [...acked.keys()]
          inFlight.push(log.truncatePrefix(o(offsets[prng.int(offsets.length)] as number)))
        }
      }
      // Let the queue run for a random number of steps, then pull the plug.
      const steps = prng.range(0, 400)
      for (let s = 0; s < steps; s++) await Promise.resolve()
      crashed = true
      env.fs.crash({ keep: (op) => (op.kind === 'write' ? prng.range(0, op.length) : prng.int(2)) })
      crashes++
      await Promise.allSettled(inFlight)
      log = await env.open()
      const start = log.logStartOffset()
      for (const [base, batch] of acked) {
        if (base < start) {
          acked.delete(base)
          continue
        }
        assert.deepEqual(await log.read(o(base), 1), batch, `seed ${seed} round ${round}: batch at ${base}`)
        verified++
      }
      await checkWhole(log)
      term = Math.max(term, log.lastTerm())
      const r = await log.append(seededBatch(seed, 1, 10), t(term))
      assert.equal(r.baseOffset, log.logEndOffset() - 1)
    }
    await log.close()
  }
  console.log(`simulated crashes: ${crashes}, acknowledged batches verified after them: ${verified}`)
})
