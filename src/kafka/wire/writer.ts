/**
 * A growable big-endian writer for Kafka wire primitives. The buffer doubles as needed; callers
 * bound what they write (responses are clamped to limits.responseBytesMax by the handlers).
 */
const textEncoder = new TextEncoder()

export class ByteWriter {
  private buf: Uint8Array
  private view: DataView
  pos = 0

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes)
    this.view = new DataView(this.buf.buffer)
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.byteLength) return
    let size = this.buf.byteLength * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  int8(v: number): this {
    this.ensure(1)
    this.view.setInt8(this.pos, v)
    this.pos += 1
    return this
  }

  int16(v: number): this {
    this.ensure(2)
    this.view.setInt16(this.pos, v)
    this.pos += 2
    return this
  }

  uint16(v: number): this {
    this.ensure(2)
    this.view.setUint16(this.pos, v)
    this.pos += 2
    return this
  }

  int32(v: number): this {
    this.ensure(4)
    this.view.setInt32(this.pos, v)
    this.pos += 4
    return this
  }

  uint32(v: number): this {
    this.ensure(4)
    this.view.setUint32(this.pos, v)
    this.pos += 4
    return this
  }

  int64(v: bigint): this {
    this.ensure(8)
    this.view.setBigInt64(this.pos, v)
    this.pos += 8
    return this
  }

  float64(v: number): this {
    this.ensure(8)
    this.view.setFloat64(this.pos, v)
    this.pos += 8
    return this
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0)
  }

  uvarint(v: number): this {
    let n = v
    this.ensure(5)
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80
      n = Math.floor(n / 128)
    }
    this.buf[this.pos++] = n
    return this
  }

  raw(b: Uint8Array): this {
    this.ensure(b.byteLength)
    this.buf.set(b, this.pos)
    this.pos += b.byteLength
    return this
  }

  string(s: string | null, compact: boolean): this {
    if (s === null) return compact ? this.uvarint(0) : this.int16(-1)
    const b = textEncoder.encode(s)
    if (compact) this.uvarint(b.byteLength + 1)
    else this.int16(b.byteLength)
    return this.raw(b)
  }

  bytes(b: Uint8Array | null, compact: boolean): this {
    if (b === null) return compact ? this.uvarint(0) : this.int32(-1)
    if (compact) this.uvarint(b.byteLength + 1)
    else this.int32(b.byteLength)
    return this.raw(b)
  }

  arrayLength(n: number | null, compact: boolean): this {
    if (n === null) return compact ? this.uvarint(0) : this.int32(-1)
    return compact ? this.uvarint(n + 1) : this.int32(n)
  }

  /** Overwrites an int32 already written at `at` (frame sizes). */
  patchInt32(at: number, v: number): void {
    this.view.setInt32(at, v)
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}
