/**
 * Bounded fuzz: mutated and random batches either decode or fail with CodecError, nothing else.
 * Seeded, so a failure names the seed and case that replay it. Most cases skip the CRC check,
 * or they would all stop there; a share keep it on, and some re-seal the CRC after mutating.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createPrng, type Prng } from '../../../../src/lib/prng.js'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import { compressRecords } from '../../../../src/protocol/records/compression.js'
import { computeBatchCrc } from '../../../../src/protocol/records/header.js'
import {
  type Compression,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  readEndTxnMarker,
} from '../../../../src/protocol/records/index.js'

const SEED = 0x5eed_0004
const CASES = 12_000
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

function randomBytes(prng: Prng, n: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = prng.int(256)
  return b
}

function seedBatch(prng: Prng, compression: Compression): Uint8Array {
  const count = prng.range(1, 8)
  const deltas: number[] = []
  for (let i = 0, d = 0; i < count; i++, d += prng.range(1, 3)) deltas.push(d)
  const records = deltas.map((offsetDelta) => ({
    key: prng.chance(0.3) ? null : randomBytes(prng, prng.int(20)),
    value: prng.chance(0.1) ? null : randomBytes(prng, prng.int(120)),
    headers: Array.from({ length: prng.int(3) }, () => ({
      key: `h${prng.int(1000)}`,
      value: prng.chance(0.2) ? null : randomBytes(prng, prng.int(10)),
    })),
    timestamp: 1_700_000_000_000 + prng.range(-100_000, 100_000),
    offsetDelta,
  }))
  return encodeRecordBatch({ baseOffset: prng.int(1_000_000), compression, records })
}

/** Recompresses a corrupted plain records section so the damage reaches the record parser. */
function mutateInside(prng: Prng, batch: Uint8Array, compression: Exclude<Compression, 'none'>): Uint8Array {
  const plain = decodeRecordBatch(batch)
  const raw = encodeRecordBatch({
    baseOffset: plain.header.baseOffset,
    records: plain.records.map((r) => ({ ...r, headers: r.headers })),
  }).subarray(61)
  const damaged = mutate(prng, raw)
  const packed = compressRecords(compression, damaged)
  const out = new Uint8Array(61 + packed.byteLength)
  out.set(batch.subarray(0, 61))
  out.set(packed, 61)
  new DataView(out.buffer).setInt32(8, out.byteLength - 12)
  return out
}

function mutate(prng: Prng, src: Uint8Array): Uint8Array {
  const b = Uint8Array.from(src)
  switch (prng.int(6)) {
    case 0: // truncate
      return b.subarray(0, prng.int(b.byteLength))
    case 1: // flip bits
      for (let i = prng.range(1, 4); i > 0; i--) {
        const at = prng.int(b.byteLength)
        b[at] = (b[at] as number) ^ (1 << prng.int(8))
      }
      return b
    case 2: // overwrite bytes with random ones
      for (let i = prng.range(1, 6); i > 0; i--) b[prng.int(b.byteLength)] = prng.int(256)
      return b
    case 3: {
      // bogus length or count: a random int32 into a header length/count field or anywhere
      const at = prng.chance(0.5) ? ([8, 57][prng.int(2)] as number) : prng.int(Math.max(1, b.byteLength - 4))
      if (at + 4 <= b.byteLength) new DataView(b.buffer).setInt32(at, (prng.next() * 2 ** 32) | 0)
      return b
    }
    case 4: {
      // splice: duplicate or drop a run
      const at = prng.int(b.byteLength)
      const n = prng.range(1, 16)
      if (prng.chance(0.5)) return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + n)])
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + n), ...b.subarray(at)])
    }
    default: // varint bombs: a run of continuation bytes
      for (let i = prng.int(b.byteLength), n = prng.range(1, 12); n > 0 && i < b.byteLength; i++, n--)
        b[i] = 0xff
      return b
  }
}

function reseal(b: Uint8Array): void {
  if (b.byteLength < 61) return
  const total = new DataView(b.buffer, b.byteOffset).getInt32(8) + 12
  if (total === b.byteLength) new DataView(b.buffer, b.byteOffset).setUint32(17, computeBatchCrc(b, 0, total))
}

test(`fuzz: ${CASES} mutated and random batches decode or fail with CodecError only`, () => {
  const prng = createPrng(SEED)
  const seeds = COMPRESSIONS.flatMap((c) =>
    Array.from({ length: 4 }, () => ({ c, bytes: seedBatch(prng, c) })),
  )
  const tally = { decoded: 0, rejected: 0 }
  const codes = new Map<string, number>()
  for (let i = 0; i < CASES; i++) {
    const seed = seeds[prng.int(seeds.length)] as { c: Compression; bytes: Uint8Array }
    let input: Uint8Array
    const kind = prng.int(10)
    if (kind === 0) input = randomBytes(prng, prng.int(200))
    else if (kind === 1 && seed.c !== 'none') input = mutateInside(prng, seed.bytes, seed.c)
    else input = mutate(prng, seed.bytes)
    const verifyCrc = prng.chance(0.2)
    if (!verifyCrc && prng.chance(0.5)) reseal(input)
    try {
      const batch = decodeRecordBatch(input, { verifyCrc, decompressedBytesMax: 4 * 1024 * 1024 })
      if (batch.control) readEndTxnMarker(batch)
      decodeRecordBatches(input, { verifyCrc })
      tally.decoded++
    } catch (e) {
      if (!(e instanceof CodecError)) {
        assert.fail(`seed ${SEED} case ${i}: ${e instanceof Error ? e.stack : String(e)}`)
      }
      tally.rejected++
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1)
    }
  }
  assert.equal(tally.decoded + tally.rejected, CASES)
  // Both outcomes must occur, or the fuzz is not reaching past the first check.
  assert.ok(tally.decoded > 100 && tally.rejected > 1000, JSON.stringify(tally))
  console.log(`fuzz: ${JSON.stringify(tally)} codes ${JSON.stringify(Object.fromEntries(codes))}`)
})
