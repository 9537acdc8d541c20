import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng } from '../../../src/lib/prng.js'

test('one seed gives one sequence', () => {
  const a = createPrng(42)
  const b = createPrng(42)
  const xs = Array.from({ length: 100 }, () => a.next())
  const ys = Array.from({ length: 100 }, () => b.next())
  assert.deepEqual(xs, ys)
  assert.notDeepEqual(xs, Array.from({ length: 100 }, createPrng(43).next))
})

test('int and range stay in bounds and cover them', () => {
  const r = createPrng(7)
  const seen = new Set<number>()
  for (let i = 0; i < 10_000; i++) {
    const v = r.range(-3, 3)
    assert.ok(v >= -3 && v <= 3 && Number.isInteger(v))
    seen.add(v)
    const w = r.int(10)
    assert.ok(w >= 0 && w < 10)
  }
  assert.equal(seen.size, 7)
})

test('fork gives an independent, still deterministic stream', () => {
  const a = createPrng(1).fork()
  const b = createPrng(1).fork()
  assert.equal(a.next(), b.next())
})
