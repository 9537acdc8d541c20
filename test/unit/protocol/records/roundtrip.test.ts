/** Property round trips: random batches through every compression come back unchanged. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  type Compression,
  decodeRecordBatch,
  type EncodeBatchInput,
  encodeEndTxnMarker,
  encodeRecordBatch,
  type RecordInput,
  readEndTxnMarker,
} from '../../../../src/protocol/records/index.js'
import { COMPRESSIONS } from '../../../../src/protocol/records/types.js'

const bytes = (max: number) => fc.uint8Array({ maxLength: max })
const nullableBytes = (max: number) => fc.option(bytes(max), { nil: null, freq: 4 })

const recordArb = fc.record({
  key: nullableBytes(40),
  value: nullableBytes(300),
  headers: fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: nullableBytes(20) }),
    {
      maxLength: 4,
    },
  ),
  // Spread timestamps so deltas are negative, small and past 2^49 (the slow varlong path).
  timestamp: fc.oneof(
    fc.integer({ min: 1_600_000_000_000, max: 1_600_000_100_000 }),
    fc.integer({ min: 0, max: 2 ** 52 }),
  ),
  gap: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1_000_000 })),
})

const batchArb = fc.record({
  baseOffset: fc.integer({ min: 0, max: 2 ** 52 }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  timestampType: fc.constantFrom('CreateTime' as const, 'LogAppendTime' as const),
  transactional: fc.boolean(),
  producerId: fc.integer({ min: -1, max: 2 ** 52 }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  records: fc.array(recordArb, { minLength: 1, maxLength: 12 }),
})

type BatchValue = typeof batchArb extends fc.Arbitrary<infer T> ? T : never

function toInput(b: BatchValue, compression: Compression): EncodeBatchInput {
  let delta = -1
  const records: RecordInput[] = []
  for (const r of b.records) {
    delta = Math.min(delta + r.gap, 2 ** 31 - 1 - (b.records.length - records.length - 1))
    records.push({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: delta,
    })
  }
  return { ...b, compression, records }
}

const view = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b))

function checkRoundTrip(input: EncodeBatchInput): void {
  const bytes = encodeRecordBatch(input)
  const batch = decodeRecordBatch(bytes)
  if (input.timestampType === 'CreateTime') {
    // Decoded records carry what the encoder needs: re-encoding gives the same bytes.
    const again = encodeRecordBatch({ ...input, records: batch.records })
    assert.deepEqual(Buffer.from(again), Buffer.from(bytes))
  }
  assert.equal(batch.compression, input.compression)
  assert.equal(batch.timestampType, input.timestampType)
  assert.equal(batch.transactional, input.transactional)
  assert.equal(batch.control, false)
  assert.equal(batch.header.baseOffset, input.baseOffset)
  assert.equal(batch.header.partitionLeaderEpoch, input.partitionLeaderEpoch)
  assert.equal(batch.header.producerId, input.producerId)
  assert.equal(batch.header.producerEpoch, input.producerEpoch)
  assert.equal(batch.header.baseSequence, input.baseSequence)
  const maxTimestamp = Math.max(...input.records.map((r) => r.timestamp))
  assert.equal(batch.header.maxTimestamp, maxTimestamp)
  assert.equal(batch.records.length, input.records.length)
  input.records.forEach((want, i) => {
    const got = batch.records[i]
    assert.ok(got)
    assert.equal(got.offset, input.baseOffset + (want.offsetDelta ?? i))
    assert.equal(got.timestamp, input.timestampType === 'LogAppendTime' ? maxTimestamp : want.timestamp)
    assert.deepEqual(view(got.key), view(want.key))
    assert.deepEqual(view(got.value), view(want.value))
    assert.deepEqual(
      got.headers.map((h) => [h.key, view(h.value)]),
      (want.headers ?? []).map((h) => [h.key, view(h.value)]),
    )
  })
}

for (const compression of COMPRESSIONS) {
  test(`random batches round trip with compression ${compression} (property)`, () => {
    fc.assert(
      fc.property(batchArb, (b) => checkRoundTrip(toInput(b, compression))),
      { numRuns: 150 },
    )
  })
}

test('end-transaction markers round trip as control batches', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('COMMIT' as const, 'ABORT' as const),
      fc.integer({ min: 0, max: 2 ** 52 }),
      fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      (type, producerId, coordinatorEpoch) => {
        const bytes = encodeEndTxnMarker({
          baseOffset: 99,
          producerId,
          producerEpoch: 4,
          timestamp: 1_700_000_000_000,
          type,
          coordinatorEpoch,
        })
        const batch = decodeRecordBatch(bytes)
        assert.equal(batch.control, true)
        assert.equal(batch.transactional, true)
        assert.equal(batch.header.baseSequence, -1)
        assert.equal(batch.header.producerId, producerId)
        assert.equal(batch.header.attributes, 0x30)
        assert.deepEqual(readEndTxnMarker(batch), { type, coordinatorEpoch })
        const key = Buffer.from(batch.records[0]?.key ?? [])
        assert.deepEqual(key, Buffer.from([0, 0, 0, type === 'COMMIT' ? 1 : 0]))
      },
    ),
    { numRuns: 200 },
  )
})
