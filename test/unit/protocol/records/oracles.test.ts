/**
 * Real clients as oracles. kafkajs 2.2.4's own RecordBatch encoder and decoder
 * (src/protocol/recordBatch/v0) and @platformatic/kafka's createRecordsBatch / readRecordsBatch
 * write batches we must read, and read batches we write.
 *
 * kafkajs ships gzip only; snappy, lz4 and zstd are plug-ins there (kafkajs-snappy, kafkajs-lz4,
 * @kafkajs/zstd), which cannot be installed offline. We register plug-in codecs the way those
 * packages do, built where possible on an implementation other than ours: snappy and lz4 decode
 * with @platformatic/kafka's WebAssembly codecs, lz4 encodes with them too; zstd uses zstd-napi's
 * one-shot API, not our bounded streaming path. @platformatic/kafka 1.35 on Node 20 has no zstd
 * (it relies on zlib's, which Node 20 lacks), so zstd is checked against kafkajs only.
 */
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { compressionsAlgorithms, createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka'
import fc from 'fast-check'
import { compressSync as snappyCompress } from 'snappy'
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi'
import {
  type Compression,
  decodeRecordBatch,
  encodeEndTxnMarker,
  encodeRecordBatch,
  type RecordInput,
} from '../../../../src/protocol/records/index.js'

const require = createRequire(import.meta.url)

interface KafkajsEncoder {
  buffer: Buffer
}
interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}
const kafkajsCompression = require('kafkajs/src/protocol/message/compression/index.js') as {
  Types: Record<'None' | 'GZIP' | 'Snappy' | 'LZ4' | 'ZSTD', number>
  Codecs: Record<number, () => KafkajsCodec>
}
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<KafkajsEncoder>
}
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  args: Record<string, unknown>,
) => KafkajsEncoder
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  d: unknown,
) => Promise<KafkajsBatch>
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown

interface KafkajsBatch {
  firstOffset: string
  maxTimestamp: string
  inTransaction: boolean
  isControlBatch: boolean
  records: {
    offset: string
    timestamp: string
    key: Buffer | null
    value: Buffer | null
    headers: Record<string, Buffer | Buffer[]>
  }[]
}

const wasm = compressionsAlgorithms as unknown as Record<
  'snappy' | 'lz4',
  { compressSync(b: Buffer): Buffer; decompressSync(b: Buffer): Buffer }
>

// Plug-in codecs registered the way kafkajs-snappy / kafkajs-lz4 / @kafkajs/zstd do.
kafkajsCompression.Codecs[kafkajsCompression.Types.Snappy] = () => ({
  compress: async (e) => snappyCompress(e.buffer),
  decompress: async (b) => wasm.snappy.decompressSync(b),
})
kafkajsCompression.Codecs[kafkajsCompression.Types.LZ4] = () => ({
  compress: async (e) => wasm.lz4.compressSync(e.buffer),
  decompress: async (b) => wasm.lz4.decompressSync(b),
})
kafkajsCompression.Codecs[kafkajsCompression.Types.ZSTD] = () => ({
  compress: async (e) => zstdCompress(e.buffer),
  decompress: async (b) => zstdDecompress(b),
})

const KAFKAJS_IDS: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }
const ALL: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Records kafkajs can express: non-null header values, unique header keys. */
const recordsArb = fc.array(
  fc.record({
    key: fc.option(fc.uint8Array({ maxLength: 30 }), { nil: null }),
    value: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null }),
    headers: fc.uniqueArray(
      fc.record({
        // kafkajs folds headers into a plain object, so names on Object.prototype confuse it.
        key: fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
          .filter((k) => !(k in Object.prototype)),
        value: fc.uint8Array({ maxLength: 10 }),
      }),
      { maxLength: 3, selector: (h) => h.key },
    ),
    // Same digit count, so kafkajs's lexicographic timestamp sort is numeric.
    timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_699_999_999_999 }),
  }),
  { minLength: 1, maxLength: 10 },
)

const buf = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b))

async function kafkajsEncode(
  records: RecordInput[],
  compression: Compression,
  baseOffset: number,
): Promise<Buffer> {
  // As kafkajs's produce v3 request does it (requests/produce/v3/request.js).
  const sorted = records.map((r) => r.timestamp).sort()
  const firstTimestamp = sorted[0] as number
  const encoded = records.map((r, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: r.timestamp - firstTimestamp,
      key: buf(r.key),
      value: buf(r.value),
      headers: Object.fromEntries((r.headers ?? []).map((h) => [h.key, buf(h.value)])),
    }),
  )
  const batch = await RecordBatch({
    compression: KAFKAJS_IDS[compression],
    firstOffset: require('kafkajs/src/utils/long.js').fromNumber(baseOffset),
    records: encoded,
    firstTimestamp,
    maxTimestamp: sorted[sorted.length - 1],
    lastOffsetDelta: records.length - 1,
    producerId: require('kafkajs/src/utils/long.js').fromNumber(-1),
    producerEpoch: 0,
    firstSequence: 0,
  })
  return batch.buffer
}

for (const compression of ALL) {
  test(`kafkajs-written batches (${compression}) decode to the original records`, async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        const ours = decodeRecordBatch(await kafkajsEncode(records, compression, 1000))
        assert.equal(ours.compression, compression)
        assert.equal(ours.records.length, records.length)
        records.forEach((want, i) => {
          const got = ours.records[i]
          assert.ok(got)
          assert.equal(got.offset, 1000 + i)
          assert.equal(got.timestamp, want.timestamp)
          assert.deepEqual(buf(got.key), buf(want.key))
          assert.deepEqual(buf(got.value), buf(want.value))
          assert.deepEqual(
            got.headers.map((h) => [h.key, buf(h.value)]),
            (want.headers ?? []).map((h) => [h.key, buf(h.value)]),
          )
        })
      }),
      { numRuns: 40 },
    )
  })

  test(`our batches (${compression}) decode with kafkajs's decoder to the same records`, async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        const bytes = Buffer.from(encodeRecordBatch({ baseOffset: 77, compression, records }))
        const theirs = await kafkajsDecodeBatch(new KafkajsDecoder(bytes))
        assert.equal(theirs.firstOffset, '77')
        assert.equal(theirs.records.length, records.length)
        records.forEach((want, i) => {
          const got = theirs.records[i]
          assert.ok(got)
          assert.equal(got.offset, String(77 + i))
          assert.equal(got.timestamp, String(want.timestamp))
          assert.deepEqual(got.key, buf(want.key))
          assert.deepEqual(got.value, buf(want.value))
          assert.deepEqual(
            got.headers,
            Object.fromEntries((want.headers ?? []).map((h) => [h.key, buf(h.value)])),
          )
        })
      }),
      { numRuns: 40 },
    )
  })
}

test('kafkajs-written uncompressed batches re-encode to the same bytes', async () => {
  await fc.assert(
    fc.asyncProperty(recordsArb, async (records) => {
      // kafkajs takes the smallest timestamp as the base, we take the first record's (as the
      // Java client does); with records in timestamp order the two agree.
      const ordered = [...records].sort((a, b) => a.timestamp - b.timestamp)
      const theirs = await kafkajsEncode(ordered, 'none', 1000)
      const decoded = decodeRecordBatch(theirs)
      const h = decoded.header
      const ours = encodeRecordBatch({
        baseOffset: h.baseOffset,
        partitionLeaderEpoch: h.partitionLeaderEpoch,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        records: decoded.records,
      })
      assert.deepEqual(Buffer.from(ours), theirs)
    }),
    { numRuns: 60 },
  )
})

test('kafkajs reads our end-transaction marker as a transactional control batch', async () => {
  const bytes = encodeEndTxnMarker({
    baseOffset: 5,
    producerId: 9,
    producerEpoch: 1,
    timestamp: 1_700_000_000_000,
    type: 'COMMIT',
    coordinatorEpoch: 3,
  })
  const theirs = await kafkajsDecodeBatch(new KafkajsDecoder(Buffer.from(bytes)))
  assert.equal(theirs.isControlBatch, true)
  assert.equal(theirs.inTransaction, true)
  assert.deepEqual(theirs.records[0]?.key, Buffer.from([0, 0, 0, 1]))
})

/** @platformatic/kafka needs keys and values (no nulls) and bigint timestamps. */
const platformaticArb = fc.array(
  fc.record({
    key: fc.uint8Array({ maxLength: 30 }),
    value: fc.uint8Array({ maxLength: 200 }),
    headers: fc.array(
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 10 })),
      {
        maxLength: 3,
      },
    ),
    // Spread under 2^31 ms: @platformatic/kafka 1.35's appendVarInt64 writes 2^31 as 0x01 (-1),
    // so wider deltas are its bug, not ours (our varlongs are checked against a reference).
    timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_600_000_000_000 + 2 ** 31 - 1 }),
  }),
  { minLength: 1, maxLength: 10 },
)

for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
  test(`@platformatic/kafka batches (${compression}) and ours read each other`, () => {
    fc.assert(
      fc.property(platformaticArb, (msgs) => {
        // Header keys must be valid UTF-8 for us (Kafka: header keys are strings); hex them.
        const asText = msgs.map((m) => ({
          ...m,
          headers: m.headers.map(([k, v]) => [Buffer.from(Buffer.from(k).toString('hex')), v] as const),
        }))
        const theirBytes = createRecordsBatch(
          asText.map((m) => ({
            topic: 't',
            key: Buffer.from(m.key),
            value: Buffer.from(m.value),
            headers: new Map(m.headers.map(([k, v]) => [k, Buffer.from(v)])),
            timestamp: BigInt(m.timestamp),
          })),
          { compression },
        ).buffer
        const ours = decodeRecordBatch(theirBytes)
        asText.forEach((want, i) => {
          const got = ours.records[i]
          assert.ok(got)
          assert.equal(got.timestamp, want.timestamp)
          assert.deepEqual(buf(got.key), Buffer.from(want.key))
          assert.deepEqual(buf(got.value), Buffer.from(want.value))
          assert.deepEqual(
            got.headers.map((h) => [h.key, buf(h.value)]),
            want.headers.map(([k, v]) => [k.toString(), Buffer.from(v)]),
          )
        })
        const ourBytes = Buffer.from(
          encodeRecordBatch({
            baseOffset: 0,
            compression,
            records: asText.map((m) => ({
              key: m.key,
              value: m.value,
              headers: m.headers.map(([k, v]) => ({ key: k.toString(), value: v })),
              timestamp: m.timestamp,
            })),
          }),
        )
        const theirs = readRecordsBatch(Reader.from(ourBytes))
        assert.equal(theirs.records.length, asText.length)
        asText.forEach((want, i) => {
          const got = theirs.records[i]
          assert.ok(got)
          assert.equal(theirs.firstTimestamp + got.timestampDelta, BigInt(want.timestamp))
          assert.deepEqual(got.key, Buffer.from(want.key))
          assert.deepEqual(got.value, Buffer.from(want.value))
          assert.deepEqual(
            got.headers,
            want.headers.map(([k, v]) => [k, Buffer.from(v)]),
          )
        })
      }),
      { numRuns: 40 },
    )
  })
}
