/**
 * A cursor over one frame. Every read checks the bytes that remain first, and every length is
 * checked against what remains and against its limit in config/limits.ts BEFORE anything is
 * allocated, so a hostile length prefix costs nothing. Bad input throws CodecError and nothing else.
 *
 * `bytes` reads return subarrays of the frame (no copy): a decoded Produce request's records point
 * into the frame, so the frame must not be reused while the decoded value is alive.
 */
import { limits } from '../../config/limits.js'
import { CodecError } from '../codec-error.js'
import { uuidToString } from './uuid.js'

/** A tagged field the schema does not know, kept as raw bytes so re-encoding reproduces it. */
export interface RawTaggedField {
  readonly tag: number
  readonly data: Uint8Array
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Up to this many ASCII bytes are decoded by hand; TextDecoder's call overhead dominates below it. */
const SHORT_ASCII_BYTES_MAX = 32

export class Reader {
  readonly buf: Uint8Array
  readonly view: DataView
  /** Read position, an index into `buf`. */
  pos: number
  /** One past the last readable byte of `buf`. */
  readonly end: number

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) {
      throw new CodecError(
        'INVALID_LENGTH',
        `reader window [${start}, ${end}) is outside ${buf.length} bytes`,
      )
    }
    this.buf = buf
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    this.pos = start
    this.end = end
  }

  remaining(): number {
    return this.end - this.pos
  }

  /** Throws TRUNCATED unless n more bytes can be read. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new CodecError(
        'TRUNCATED',
        `${what}: needs ${n} bytes, ${this.end - this.pos} remain at ${this.pos}`,
      )
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return this.view.getInt8(this.pos++)
  }

  uint8(): number {
    this.need(1, 'uint8')
    return this.buf[this.pos++] as number
  }

  bool(): boolean {
    this.need(1, 'bool')
    const b = this.buf[this.pos++] as number
    // Kafka's Java reader treats any non-zero byte as true; we accept only 0 and 1 so that
    // re-encoding a decoded frame always reproduces its bytes.
    if (b > 1) throw new CodecError('INVALID_VALUE', `bool byte ${b} at ${this.pos - 1} is neither 0 nor 1`)
    return b === 1
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.view.getInt16(this.pos)
    this.pos += 2
    return v
  }

  uint16(): number {
    this.need(2, 'uint16')
    const v = this.view.getUint16(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.view.getInt32(this.pos)
    this.pos += 4
    return v
  }

  uint32(): number {
    this.need(4, 'uint32')
    const v = this.view.getUint32(this.pos)
    this.pos += 4
    return v
  }

  int64(): bigint {
    this.need(8, 'int64')
    const v = this.view.getBigInt64(this.pos)
    this.pos += 8
    return v
  }

  float64(): number {
    this.need(8, 'float64')
    const v = this.view.getFloat64(this.pos)
    this.pos += 8
    return v
  }

  /** 16 bytes, returned in canonical lower-case 8-4-4-4-12 form (see uuid.ts for why). */
  uuid(): string {
    this.need(16, 'uuid')
    const s = uuidToString(this.buf, this.pos)
    this.pos += 16
    return s
  }

  /** Unsigned LEB128 of at most 5 bytes holding a value below 2^32. */
  uvarint(): number {
    let value = 0
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new CodecError('TRUNCATED', `varint runs past the end at ${this.pos}`)
      const b = this.buf[this.pos++] as number
      if (i === 4) {
        if (b > 0x0f) throw new CodecError('INVALID_LENGTH', `varint at ${this.pos - 5} exceeds 32 bits`)
        // Multiply instead of shifting: bit 31 would make a shift negative.
        return value + b * 0x1000_0000
      }
      value |= (b & 0x7f) << (7 * i)
      if (b < 0x80) return value >>> 0
    }
    /* c8 ignore next */
    throw new CodecError('INVALID_LENGTH', 'varint longer than 5 bytes')
  }

  /** Zig-zag signed varint (int32). */
  varint(): number {
    const u = this.uvarint()
    return (u >>> 1) ^ -(u & 1)
  }

  /** Unsigned LEB128 of at most 10 bytes holding a value below 2^64. */
  uvarlong(): bigint {
    let lo = 0 // first 28 bits, kept as a number for speed
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) throw new CodecError('TRUNCATED', `varlong runs past the end at ${this.pos}`)
      const b = this.buf[this.pos++] as number
      lo |= (b & 0x7f) << (7 * i)
      if (b < 0x80) return BigInt(lo)
    }
    let hi = 0n
    for (let i = 4; i < 10; i++) {
      if (this.pos >= this.end) throw new CodecError('TRUNCATED', `varlong runs past the end at ${this.pos}`)
      const b = this.buf[this.pos++] as number
      if (i === 9 && b > 0x01)
        throw new CodecError('INVALID_LENGTH', `varlong at ${this.pos - 10} exceeds 64 bits`)
      hi |= BigInt(b & 0x7f) << BigInt(7 * (i - 4))
      if (b < 0x80) return BigInt(lo) | (hi << 28n)
    }
    throw new CodecError('INVALID_LENGTH', `varlong at ${this.pos - 10} is longer than 10 bytes`)
  }

  /** Zig-zag signed varlong (int64). */
  varlong(): bigint {
    const u = this.uvarlong()
    return (u >> 1n) ^ -(u & 1n)
  }

  // ── strings ──────────────────────────────────────────────────────────────────────────────────

  /** int16 length, -1 not allowed. */
  string(): string {
    const n = this.int16()
    if (n < 0) throw new CodecError('INVALID_LENGTH', `non-nullable string has length ${n}`)
    return this.utf8(n)
  }

  nullableString(): string | null {
    const n = this.int16()
    if (n === -1) return null
    if (n < 0) throw new CodecError('INVALID_LENGTH', `string length ${n}`)
    return this.utf8(n)
  }

  /** Unsigned varint of length + 1; 0 (null) not allowed. */
  compactString(): string {
    const n = this.uvarint()
    if (n === 0) throw new CodecError('INVALID_LENGTH', 'non-nullable compact string is null')
    return this.utf8(n - 1)
  }

  compactNullableString(): string | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.utf8(n - 1)
  }

  /**
   * Invalid UTF-8 is rejected (INVALID_VALUE). Kafka's Java decoder substitutes U+FFFD instead,
   * but then re-encoding would not reproduce the frame and two different names could collide.
   */
  utf8(n: number): string {
    if (n > limits.codecStringBytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `string of ${n} bytes exceeds codecStringBytesMax`)
    }
    this.need(n, 'string')
    const start = this.pos
    const buf = this.buf
    if (n <= SHORT_ASCII_BYTES_MAX) {
      let s = ''
      let i = start
      const stop = start + n
      for (; i < stop; i++) {
        const c = buf[i] as number
        if (c >= 0x80) break
        s += String.fromCharCode(c)
      }
      if (i === stop) {
        this.pos = stop
        return s
      }
    }
    let s: string
    try {
      s = utf8Fatal.decode(buf.subarray(start, start + n))
    } catch {
      throw new CodecError('INVALID_VALUE', `string at ${start} is not valid UTF-8`)
    }
    this.pos = start + n
    return s
  }

  // ── bytes ────────────────────────────────────────────────────────────────────────────────────

  /** int32 length, -1 not allowed. Returns a subarray of the frame. */
  bytes(): Uint8Array {
    const n = this.int32()
    if (n < 0) throw new CodecError('INVALID_LENGTH', `non-nullable bytes have length ${n}`)
    return this.raw(n)
  }

  nullableBytes(): Uint8Array | null {
    const n = this.int32()
    if (n === -1) return null
    if (n < 0) throw new CodecError('INVALID_LENGTH', `bytes length ${n}`)
    return this.raw(n)
  }

  compactBytes(): Uint8Array {
    const n = this.uvarint()
    if (n === 0) throw new CodecError('INVALID_LENGTH', 'non-nullable compact bytes are null')
    return this.raw(n - 1)
  }

  compactNullableBytes(): Uint8Array | null {
    const n = this.uvarint()
    if (n === 0) return null
    return this.raw(n - 1)
  }

  /** The next n bytes as a subarray of the frame (no copy). */
  raw(n: number): Uint8Array {
    if (n > limits.frameBytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `bytes field of ${n} bytes exceeds frameBytesMax`)
    }
    this.need(n, 'bytes')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  // ── arrays ───────────────────────────────────────────────────────────────────────────────────
  // The length is returned checked; the caller reads the elements. Every element takes at least
  // one byte in every schema but an empty struct's, so a count larger than the bytes that remain
  // is rejected outright (Kafka's generated Java code applies the same rule).

  /** int32 count, -1 not allowed. */
  arrayLength(): number {
    const n = this.int32()
    if (n < 0) throw new CodecError('INVALID_LENGTH', `non-nullable array has length ${n}`)
    return this.checkCount(n)
  }

  /** int32 count; returns -1 for null. */
  nullableArrayLength(): number {
    const n = this.int32()
    if (n === -1) return -1
    if (n < 0) throw new CodecError('INVALID_LENGTH', `array length ${n}`)
    return this.checkCount(n)
  }

  /** Unsigned varint of count + 1; 0 (null) not allowed. */
  compactArrayLength(): number {
    const n = this.uvarint()
    if (n === 0) throw new CodecError('INVALID_LENGTH', 'non-nullable compact array is null')
    return this.checkCount(n - 1)
  }

  /** Returns -1 for null. */
  compactNullableArrayLength(): number {
    const n = this.uvarint()
    if (n === 0) return -1
    return this.checkCount(n - 1)
  }

  private checkCount(n: number): number {
    if (n > limits.codecArrayLengthMax) {
      throw new CodecError('LIMIT_EXCEEDED', `array of ${n} elements exceeds codecArrayLengthMax`)
    }
    if (n > this.end - this.pos) {
      throw new CodecError('TRUNCATED', `array of ${n} elements but only ${this.end - this.pos} bytes remain`)
    }
    return n
  }

  // ── tagged fields ────────────────────────────────────────────────────────────────────────────

  /** The count of a tagged-field section, checked against codecTaggedFieldsMax and the bytes left. */
  taggedFieldCount(): number {
    const n = this.uvarint()
    if (n > limits.codecTaggedFieldsMax) {
      throw new CodecError('LIMIT_EXCEEDED', `${n} tagged fields exceed codecTaggedFieldsMax`)
    }
    // Each entry takes at least two bytes (tag and size varints).
    if (n * 2 > this.end - this.pos) {
      throw new CodecError('TRUNCATED', `${n} tagged fields but only ${this.end - this.pos} bytes remain`)
    }
    return n
  }

  /** A whole tagged-field section kept raw (for callers that know no tags, e.g. headers). */
  rawTaggedFields(): RawTaggedField[] {
    const count = this.taggedFieldCount()
    const out: RawTaggedField[] = []
    let last = -1
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint()
      if (tag <= last) throw new CodecError('CORRUPT', `tag ${tag} follows tag ${last}; tags must ascend`)
      last = tag
      const size = this.uvarint()
      out.push({ tag, data: this.raw(size) })
    }
    return out
  }
}
