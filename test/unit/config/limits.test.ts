import assert from 'node:assert/strict'
import { test } from 'node:test'

test('limits load: every relation asserted in limits.ts holds', async () => {
  // The module asserts its relations at load; a broken relation makes this import throw.
  const { limits } = await import('../../../src/config/limits.js')
  for (const [name, value] of Object.entries(limits)) {
    assert.ok(Number.isSafeInteger(value) && value > 0, `${name} is a positive integer`)
  }
})
