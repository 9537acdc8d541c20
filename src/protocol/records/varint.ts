/**
 * Zig-zag varints as record batch v2 uses them (protobuf style, Kafka's ByteUtils.writeVarint and
 * writeVarlong). These are NOT the unsigned varints of KIP-482 compact lengths: records use signed
 * zig-zag throughout, so the two must not share code by accident.
 *
 * The reader works on a cursor into one Uint8Array and throws CodecError only.
 */
import { CodecError } from '../codec-error.js'

/** Bytes of the longest varint (int32) and varlong (int64). */
export const VARINT_BYTES_MAX = 5
export const VARLONG_BYTES_MAX = 10

/** A read position into a byte array, bounded by `end`. */
export interface Cursor {
  bytes: Uint8Array
  at: number
  end: number
}

/** Reads a zig-zag int32. Fails on overrun, on more than 5 bytes and on values beyond 32 bits. */
export function readVarint(c: Cursor): number {
  let u = 0
  let shift = 0
  for (let i = 0; i < VARINT_BYTES_MAX; i++) {
    if (c.at >= c.end) throw new CodecError('TRUNCATED', 'varint runs past the end of the records')
    const b = c.bytes[c.at++] as number
    u += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) {
      if (u > 0xffffffff) throw new CodecError('INVALID_VALUE', `varint ${u} does not fit 32 bits`)
      // Zig-zag: even → u/2, odd → -(u+1)/2; `u >>> 1` halves u as a uint32, `| 0` makes it int32.
      return ((u >>> 1) ^ -(u & 1)) | 0
    }
    shift += 7
  }
  throw new CodecError('INVALID_LENGTH', 'varint is longer than 5 bytes')
}

/**
 * Reads a zig-zag int64 as a number. Values outside the safe integer range fail with
 * INVALID_VALUE: Petrel keeps timestamps and offsets as safe integers inside.
 */
export function readVarlong(c: Cursor): number {
  let u = 0
  let shift = 0
  for (let i = 0; i < VARLONG_BYTES_MAX; i++) {
    if (c.at >= c.end) throw new CodecError('TRUNCATED', 'varlong runs past the end of the records')
    const b = c.bytes[c.at++] as number
    if (shift >= 49) return readVarlongSlow(c, u, shift, b)
    u += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return u % 2 === 0 ? u / 2 : -(u + 1) / 2
    shift += 7
  }
  throw new CodecError('INVALID_LENGTH', 'varlong is longer than 10 bytes')
}

/** The rare long tail (≥ 50 significant bits), done exactly in bigint. */
function readVarlongSlow(c: Cursor, low: number, shiftAt: number, first: number): number {
  let u = BigInt(low)
  let shift = BigInt(shiftAt)
  let b = first
  for (let i = shiftAt / 7; i < VARLONG_BYTES_MAX; i++) {
    u |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) {
      if (u > 0xffffffffffffffffn) throw new CodecError('INVALID_VALUE', 'varlong does not fit 64 bits')
      const v = (u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n)
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new CodecError('INVALID_VALUE', `varlong ${v} is outside the safe integer range`)
      }
      return Number(v)
    }
    shift += 7n
    if (i + 1 >= VARLONG_BYTES_MAX) break
    if (c.at >= c.end) throw new CodecError('TRUNCATED', 'varlong runs past the end of the records')
    b = c.bytes[c.at++] as number
  }
  throw new CodecError('INVALID_LENGTH', 'varlong is longer than 10 bytes')
}

/** Bytes the zig-zag encoding of int32 `v` takes. */
export function varintBytes(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0
  let n = 1
  while (u >= 0x80) {
    u >>>= 7
    n++
  }
  return n
}

/** Bytes the zig-zag encoding of safe integer `v` takes. */
export function varlongBytes(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return varintBytes(v)
  // |v| ≥ 2^30: count exactly in bigint, as writeVarlong writes it.
  const b = BigInt(v)
  let u = b >= 0n ? b << 1n : (-b << 1n) - 1n
  let n = 1
  while (u >= 0x80n) {
    u >>= 7n
    n++
  }
  return n
}

/** Writes zig-zag int32 `v` at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0
  let p = at
  while (u >= 0x80) {
    out[p++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  out[p++] = u
  return p
}

/** Writes zig-zag safe integer `v` at `at` as a varlong; returns the position after it. */
export function writeVarlong(out: Uint8Array, at: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeVarint(out, at, v)
  // Past 30 bits, go exact in bigint: 2|v|+1 is not representable as a double beyond 2^53.
  const b = BigInt(v)
  let u = b >= 0n ? b << 1n : (-b << 1n) - 1n
  let p = at
  while (u >= 0x80n) {
    out[p++] = Number(u & 0x7fn) | 0x80
    u >>= 7n
  }
  out[p++] = Number(u)
  return p
}
