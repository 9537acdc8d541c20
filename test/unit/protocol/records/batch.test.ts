import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import {
  batchCrcMatches,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  recordBatchSpans,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../../../../src/protocol/records/index.js'

// kafkajs's pure-JS CRC-32C: an implementation independent of ours, to check the fixture's CRC.
const kafkajsCrc32C = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (
  b: Buffer,
) => number

const T0 = 1_700_000_000_000

/**
 * A two-record batch written out byte by byte from the layout in Kafka's DefaultRecordBatch and
 * DefaultRecord (docs/implementation.html §5.3), with every varint zig-zag encoded by hand.
 */
function handFixture(): Buffer {
  const record0 = [
    0x1a, // length varint: 13 → zig-zag 26
    0x00, // attributes
    0x00, // timestampDelta 0
    0x00, // offsetDelta 0
    0x02, // key length 1
    0x6b, // 'k'
    0x04, // value length 2
    0x76,
    0x31, // 'v1'
    0x02, // 1 header
    0x02, // header key length 1
    0x68, // 'h'
    0x02, // header value length 1
    0x78, // 'x'
  ]
  const record1 = [
    0x0c, // length varint: 6 → 12
    0x00, // attributes
    0x0a, // timestampDelta 5 → 10
    0x02, // offsetDelta 1 → 2
    0x01, // key length -1 (null)
    0x01, // value length -1 (null)
    0x00, // 0 headers
  ]
  // biome-ignore format: one header field per line, as in the layout table
  const header = [
    0, 0, 0, 0, 0, 0, 0, 10, // baseOffset 10
    0, 0, 0, 70, // batchLength: 61 - 12 + 21 record bytes
    0, 0, 0, 3, // partitionLeaderEpoch 3
    2, // magic
    0, 0, 0, 0, // crc, filled in below
    0, 0, // attributes: no compression, CreateTime, not transactional
    0, 0, 0, 1, // lastOffsetDelta
    0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // baseTimestamp 1_700_000_000_000
    0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x05, // maxTimestamp +5
    0, 0, 0, 0, 0, 0, 0, 42, // producerId 42
    0, 1, // producerEpoch 1
    0, 0, 0, 7, // baseSequence 7
    0, 0, 0, 2, // recordsCount
  ]
  const b = Buffer.from([...header, ...record0, ...record1])
  b.writeUInt32BE(kafkajsCrc32C(b.subarray(21)) >>> 0, 17)
  return b
}

const fixtureInput = {
  baseOffset: 10,
  partitionLeaderEpoch: 3,
  producerId: 42,
  producerEpoch: 1,
  baseSequence: 7,
  records: [
    {
      key: Buffer.from('k'),
      value: Buffer.from('v1'),
      headers: [{ key: 'h', value: Buffer.from('x') }],
      timestamp: T0,
    },
    { key: null, value: null, timestamp: T0 + 5 },
  ],
}

test('the encoder writes the hand-built fixture byte for byte', () => {
  const fixture = handFixture()
  assert.equal(fixture.length, 82)
  assert.deepEqual(Buffer.from(encodeRecordBatch(fixtureInput)), fixture)
})

test('the decoder reads the hand-built fixture', () => {
  const batch = decodeRecordBatch(handFixture())
  assert.equal(batch.header.baseOffset, 10)
  assert.equal(batch.header.partitionLeaderEpoch, 3)
  assert.equal(batch.header.lastOffsetDelta, 1)
  assert.equal(batch.header.maxTimestamp, T0 + 5)
  assert.equal(batch.header.producerId, 42)
  assert.equal(batch.header.baseSequence, 7)
  assert.equal(batch.compression, 'none')
  assert.equal(batch.timestampType, 'CreateTime')
  assert.equal(batch.transactional, false)
  assert.equal(batch.control, false)
  assert.equal(batch.sizeBytes, 82)
  const [r0, r1] = batch.records
  assert.ok(r0 && r1)
  assert.equal(r0.offset, 10)
  assert.equal(r0.timestamp, T0)
  assert.deepEqual(Buffer.from(r0.key ?? []), Buffer.from('k'))
  assert.deepEqual(Buffer.from(r0.value ?? []), Buffer.from('v1'))
  assert.equal(r0.headers.length, 1)
  assert.equal(r0.headers[0]?.key, 'h')
  assert.deepEqual(Buffer.from(r0.headers[0]?.value ?? []), Buffer.from('x'))
  assert.equal(r1.offset, 11)
  assert.equal(r1.offsetDelta, 1)
  assert.equal(r1.timestamp, T0 + 5)
  assert.equal(r1.timestampDelta, 5)
  assert.equal(r1.key, null)
  assert.equal(r1.value, null)
  assert.deepEqual(r1.headers, [])
})

test('a flipped CRC bit fails with CORRUPT; verifyCrc: false skips the check', () => {
  const b = handFixture()
  b[17] = (b[17] as number) ^ 0x01
  assert.throws(
    () => decodeRecordBatch(b),
    (e) => e instanceof CodecError && e.code === 'CORRUPT',
  )
  assert.equal(decodeRecordBatch(b, { verifyCrc: false }).records.length, 2)
})

test('offsets and partition leader epoch rewritten in place keep the CRC valid', () => {
  for (const compression of ['none', 'gzip', 'zstd'] as const) {
    const b = encodeRecordBatch({ ...fixtureInput, compression })
    setBaseOffset(b, 0, 9_007_199_254_000_000)
    setPartitionLeaderEpoch(b, 0, 123_456)
    assert.ok(batchCrcMatches(b))
    const batch = decodeRecordBatch(b)
    assert.equal(batch.header.partitionLeaderEpoch, 123_456)
    assert.deepEqual(
      batch.records.map((r) => r.offset),
      [9_007_199_254_000_000, 9_007_199_254_000_001],
    )
  }
})

test('LogAppendTime rewrite recomputes the CRC and every record takes the append time', () => {
  const b = encodeRecordBatch(fixtureInput)
  setLogAppendTime(b, 0, T0 + 1000)
  assert.ok(batchCrcMatches(b))
  const batch = decodeRecordBatch(b)
  assert.equal(batch.timestampType, 'LogAppendTime')
  assert.deepEqual(
    batch.records.map((r) => r.timestamp),
    [T0 + 1000, T0 + 1000],
  )
})

test('explicit offset deltas, negative timestamp deltas and attribute flags survive', () => {
  const b = encodeRecordBatch({
    baseOffset: 0,
    transactional: true,
    producerId: 7,
    producerEpoch: 3,
    baseSequence: 2_147_483_000,
    records: [
      { key: null, value: Buffer.from('a'), timestamp: T0, offsetDelta: 0 },
      { key: null, value: Buffer.from('b'), timestamp: T0 - 60_000, offsetDelta: 5 },
      { key: null, value: Buffer.from('c'), timestamp: 2 ** 50, offsetDelta: 2_147_483_647 },
    ],
  })
  const batch = decodeRecordBatch(b)
  assert.equal(batch.transactional, true)
  assert.equal(batch.header.lastOffsetDelta, 2_147_483_647)
  assert.equal(batch.header.maxTimestamp, 2 ** 50)
  assert.deepEqual(
    batch.records.map((r) => [r.offset, r.timestamp]),
    [
      [0, T0],
      [5, T0 - 60_000],
      [2_147_483_647, 2 ** 50],
    ],
  )
})

test('a sequence of batches decodes in order and stops at a partial trailing batch', () => {
  const a = encodeRecordBatch({ ...fixtureInput, baseOffset: 0 })
  const b = encodeRecordBatch({ ...fixtureInput, baseOffset: 2, compression: 'lz4' })
  const c = encodeRecordBatch({ ...fixtureInput, baseOffset: 4 })
  const all = Buffer.concat([a, b, c])
  assert.deepEqual(
    decodeRecordBatches(all).map((x) => x.header.baseOffset),
    [0, 2, 4],
  )
  // Every cut inside the last batch leaves exactly the first two, as a fetch cut at its size does.
  for (let cut = a.length + b.length; cut < all.length; cut++) {
    assert.deepEqual(
      decodeRecordBatches(all.subarray(0, cut)).map((x) => x.header.baseOffset),
      [0, 2],
    )
  }
  assert.deepEqual(
    [...recordBatchSpans(all)],
    [
      { at: 0, sizeBytes: a.length },
      { at: a.length, sizeBytes: b.length },
      { at: a.length + b.length, sizeBytes: c.length },
    ],
  )
})

test('a single-batch decode rejects a truncated batch and trailing bytes', () => {
  const b = Buffer.from(encodeRecordBatch(fixtureInput))
  assert.throws(
    () => decodeRecordBatch(b.subarray(0, b.length - 1)),
    (e) => e instanceof CodecError && e.code === 'TRUNCATED',
  )
  assert.throws(
    () => decodeRecordBatch(Buffer.concat([b, Buffer.from([0])])),
    (e) => e instanceof CodecError && e.code === 'CORRUPT',
  )
})

test('a length below the header size in a sequence is an error, not a partial batch', () => {
  const b = Buffer.from(encodeRecordBatch(fixtureInput))
  b.writeInt32BE(10, 8)
  assert.throws(
    () => decodeRecordBatches(b),
    (e) => e instanceof CodecError && e.code === 'INVALID_LENGTH',
  )
})

test('a header key with a leading byte-order mark keeps it', () => {
  const key = '\ufeffbom'
  const b = encodeRecordBatch({
    baseOffset: 0,
    records: [{ key: null, value: null, headers: [{ key, value: null }], timestamp: 0 }],
  })
  assert.equal(decodeRecordBatch(b).records[0]?.headers[0]?.key, key)
})
