import assert from 'node:assert/strict'
import { test } from 'node:test'
import { lastSequenceOf, ProducerStateTable } from '../../../src/kafka/producer-state.js'

const P = 42
const batch = (epoch: number, base: number, count: number) => ({
  producerId: P,
  producerEpoch: epoch,
  baseSequence: base,
  lastSequence: lastSequenceOf(base, count - 1),
})

test('an unknown producer may start anywhere; then sequences must continue', () => {
  const t = new ProducerStateTable()
  assert.deepEqual(t.check(batch(0, 7, 3)), { kind: 'append' })
  t.record({ ...batch(0, 7, 3), baseOffset: 100 })
  assert.deepEqual(t.check(batch(0, 10, 1)), { kind: 'append' })
  assert.deepEqual(t.check(batch(0, 11, 1)), { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' }, 'a gap')
  assert.deepEqual(t.check(batch(0, 5, 1)), { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' }, 'going back')
})

test('an exact retry of any of the last five batches gets its original offset', () => {
  const t = new ProducerStateTable()
  for (let i = 0; i < 7; i++) t.record({ ...batch(0, i * 2, 2), baseOffset: 1000 + i * 2 })
  for (let i = 2; i < 7; i++) {
    assert.deepEqual(t.check(batch(0, i * 2, 2)), { kind: 'duplicate', baseOffset: 1000 + i * 2 })
  }
  assert.deepEqual(
    t.check(batch(0, 2, 2)),
    { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' },
    'older than five',
  )
  assert.deepEqual(
    t.check(batch(0, 12, 1)),
    { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' },
    'same start, other end',
  )
})

test('a lower epoch is fenced; a higher epoch must start at sequence 0', () => {
  const t = new ProducerStateTable()
  t.record({ ...batch(3, 0, 5), baseOffset: 0 })
  assert.deepEqual(t.check(batch(2, 5, 1)), { kind: 'error', code: 'INVALID_PRODUCER_EPOCH' })
  assert.deepEqual(t.check(batch(4, 5, 1)), { kind: 'error', code: 'OUT_OF_ORDER_SEQUENCE' })
  assert.deepEqual(t.check(batch(4, 0, 1)), { kind: 'append' })
  t.record({ ...batch(4, 0, 1), baseOffset: 5 })
  assert.deepEqual(
    t.check(batch(3, 5, 1)),
    { kind: 'error', code: 'INVALID_PRODUCER_EPOCH' },
    'old epoch now fenced',
  )
})

test('sequences wrap at int32 max', () => {
  const t = new ProducerStateTable()
  const max = 0x7fffffff
  t.record({ ...batch(0, max - 1, 2), baseOffset: 0 })
  assert.equal(lastSequenceOf(max - 1, 1), max)
  assert.deepEqual(t.check(batch(0, 0, 1)), { kind: 'append' })
  assert.equal(lastSequenceOf(max, 2), 1)
})

test('non-idempotent batches are never checked, and the producer count is bounded', () => {
  const t = new ProducerStateTable(5, 3)
  assert.deepEqual(t.check({ producerId: -1, producerEpoch: -1, baseSequence: -1, lastSequence: -1 }), {
    kind: 'append',
  })
  for (let id = 0; id < 5; id++) {
    t.record({ producerId: id, producerEpoch: 0, baseSequence: 0, lastSequence: 0, baseOffset: id })
  }
  assert.equal(t.size, 3, 'the least recently written producers are forgotten')
})

test('replaying the same batches rebuilds the same answers (restart)', () => {
  const written = [0, 1, 2].map((i) => ({ ...batch(1, i * 3, 3), baseOffset: i * 3 }))
  const before = new ProducerStateTable()
  const after = new ProducerStateTable()
  for (const b of written) {
    before.record(b)
    after.record(b)
  }
  for (const probe of [batch(1, 3, 3), batch(1, 9, 1), batch(1, 10, 1), batch(0, 9, 1)]) {
    assert.deepEqual(after.check(probe), before.check(probe))
  }
})
