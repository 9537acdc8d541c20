/**
 * The deadline index against a plain map: whatever the sequence of reschedules, `next` is the
 * smallest scheduled deadline and `takeDue` hands out exactly the due groups, earliest first.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { Deadlines } from '../../../src/groups/deadlines.js'

type Op = { kind: 'set'; group: number; at: number | null } | { kind: 'take'; now: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      group: fc.nat(20),
      at: fc.option(fc.nat(1_000), { freq: 5 }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('take' as const), now: fc.nat(1_000) }), weight: 1 },
)

test('the deadline index agrees with a map of deadlines', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 3_000 }), (ops) => {
      const index = new Deadlines()
      const model = new Map<string, number>()
      for (const o of ops) {
        if (o.kind === 'set') {
          index.set(`g${o.group}`, o.at)
          if (o.at === null) model.delete(`g${o.group}`)
          else model.set(`g${o.group}`, o.at)
        } else {
          const expected = [...model]
            .filter(([, at]) => at <= o.now)
            .sort(([ga, a], [gb, b]) => (a !== b ? a - b : ga < gb ? -1 : 1))
            .map(([g]) => g)
          for (const g of expected) model.delete(g)
          assert.deepEqual(index.takeDue(o.now), expected)
        }
        const min = model.size === 0 ? null : Math.min(...model.values())
        assert.equal(index.next(), min)
      }
    }),
    { numRuns: 200 },
  )
})

test('rescheduling one group many times keeps the index small and right', () => {
  const index = new Deadlines()
  for (let i = 0; i < 10_000; i++) index.set('busy', 10_000 - i)
  index.set('other', 500)
  const heap = (index as unknown as { heap: { size: number } }).heap
  assert.ok(heap.size <= 2 * 2 + 1_024 + 1, `stale entries are compacted (${heap.size})`)
  assert.equal(index.next(), 1)
  assert.deepEqual(index.takeDue(499), ['busy'])
  assert.equal(index.next(), 500)
  assert.deepEqual(index.takeDue(10_000), ['other'])
  assert.equal(index.next(), null)
})
