import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { limits } from '../../../../src/config/limits.js'
import { CodecError, type CodecErrorCode } from '../../../../src/protocol/codec-error.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { ZERO_UUID } from '../../../../src/protocol/primitives/uuid.js'
import { utf8Length, Writer } from '../../../../src/protocol/primitives/writer.js'

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
}

function written(f: (w: Writer) => void): string {
  const w = new Writer(16)
  f(w)
  return Buffer.from(w.finish()).toString('hex')
}

function throwsCodec(f: () => unknown, code: CodecErrorCode): void {
  assert.throws(f, (e: unknown) => e instanceof CodecError && e.code === code)
}

test('fixed-width integers are big-endian two’s complement', () => {
  assert.equal(
    written((w) => {
      w.int8(-1)
      w.int16(0x1234)
      w.uint16(0xfffe)
      w.int32(-2)
      w.uint32(0xdeadbeef)
      w.int64(-3n)
      w.bool(true)
    }),
    'ff1234fffefffffffedeadbeeffffffffffffffffd01',
  )
  const r = new Reader(hex('ff1234fffefffffffedeadbeeffffffffffffffffd01'))
  assert.deepEqual(
    [r.int8(), r.int16(), r.uint16(), r.int32(), r.uint32(), r.int64(), r.bool()],
    [-1, 0x1234, 0xfffe, -2, 0xdeadbeef, -3n, true],
  )
  assert.equal(r.remaining(), 0)
})

test('float64 is IEEE 754 big-endian', () => {
  assert.equal(
    written((w) => w.float64(1.5)),
    '3ff8000000000000',
  )
  assert.equal(new Reader(hex('3ff8000000000000')).float64(), 1.5)
})

test('unsigned varints match the protobuf/Kafka vectors', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16384, '808001'],
    [0xffff_ffff, 'ffffffff0f'],
  ]
  for (const [v, h] of vectors) {
    assert.equal(
      written((w) => w.uvarint(v)),
      h,
    )
    assert.equal(new Reader(hex(h)).uvarint(), v)
  }
})

test('zig-zag varints and varlongs match Kafka’s ByteUtils vectors', () => {
  const ints: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [0x7fff_ffff, 'feffffff0f'],
    [-0x8000_0000, 'ffffffff0f'],
  ]
  for (const [v, h] of ints) {
    assert.equal(
      written((w) => w.varint(v)),
      h,
    )
    assert.equal(new Reader(hex(h)).varint(), v)
  }
  const longs: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [300n, 'd804'],
    [(1n << 63n) - 1n, 'feffffffffffffffff01'],
    [-(1n << 63n), 'ffffffffffffffffff01'],
  ]
  for (const [v, h] of longs) {
    assert.equal(
      written((w) => w.varlong(v)),
      h,
    )
    assert.equal(new Reader(hex(h)).varlong(), v)
  }
})

test('varints round-trip over their whole range', () => {
  fc.assert(
    fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (v) => {
      const w = new Writer()
      w.varint(v)
      assert.equal(new Reader(w.finish()).varint(), v)
    }),
  )
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => {
      const w = new Writer()
      w.varlong(v)
      const r = new Reader(w.finish())
      assert.equal(r.varlong(), v)
      assert.equal(r.remaining(), 0)
    }),
  )
})

test('varints longer than 5 bytes (or 10 for varlong) are INVALID_LENGTH', () => {
  throwsCodec(() => new Reader(hex('ffffffff10')).uvarint(), 'INVALID_LENGTH') // 33 bits
  throwsCodec(() => new Reader(hex('ffffffff8f01')).uvarint(), 'INVALID_LENGTH') // 6 bytes
  throwsCodec(() => new Reader(hex('ffffffffffffffffff02')).uvarlong(), 'INVALID_LENGTH') // 65 bits
  throwsCodec(() => new Reader(hex('ffffffffffffffffff8101')).uvarlong(), 'INVALID_LENGTH')
  throwsCodec(() => new Reader(hex('8080')).uvarint(), 'TRUNCATED')
})

test('strings in the four forms', () => {
  assert.equal(
    written((w) => {
      w.string('ab')
      w.nullableString(null)
      w.compactString('ab')
      w.compactNullableString(null)
      w.compactString('é')
    }),
    '00026162ffff036162000' + '3c3a9',
  )
  const r = new Reader(hex('00026162ffff0361620003c3a9'))
  assert.deepEqual(
    [r.string(), r.nullableString(), r.compactString(), r.compactNullableString(), r.compactString()],
    ['ab', null, 'ab', null, 'é'],
  )
  throwsCodec(() => new Reader(hex('ffff')).string(), 'INVALID_LENGTH')
  throwsCodec(() => new Reader(hex('00')).compactString(), 'INVALID_LENGTH')
  throwsCodec(() => new Reader(hex('0005616263')).string(), 'TRUNCATED')
})

test('invalid UTF-8 is rejected, not replaced', () => {
  throwsCodec(() => new Reader(hex('0002c328')).string(), 'INVALID_VALUE')
  throwsCodec(() => new Reader(hex('03ffff')).compactString(), 'INVALID_VALUE')
})

test('utf8Length agrees with TextEncoder, including astral characters', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      assert.equal(utf8Length(s), new TextEncoder().encode(s).length)
      const w = new Writer(1)
      w.compactString(s)
      assert.equal(new Reader(w.finish()).compactString(), s)
    }),
  )
})

test('bytes are returned as views of the frame, without copying', () => {
  const frame = hex('00000003010203 03aabb 00 ffffffff')
  const r = new Reader(frame)
  const a = r.bytes()
  assert.deepEqual([...a], [1, 2, 3])
  assert.equal(a.buffer, frame.buffer)
  assert.deepEqual([...r.compactBytes()], [0xaa, 0xbb])
  assert.equal(r.compactNullableBytes(), null)
  assert.equal(r.nullableBytes(), null)
  throwsCodec(() => new Reader(hex('fffffffe')).nullableBytes(), 'INVALID_LENGTH')
  throwsCodec(() => new Reader(hex('7fffffff00')).bytes(), 'LIMIT_EXCEEDED')
  throwsCodec(() => new Reader(hex('0000ffff00')).bytes(), 'TRUNCATED')
})

test('array lengths are checked against the bytes left and the limit before allocation', () => {
  assert.equal(new Reader(hex('00000002 0000')).arrayLength(), 2)
  assert.equal(new Reader(hex('ffffffff')).nullableArrayLength(), -1)
  assert.equal(new Reader(hex('00')).compactNullableArrayLength(), -1)
  assert.equal(new Reader(hex('03 0000')).compactArrayLength(), 2)
  throwsCodec(() => new Reader(hex('00000003 0000')).arrayLength(), 'TRUNCATED')
  throwsCodec(() => new Reader(hex('ffffffff')).arrayLength(), 'INVALID_LENGTH')
  throwsCodec(() => new Reader(hex('00')).compactArrayLength(), 'INVALID_LENGTH')
  const big = limits.codecArrayLengthMax + 1
  const w = new Writer()
  w.int32(big)
  throwsCodec(() => new Reader(w.finish()).arrayLength(), 'LIMIT_EXCEEDED')
})

test('string lengths are checked against codecStringBytesMax', () => {
  const w = new Writer()
  w.uvarint(limits.codecStringBytesMax + 2)
  throwsCodec(() => new Reader(w.finish()).compactString(), 'LIMIT_EXCEEDED')
})

test('tagged-field sections keep raw entries and check counts', () => {
  const fields = [
    { tag: 0, data: hex('01') },
    { tag: 5, data: hex('') },
    { tag: 300, data: hex('aabb') },
  ]
  const h = written((w) => w.rawTaggedFields(fields))
  assert.equal(h, '03' + '000101' + '0500' + 'ac0202aabb')
  assert.deepEqual(new Reader(hex(h)).rawTaggedFields(), fields)
  throwsCodec(() => new Reader(hex('02 0500 0100')).rawTaggedFields(), 'CORRUPT') // descending
  throwsCodec(() => new Reader(hex('05 0000')).rawTaggedFields(), 'TRUNCATED')
  const w = new Writer()
  w.uvarint(limits.codecTaggedFieldsMax + 1)
  throwsCodec(() => new Reader(w.finish()).taggedFieldCount(), 'LIMIT_EXCEEDED')
  throwsCodec(() => written((x) => x.rawTaggedFields([fields[1]!, fields[0]!])), 'INVALID_VALUE')
})

test('uuids are 16 bytes shown as canonical lower-case strings', () => {
  const id = '0123abcd-4567-89ef-0123-456789abcdef'
  assert.equal(
    written((w) => w.uuid(id)),
    '0123abcd456789ef0123456789abcdef',
  )
  assert.equal(new Reader(hex('0123abcd456789ef0123456789abcdef')).uuid(), id)
  assert.equal(new Reader(new Uint8Array(16)).uuid(), ZERO_UUID)
  throwsCodec(() => written((w) => w.uuid('0123ABCD-4567-89ef-0123-456789abcdef')), 'INVALID_VALUE')
})

test('the writer rejects values outside their wire type', () => {
  throwsCodec(() => written((w) => w.int8(128)), 'INVALID_VALUE')
  throwsCodec(() => written((w) => w.int16(1.5)), 'INVALID_VALUE')
  throwsCodec(() => written((w) => w.int32(2 ** 31)), 'INVALID_VALUE')
  throwsCodec(() => written((w) => w.uint32(-1)), 'INVALID_VALUE')
  throwsCodec(() => written((w) => w.int64(1n << 63n)), 'INVALID_VALUE')
  throwsCodec(() => written((w) => w.string('x'.repeat(0x8000))), 'INVALID_VALUE')
})

test('the writer grows and can patch a size prefix', () => {
  const w = new Writer(16)
  w.int32(0)
  for (let i = 0; i < 1000; i++) w.int32(i)
  w.int32At(0, w.pos - 4)
  const r = new Reader(w.finish())
  assert.equal(r.int32(), 4000)
  for (let i = 0; i < 1000; i++) assert.equal(r.int32(), i)
})

test('reads past the end are TRUNCATED, never RangeError', () => {
  const r = new Reader(hex('0001'), 0, 1)
  throwsCodec(() => r.int16(), 'TRUNCATED')
  throwsCodec(() => new Reader(hex('')).int8(), 'TRUNCATED')
  throwsCodec(() => new Reader(hex('00000000000000')).int64(), 'TRUNCATED')
  throwsCodec(() => new Reader(hex('00')).uuid(), 'TRUNCATED')
  throwsCodec(() => new Reader(hex('02')).bool(), 'INVALID_VALUE')
})
