/** Codec framings beyond what our encoder writes, and decompression bombs at the real limit. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { decompressFrameSync } from 'lz4-napi'
import { compressSync as snappyRaw } from 'snappy'
import { compress as zstdCompress } from 'zstd-napi'
import { limits } from '../../../../src/config/limits.js'
import { crc32c } from '../../../../src/lib/crc32c.js'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import { decodeRecordBatch, encodeRecordBatch } from '../../../../src/protocol/records/index.js'
import { compressRecords, decompressRecords } from '../../../../src/protocol/records/compression.js'

const MiB = 1024 * 1024
const isCode = (code: string) => (e: unknown) => e instanceof CodecError && e.code === code

/** Java's SnappyOutputStream framing: magic, version 1, compatible 1, then [int32 length][raw block]… */
function xerial(blocks: Uint8Array[]): Buffer {
  const head = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
  const parts: Buffer[] = [head]
  for (const b of blocks) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(b.byteLength)
    parts.push(len, Buffer.from(b))
  }
  return Buffer.concat(parts)
}

test('snappy: xerial-framed data (as the Java client writes it) decodes', () => {
  const a = Buffer.from('the first block, '.repeat(100))
  const b = Buffer.from('and the second one.'.repeat(50))
  const out = decompressRecords(
    'snappy',
    xerial([snappyRaw(a), snappyRaw(b)]),
    limits.decompressedBatchBytesMax,
  )
  assert.deepEqual(Buffer.from(out), Buffer.concat([a, b]))
})

test('snappy: a whole batch whose records section is xerial-framed decodes', () => {
  const plain = encodeRecordBatch({
    baseOffset: 0,
    records: [{ key: null, value: Buffer.from('xerial'), timestamp: 1 }],
  })
  const section = xerial([snappyRaw(plain.subarray(61))])
  const b = Buffer.concat([Buffer.from(plain.subarray(0, 61)), section])
  b.writeInt32BE(b.length - 12, 8)
  b.writeInt16BE(2, 21) // snappy
  b.writeUInt32BE(crc32c(b.subarray(21)), 17)
  assert.deepEqual(Buffer.from(decodeRecordBatch(b).records[0]?.value ?? []), Buffer.from('xerial'))
})

test('snappy: a preamble that lies is refused before anything is allocated', () => {
  // Preamble 2^32-1 on a 6-byte block: over the limit.
  assert.throws(
    () => decompressRecords('snappy', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), 256 * MiB),
    isCode('LIMIT_EXCEEDED'),
  )
  // 1 MiB from 4 bytes: within the limit but beyond snappy's 22× expansion.
  assert.throws(
    () => decompressRecords('snappy', Uint8Array.from([0x80, 0x80, 0x40, 0x00]), 256 * MiB),
    isCode('CORRUPT'),
  )
})

test('lz4: our frames decode with lz4-napi’s own frame decoder, and its header is what Kafka reads', () => {
  const plain = Buffer.from('lz4 frame '.repeat(100_000))
  const frame = compressRecords('lz4', plain)
  assert.deepEqual(decompressFrameSync(Buffer.from(frame)), plain)
  assert.deepEqual([...frame.subarray(0, 4)], [0x04, 0x22, 0x4d, 0x18]) // magic
  assert.equal((frame[4] as number) & 0xc0, 0x40) // version 01
  assert.equal((frame[4] as number) & 0x20, 0x20) // independent blocks
})

test('lz4: linked blocks (a match reaching into the previous block) decode', () => {
  // FLG 0x40: version 01, linked blocks, no checksums. BD 0x40: 64 KiB blocks. HC byte ignored.
  const head = [0x04, 0x22, 0x4d, 0x18, 0x40, 0x40, 0x00]
  const block1 = [0x80, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48] // token: 8 literals "ABCDEFGH"
  const block2 = [0x04, 0x08, 0x00, 0x10, 0x5a] // match of 8 at offset 8 (into block 1), then "Z"
  const frame = Uint8Array.from([
    ...head,
    ...[block1.length, 0, 0, 0],
    ...block1,
    ...[block2.length, 0, 0, 0],
    ...block2,
    ...[0, 0, 0, 0],
  ])
  const out = decompressRecords('lz4', frame, 1 * MiB)
  assert.equal(Buffer.from(out).toString(), 'ABCDEFGHABCDEFGHZ')
})

test('lz4: block and content checksums and a content size are skipped over', () => {
  // FLG 0x7c: version 01, independent, block checksum, content size, content checksum.
  const head = [0x04, 0x22, 0x4d, 0x18, 0x7c, 0x40, 5, 0, 0, 0, 0, 0, 0, 0, 0x00]
  const block = [0x05, 0, 0, 0x80, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 1, 2, 3, 4] // stored "hello"
  const frame = Uint8Array.from([...head, ...block, 0, 0, 0, 0, 9, 9, 9, 9])
  assert.equal(Buffer.from(decompressRecords('lz4', frame, 1 * MiB)).toString(), 'hello')
})

test('lz4: a stated content size past the bound is refused; one that disagrees is CORRUPT', () => {
  const frame = (size: number) =>
    Uint8Array.from([
      0x04,
      0x22,
      0x4d,
      0x18,
      0x68,
      0x40,
      size & 0xff,
      (size >>> 8) & 0xff,
      (size >>> 16) & 0xff,
      size >>> 24,
      0,
      0,
      0,
      0,
      0x00,
      0x02,
      0,
      0,
      0x80,
      0x6f,
      0x6b,
      0,
      0,
      0,
      0,
    ])
  assert.equal(Buffer.from(decompressRecords('lz4', frame(2), MiB)).toString(), 'ok')
  assert.throws(() => decompressRecords('lz4', frame(2 * MiB), MiB), isCode('LIMIT_EXCEEDED'))
  assert.throws(() => decompressRecords('lz4', frame(3), MiB), isCode('CORRUPT'))
  // Within the bound but more than 25 bytes of lz4 could ever hold: refused before allocating.
  assert.throws(() => decompressRecords('lz4', frame(100_000), MiB), isCode('CORRUPT'))
})

test('zstd: a frame stating a size past the bound is refused before decompressing', () => {
  assert.throws(
    () => decompressRecords('zstd', zstdCompress(Buffer.alloc(2 * MiB)), MiB),
    isCode('LIMIT_EXCEEDED'),
  )
})

/** One 4 MiB lz4 block from a few KiB: a literal, then a match of offset 1 and maximal length. */
function lz4BombBlock(): number[] {
  const match = 4 * MiB - 1 - 5 // the rest after the first literal and five closing literals
  const ext = match - 15 - 4
  const bytes = [0x1f, 0x61, 0x01, 0x00]
  for (let i = 0; i < Math.floor(ext / 255); i++) bytes.push(255)
  bytes.push(ext % 255)
  bytes.push(0x50, 0x62, 0x62, 0x62, 0x62, 0x62)
  return bytes
}

test('bombs: each codec stops at decompressedBatchBytesMax with LIMIT_EXCEEDED', () => {
  // Built from 1 MiB pieces, so the test never holds the inflated bytes itself: gzip members and
  // zstd frames may be concatenated, and both decoders must follow them.
  const pieces = limits.decompressedBatchBytesMax / MiB + 1
  const zeros = Buffer.alloc(MiB)
  const repeat = (b: Uint8Array) => Buffer.concat(Array.from({ length: pieces }, () => b))
  const bombs: [Parameters<typeof decompressRecords>[0], Uint8Array][] = [
    ['gzip', repeat(gzipSync(zeros))],
    ['zstd', repeat(zstdCompress(zeros))],
  ]
  const block = lz4BombBlock()
  const lz4: number[] = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x00]
  for (let i = 0; i < pieces / 4 + 1; i++)
    lz4.push(block.length & 0xff, (block.length >> 8) & 0xff, 0, 0, ...block)
  lz4.push(0, 0, 0, 0)
  bombs.push(['lz4', Uint8Array.from(lz4)])
  bombs.push(['snappy', xerial(Array.from({ length: pieces }, () => snappyRaw(zeros)))])
  for (const [kind, bomb] of bombs) {
    assert.ok(bomb.byteLength < 16 * MiB, `${kind} bomb is small (${bomb.byteLength} bytes)`)
    assert.throws(
      () => decompressRecords(kind, bomb, limits.decompressedBatchBytesMax),
      isCode('LIMIT_EXCEEDED'),
      kind,
    )
    // The same bytes under the caller's tighter bound fail the same way, sooner.
    assert.throws(() => decompressRecords(kind, bomb, MiB), isCode('LIMIT_EXCEEDED'), `${kind} at 1 MiB`)
  }
})

test('concatenated gzip members and zstd frames decode whole', () => {
  const a = Buffer.from('first part, ')
  const b = Buffer.from('second part')
  const whole = Buffer.concat([a, b])
  assert.deepEqual(
    Buffer.from(decompressRecords('gzip', Buffer.concat([gzipSync(a), gzipSync(b)]), MiB)),
    whole,
  )
  assert.deepEqual(
    Buffer.from(decompressRecords('zstd', Buffer.concat([zstdCompress(a), zstdCompress(b)]), MiB)),
    whole,
  )
})

test('a bomb inside a batch surfaces as LIMIT_EXCEEDED from decodeRecordBatch', () => {
  const b = Buffer.from(
    encodeRecordBatch({
      baseOffset: 0,
      compression: 'zstd',
      records: [{ key: null, value: Buffer.alloc(2 * MiB), timestamp: 0 }],
    }),
  )
  assert.throws(() => decodeRecordBatch(b, { decompressedBytesMax: MiB }), isCode('LIMIT_EXCEEDED'))
  assert.equal(decodeRecordBatch(b).records[0]?.value?.byteLength, 2 * MiB)
})

test('truncated compressed sections fail with CodecError for every codec', () => {
  const plain = Buffer.from('some records bytes '.repeat(500))
  for (const kind of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const packed = compressRecords(kind, plain)
    assert.deepEqual(Buffer.from(decompressRecords(kind, packed, MiB)), plain)
    for (const cut of [0, 1, 5, Math.floor(packed.byteLength / 2), packed.byteLength - 1]) {
      assert.throws(
        () => decompressRecords(kind, packed.subarray(0, cut), MiB),
        (e) => e instanceof CodecError,
        `${kind} cut at ${cut}`,
      )
    }
  }
})
