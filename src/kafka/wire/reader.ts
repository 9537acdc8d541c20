/**
 * Bounds-checked reading of Kafka wire primitives. Every length is checked against what remains
 * and against its limit before anything is allocated; bad input throws CodecError, nothing else.
 * Interim: the codec branch's primitives replace this when they land.
 */
import { limits } from '../../config/limits.js'
import { CodecError } from '../../protocol/codec-error.js'

const textDecoder = new TextDecoder('utf-8', { fatal: true })

export class ByteReader {
  private readonly view: DataView
  pos: number

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.pos = start
  }

  get remaining(): number {
    return this.bytes.byteLength - this.pos
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new CodecError('TRUNCATED', `${what} needs ${n} bytes, ${this.remaining} remain`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    const v = this.view.getInt8(this.pos)
    this.pos += 1
    return v
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

  bool(): boolean {
    const b = this.int8()
    if (b !== 0 && b !== 1) throw new CodecError('INVALID_VALUE', `boolean byte ${b} is neither 0 nor 1`)
    return b === 1
  }

  /** Unsigned LEB128 varint of at most 32 bits (KIP-482 lengths and tags). */
  uvarint(): number {
    let result = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.int8() & 0xff
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new CodecError('INVALID_LENGTH', 'unsigned varint exceeds 32 bits')
        return result
      }
    }
    throw new CodecError('INVALID_LENGTH', 'unsigned varint longer than 5 bytes')
  }

  raw(n: number, what: string): Uint8Array {
    this.need(n, what)
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  private text(n: number): string {
    if (n > limits.codecStringBytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `string of ${n} bytes exceeds ${limits.codecStringBytesMax}`)
    }
    const b = this.raw(n, 'string')
    try {
      return textDecoder.decode(b)
    } catch {
      throw new CodecError('INVALID_VALUE', 'string is not valid UTF-8')
    }
  }

  /** int16-length string; -1 is null. */
  string(): string | null {
    const n = this.int16()
    if (n < 0) {
      if (n === -1) return null
      throw new CodecError('INVALID_LENGTH', `string length ${n}`)
    }
    return this.text(n)
  }

  /** uvarint(N+1)-length string; 0 is null. */
  compactString(): string | null {
    const n = this.uvarint()
    return n === 0 ? null : this.text(n - 1)
  }

  /** int32-length bytes; -1 is null. The result is a view into the frame. */
  bytesField(): Uint8Array | null {
    const n = this.int32()
    if (n < 0) {
      if (n === -1) return null
      throw new CodecError('INVALID_LENGTH', `bytes length ${n}`)
    }
    return this.raw(n, 'bytes')
  }

  compactBytes(): Uint8Array | null {
    const n = this.uvarint()
    return n === 0 ? null : this.raw(n - 1, 'bytes')
  }

  /** Array length (int32, -1 null) checked against the element limit and what remains. */
  arrayLength(compact: boolean): number | null {
    const n = compact ? this.uvarint() - 1 : this.int32()
    if (n < 0) {
      if (n === -1) return null
      throw new CodecError('INVALID_LENGTH', `array length ${n}`)
    }
    if (n > limits.codecArrayLengthMax) {
      throw new CodecError('LIMIT_EXCEEDED', `array of ${n} elements exceeds ${limits.codecArrayLengthMax}`)
    }
    // Every element takes at least one byte, so a count beyond what remains is a lie.
    if (n > this.remaining)
      throw new CodecError('TRUNCATED', `array of ${n} elements in ${this.remaining} bytes`)
    return n
  }
}
