/**
 * Builds small uncompressed record batches (magic 2) by hand for tests, with a correct CRC-32C,
 * so that tests of the produce path do not depend on a client library.
 */
import { crc32c } from '../../src/lib/crc32c.js'

function zigzagVarint(out: number[], v: number): void {
  let n = v >= 0 ? v * 2 : -v * 2 - 1
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
}

export interface BatchSpec {
  values: string[]
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  timestamp?: number
  attributes?: number
}

export function buildBatch(spec: BatchSpec): Uint8Array {
  const ts = spec.timestamp ?? 1_700_000_000_000
  const records: number[] = []
  spec.values.forEach((value, i) => {
    const body: number[] = [0] // record attributes
    zigzagVarint(body, 0) // timestamp delta
    zigzagVarint(body, i) // offset delta
    zigzagVarint(body, -1) // null key
    const v = Buffer.from(value)
    zigzagVarint(body, v.length)
    body.push(...v)
    zigzagVarint(body, 0) // no headers
    zigzagVarint(records, body.length)
    records.push(...body)
  })
  const total = 61 + records.length
  const b = new Uint8Array(total)
  const view = new DataView(b.buffer)
  view.setBigInt64(0, 0n)
  view.setInt32(8, total - 12)
  view.setInt32(12, -1)
  view.setInt8(16, 2)
  view.setInt16(21, spec.attributes ?? 0)
  view.setInt32(23, spec.values.length - 1)
  view.setBigInt64(27, BigInt(ts))
  view.setBigInt64(35, BigInt(ts))
  view.setBigInt64(43, BigInt(spec.producerId ?? -1))
  view.setInt16(51, spec.producerEpoch ?? -1)
  view.setInt32(53, spec.baseSequence ?? -1)
  view.setInt32(57, spec.values.length)
  b.set(records, 61)
  view.setUint32(17, crc32c(b.subarray(21)))
  return b
}
