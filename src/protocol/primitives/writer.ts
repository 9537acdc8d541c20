/**
 * A growing output buffer. It doubles when full, so encoding a message costs O(log n)
 * allocations; `finish()` returns a view of the written bytes without copying.
 * Values outside their wire type's range are rejected with CodecError('INVALID_VALUE') rather
 * than silently wrapped, because a wrapped int is a wrong answer sent to a client.
 */
import { limits } from '../../config/limits.js'
import { CodecError } from '../codec-error.js'
import type { RawTaggedField } from './reader.js'
import { uuidWrite } from './uuid.js'

const INITIAL_BYTES = 256
const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n
const UINT64_MAX = (1n << 64n) - 1n
const utf8Encoder = new TextEncoder()

function badValue(what: string, v: unknown): CodecError {
  return new CodecError('INVALID_VALUE', `${String(v)} is not a valid ${what}`)
}

function checkInt(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw badValue(what, v)
}

/** UTF-8 byte length of a string, without encoding it. Lone surrogates count as U+FFFD (3 bytes). */
export function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2 // 4 bytes for 2 UTF-16 units
        i++
      } else n += 2
    } else n += 2
  }
  return n
}

export class Writer {
  buf: Uint8Array
  view: DataView
  pos = 0

  constructor(initialBytes = INITIAL_BYTES) {
    this.buf = new Uint8Array(Math.max(16, initialBytes))
    this.view = new DataView(this.buf.buffer)
  }

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    const need = this.pos + n
    if (need <= this.buf.length) return
    if (need > limits.responseBytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `encoding needs ${need} bytes, above responseBytesMax`)
    }
    let size = this.buf.length * 2
    while (size < need) size *= 2
    const next = new Uint8Array(Math.min(size, Math.max(need, limits.responseBytesMax)))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  /** The bytes written so far, as a view into the buffer (valid until the next write). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }

  int8(v: number): void {
    checkInt(v, -0x80, 0x7f, 'int8')
    this.ensure(1)
    this.view.setInt8(this.pos++, v)
  }

  uint8(v: number): void {
    checkInt(v, 0, 0xff, 'uint8')
    this.ensure(1)
    this.buf[this.pos++] = v
  }

  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.pos++] = v ? 1 : 0
  }

  int16(v: number): void {
    checkInt(v, -0x8000, 0x7fff, 'int16')
    this.ensure(2)
    this.view.setInt16(this.pos, v)
    this.pos += 2
  }

  uint16(v: number): void {
    checkInt(v, 0, 0xffff, 'uint16')
    this.ensure(2)
    this.view.setUint16(this.pos, v)
    this.pos += 2
  }

  int32(v: number): void {
    checkInt(v, -0x8000_0000, 0x7fff_ffff, 'int32')
    this.ensure(4)
    this.view.setInt32(this.pos, v)
    this.pos += 4
  }

  uint32(v: number): void {
    checkInt(v, 0, 0xffff_ffff, 'uint32')
    this.ensure(4)
    this.view.setUint32(this.pos, v)
    this.pos += 4
  }

  /** Overwrites an int32 already written at `at` (a size prefix known only afterwards). */
  int32At(at: number, v: number): void {
    checkInt(v, -0x8000_0000, 0x7fff_ffff, 'int32')
    if (at < 0 || at + 4 > this.pos)
      throw new CodecError('INVALID_LENGTH', `int32At(${at}) outside written bytes`)
    this.view.setInt32(at, v)
  }

  int64(v: bigint): void {
    if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) throw badValue('int64', v)
    this.ensure(8)
    this.view.setBigInt64(this.pos, v)
    this.pos += 8
  }

  float64(v: number): void {
    if (typeof v !== 'number') throw badValue('float64', v)
    this.ensure(8)
    this.view.setFloat64(this.pos, v)
    this.pos += 8
  }

  uuid(v: string): void {
    this.ensure(16)
    uuidWrite(v, this.buf, this.pos)
    this.pos += 16
  }

  uvarint(v: number): void {
    checkInt(v, 0, 0xffff_ffff, 'unsigned varint')
    this.ensure(5)
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128) // not >>>: values above 2^31 must stay positive
    }
    this.buf[this.pos++] = v
  }

  varint(v: number): void {
    checkInt(v, -0x8000_0000, 0x7fff_ffff, 'varint')
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0)
  }

  uvarlong(v: bigint): void {
    if (typeof v !== 'bigint' || v < 0n || v > UINT64_MAX) throw badValue('unsigned varlong', v)
    this.ensure(10)
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80
      v >>= 7n
    }
    this.buf[this.pos++] = Number(v)
  }

  varlong(v: bigint): void {
    if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) throw badValue('varlong', v)
    this.uvarlong(v >= 0n ? v << 1n : (-v << 1n) - 1n)
  }

  // ── strings ──────────────────────────────────────────────────────────────────────────────────

  string(v: string): void {
    if (typeof v !== 'string') throw badValue('string', v)
    const n = utf8Length(v)
    if (n > 0x7fff) throw new CodecError('INVALID_VALUE', `string of ${n} bytes does not fit an int16 length`)
    this.int16(n)
    this.utf8(v, n)
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1)
    else this.string(v)
  }

  compactString(v: string): void {
    if (typeof v !== 'string') throw badValue('string', v)
    const n = utf8Length(v)
    this.uvarint(n + 1)
    this.utf8(v, n)
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0)
    else this.compactString(v)
  }

  private utf8(v: string, n: number): void {
    this.ensure(n)
    if (n === v.length) {
      // ASCII: one byte per UTF-16 unit, no encoder call.
      for (let i = 0; i < n; i++) this.buf[this.pos + i] = v.charCodeAt(i)
    } else {
      utf8Encoder.encodeInto(v, this.buf.subarray(this.pos, this.pos + n))
    }
    this.pos += n
  }

  // ── bytes ────────────────────────────────────────────────────────────────────────────────────

  bytes(v: Uint8Array): void {
    if (!(v instanceof Uint8Array)) throw badValue('bytes', v)
    this.int32(v.length)
    this.raw(v)
  }

  nullableBytes(v: Uint8Array | null): void {
    if (v === null) this.int32(-1)
    else this.bytes(v)
  }

  compactBytes(v: Uint8Array): void {
    if (!(v instanceof Uint8Array)) throw badValue('bytes', v)
    this.uvarint(v.length + 1)
    this.raw(v)
  }

  compactNullableBytes(v: Uint8Array | null): void {
    if (v === null) this.uvarint(0)
    else this.compactBytes(v)
  }

  raw(v: Uint8Array): void {
    this.ensure(v.length)
    this.buf.set(v, this.pos)
    this.pos += v.length
  }

  // ── arrays (the caller writes the elements) ──────────────────────────────────────────────────

  arrayLength(n: number): void {
    this.int32(n)
  }

  /** -1 writes null. */
  nullableArrayLength(n: number): void {
    this.int32(n)
  }

  compactArrayLength(n: number): void {
    this.uvarint(n + 1)
  }

  /** -1 writes null. */
  compactNullableArrayLength(n: number): void {
    this.uvarint(n + 1)
  }

  /** A tagged-field section of raw entries, which must already be in ascending tag order. */
  rawTaggedFields(fields: readonly RawTaggedField[]): void {
    this.uvarint(fields.length)
    let last = -1
    for (const f of fields) {
      if (f.tag <= last)
        throw new CodecError('INVALID_VALUE', `tag ${f.tag} follows ${last}; tags must ascend`)
      last = f.tag
      this.uvarint(f.tag)
      this.uvarint(f.data.length)
      this.raw(f.data)
    }
  }
}
