import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rawNodeFactory } from '../../src/testing/sim/run.js'
import { runSeed } from '../../src/testing/sim/world.js'

function logOf(seed: number): string {
  const r = runSeed({ seed, factory: rawNodeFactory, keepLog: true })
  return `${r.log.join('\n')}\n${r.violation?.message ?? 'ok'} ${r.events} ${r.simMs}\n`
}

test('one seed run twice gives byte-identical event logs', () => {
  for (const seed of [7, 4242]) {
    const a = logOf(seed)
    const b = logOf(seed)
    assert.ok(a.length > 10_000, 'the log records the run')
    assert.equal(Buffer.compare(Buffer.from(a), Buffer.from(b)), 0, `seed ${seed} replays differently`)
  }
})

test('different seeds give different runs', () => {
  assert.notEqual(logOf(1), logOf(2))
})
