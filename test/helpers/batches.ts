/**
 * Builds valid, uncompressed record batches (magic 2) for storage tests without depending on the
 * record encoder: N records of raw value bytes, null keys, no headers, a correct CRC-32C.
 */
import { computeBatchCrc } from '../../src/protocol/records/header.js'

function zigzagVarint(value: number, out: number[]): void {
  let v = (value << 1) ^ (value >> 31)
  v >>>= 0
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}

export interface BatchSpec {
  values: Uint8Array[]
  /** Timestamp of the first record; each next record is 1 ms later. */
  timestampMs?: number
  baseOffset?: number
  term?: number
}

export function makeBatch(spec: BatchSpec): Uint8Array {
  const ts = spec.timestampMs ?? 1_700_000_000_000
  const records: number[] = []
  spec.values.forEach((value, i) => {
    const body: number[] = [0]
    zigzagVarint(i, body) // timestampDelta (fits a varint for small i)
    zigzagVarint(i, body) // offsetDelta
    zigzagVarint(-1, body) // null key
    zigzagVarint(value.byteLength, body)
    for (const b of value) body.push(b)
    zigzagVarint(0, body) // no headers
    zigzagVarint(body.length, records)
    for (const b of body) records.push(b)
  })
  const total = 61 + records.length
  const bytes = Buffer.alloc(total)
  const count = spec.values.length
  bytes.writeBigInt64BE(BigInt(spec.baseOffset ?? 0), 0)
  bytes.writeInt32BE(total - 12, 8)
  bytes.writeInt32BE(spec.term ?? -1, 12)
  bytes.writeInt8(2, 16)
  bytes.writeInt16BE(0, 21)
  bytes.writeInt32BE(Math.max(0, count - 1), 23)
  bytes.writeBigInt64BE(BigInt(ts), 27)
  bytes.writeBigInt64BE(BigInt(ts + Math.max(0, count - 1)), 35)
  bytes.writeBigInt64BE(-1n, 43)
  bytes.writeInt16BE(-1, 51)
  bytes.writeInt32BE(-1, 53)
  bytes.writeInt32BE(count, 57)
  Buffer.from(records).copy(bytes, 61)
  bytes.writeUInt32BE(computeBatchCrc(bytes, 0, total), 17)
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** A batch of `count` records whose values are `size` bytes derived from `seed`. */
export function seededBatch(seed: number, count: number, size: number, timestampMs?: number): Uint8Array {
  const values: Uint8Array[] = []
  for (let r = 0; r < count; r++) {
    const v = new Uint8Array(size)
    let x = (seed * 2654435761 + r * 40503 + 1) >>> 0
    for (let i = 0; i < size; i++) {
      x = (x * 1103515245 + 12345) >>> 0
      v[i] = x >>> 24
    }
    values.push(v)
  }
  return makeBatch(timestampMs === undefined ? { values } : { values, timestampMs })
}
