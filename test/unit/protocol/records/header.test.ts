import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import {
  BATCH_HEADER_BYTES,
  batchCrcMatches,
  batchTotalBytes,
  computeBatchCrc,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../../../src/protocol/records/header.js'

/** An empty-records batch header built by hand, with a correct CRC. */
function handBatch(): Buffer {
  const b = Buffer.alloc(BATCH_HEADER_BYTES)
  b.writeBigInt64BE(0n, 0)
  b.writeInt32BE(BATCH_HEADER_BYTES - 12, 8)
  b.writeInt32BE(-1, 12)
  b.writeInt8(2, 16)
  b.writeInt16BE(0, 21)
  b.writeInt32BE(4, 23)
  b.writeBigInt64BE(1_700_000_000_000n, 27)
  b.writeBigInt64BE(1_700_000_000_005n, 35)
  b.writeBigInt64BE(-1n, 43)
  b.writeInt16BE(-1, 51)
  b.writeInt32BE(-1, 53)
  b.writeInt32BE(5, 57)
  b.writeUInt32BE(computeBatchCrc(b, 0, b.length), 17)
  return b
}

test('reads every header field', () => {
  const h = readBatchHeader(handBatch())
  assert.deepEqual(
    { ...h, crc: 0 },
    {
      baseOffset: 0,
      batchLength: 49,
      partitionLeaderEpoch: -1,
      magic: 2,
      crc: 0,
      attributes: 0,
      lastOffsetDelta: 4,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_005,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordsCount: 5,
    },
  )
  assert.equal(batchTotalBytes(handBatch()), BATCH_HEADER_BYTES)
})

test('rewriting base offset and leader epoch leaves the CRC valid', () => {
  const b = handBatch()
  assert.ok(batchCrcMatches(b))
  setBaseOffset(b, 0, 123_456_789_012)
  setPartitionLeaderEpoch(b, 0, 7)
  assert.ok(batchCrcMatches(b))
  const h = readBatchHeader(b)
  assert.equal(h.baseOffset, 123_456_789_012)
  assert.equal(h.partitionLeaderEpoch, 7)
})

test('a flipped bit in the CRC-covered bytes is detected', () => {
  for (let at = 21; at < BATCH_HEADER_BYTES; at++) {
    const b = handBatch()
    b[at] = (b[at] as number) ^ 0x01
    assert.equal(batchCrcMatches(b), false, `flip at byte ${at}`)
  }
})

test('short input and bad magic give a typed error', () => {
  assert.throws(
    () => readBatchHeader(handBatch().subarray(0, 60)),
    (e) => e instanceof CodecError && e.code === 'TRUNCATED',
  )
  const b = handBatch()
  b.writeInt8(1, 16)
  assert.throws(
    () => readBatchHeader(b),
    (e) => e instanceof CodecError && e.code === 'INVALID_VALUE',
  )
  assert.equal(batchTotalBytes(Buffer.alloc(11)), undefined)
})
