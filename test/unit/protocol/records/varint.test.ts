import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import {
  readVarint,
  readVarlong,
  varintBytes,
  varlongBytes,
  writeVarint,
  writeVarlong,
} from '../../../../src/protocol/records/varint.js'

/** Reference zig-zag varlong, straight from the protobuf definition, in bigint. */
function reference(v: bigint): number[] {
  let u = (v << 1n) ^ (v >> 63n)
  u &= 0xffffffffffffffffn
  const out: number[] = []
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80)
    u >>= 7n
  }
  out.push(Number(u))
  return out
}

function roundTripLong(v: number): void {
  const buf = new Uint8Array(10)
  const end = writeVarlong(buf, 0, v)
  assert.deepEqual([...buf.subarray(0, end)], reference(BigInt(v)), `encoding of ${v}`)
  assert.equal(end, varlongBytes(v), `size of ${v}`)
  const c = { bytes: buf, at: 0, end }
  assert.equal(readVarlong(c), v)
  assert.equal(c.at, end)
}

test('varlong edges match the protobuf reference and read back', () => {
  const edges = [0, 1, -1, 63, -64, 64, -65, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, 2 ** 31, -(2 ** 31) - 1]
  for (const e of [2 ** 35, 2 ** 42, 2 ** 49, 2 ** 52, Number.MAX_SAFE_INTEGER])
    edges.push(e, -e, e - 1, -e + 1)
  edges.push(Number.MIN_SAFE_INTEGER)
  for (const v of edges) roundTripLong(v)
})

test('varlong round trips any safe integer (property)', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (v) => roundTripLong(v)),
    { numRuns: 2000 },
  )
})

test('varint round trips any int32 (property) and matches the reference', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
      const buf = new Uint8Array(5)
      const end = writeVarint(buf, 0, v)
      assert.equal(end, varintBytes(v))
      assert.deepEqual([...buf.subarray(0, end)], reference(BigInt(v)))
      assert.equal(readVarint({ bytes: buf, at: 0, end }), v)
    }),
    { numRuns: 2000 },
  )
})

test('overlong and out-of-range varints fail with CodecError', () => {
  const cases: [number[], 'varint' | 'varlong', string][] = [
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'varint', 'INVALID_LENGTH'],
    [[0xff, 0xff, 0xff, 0xff, 0x7f], 'varint', 'INVALID_VALUE'],
    [[0x80], 'varint', 'TRUNCATED'],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'varlong', 'INVALID_LENGTH'],
    // 2^54 zig-zagged: outside the safe integer range.
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'varlong', 'INVALID_VALUE'],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], 'varlong', 'TRUNCATED'],
  ]
  for (const [bytes, kind, code] of cases) {
    const c = { bytes: Uint8Array.from(bytes), at: 0, end: bytes.length }
    assert.throws(
      () => (kind === 'varint' ? readVarint(c) : readVarlong(c)),
      (e) => e instanceof CodecError && e.code === code,
      `${bytes} as ${kind}`,
    )
  }
})
