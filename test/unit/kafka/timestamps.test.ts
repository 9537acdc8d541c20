/** ListOffsets by time inside one batch: the exact record for every compression codec. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { firstRecordAtOrAfter } from '../../../src/kafka/timestamps.js'
import { encodeRecordBatch } from '../../../src/protocol/records/encode.js'
import { COMPRESSIONS } from '../../../src/protocol/records/types.js'

const value = new TextEncoder().encode('v'.repeat(100))

for (const compression of COMPRESSIONS) {
  test(`the first record at or after a time inside a ${compression} batch`, () => {
    // Timestamps out of order, as producers may set them: 5000, 5030, 5010, 5040.
    const batch = encodeRecordBatch({
      baseOffset: 20,
      compression,
      records: [5000, 5030, 5010, 5040].map((timestamp) => ({ key: null, value, timestamp })),
    })
    assert.deepEqual(firstRecordAtOrAfter(batch, 4000), { offset: 20, timestamp: 5000 })
    assert.deepEqual(firstRecordAtOrAfter(batch, 5001), { offset: 21, timestamp: 5030 })
    assert.deepEqual(firstRecordAtOrAfter(batch, 5035), { offset: 23, timestamp: 5040 })
    assert.equal(firstRecordAtOrAfter(batch, 5041), 'none')
    // From offset 22 on (a log start inside the batch), 5020 skips 21 (5030) and finds 23.
    assert.deepEqual(firstRecordAtOrAfter(batch, 5020), { offset: 21, timestamp: 5030 })
    assert.deepEqual(firstRecordAtOrAfter(batch, 5020, 22), { offset: 23, timestamp: 5040 })
    assert.equal(firstRecordAtOrAfter(batch, 5001, 24), 'none')
  })
}

test('a LogAppendTime batch answers its base offset with its max timestamp', () => {
  const batch = encodeRecordBatch({
    baseOffset: 7,
    compression: 'zstd',
    timestampType: 'LogAppendTime',
    records: [1, 2].map((timestamp) => ({ key: null, value, timestamp })),
  })
  assert.deepEqual(firstRecordAtOrAfter(batch, 0), { offset: 7, timestamp: 2 })
  assert.deepEqual(firstRecordAtOrAfter(batch, 0, 8), { offset: 8, timestamp: 2 })
  assert.equal(firstRecordAtOrAfter(batch, 0, 9), 'none')
})

test('a batch whose compressed records are damaged is reported unreadable instead of throwing', () => {
  const batch = encodeRecordBatch({
    baseOffset: 0,
    compression: 'lz4',
    records: [{ key: null, value, timestamp: 10 }],
  })
  batch.fill(0xff, 61)
  assert.equal(firstRecordAtOrAfter(batch, 0), 'unreadable')
})
