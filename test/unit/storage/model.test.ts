/**
 * Property test: random sequences of append, read, truncateSuffix, truncatePrefix, roll,
 * retention, clock moves, reopen and crash give the same answers from the partition log (on the
 * in-memory disk) as from a plain in-memory reference that keeps segments as arrays of batches.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { setBaseOffset, setPartitionLeaderEpoch } from '../../../src/protocol/records/header.js'
import { StorageError } from '../../../src/storage/errors.js'
import type { PartitionLog } from '../../../src/storage/partition-log.js'
import { seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

const SEGMENT_BYTES = 64 * 1024
const SEGMENT_MS = 10_000

interface ModelBatch {
  base: number
  last: number
  term: number
  maxTs: number
  bytes: Uint8Array
}

interface ModelSegment {
  base: number
  batches: ModelBatch[]
  firstAppendMs: number | undefined
}

const sizeOf = (s: ModelSegment): number => s.batches.reduce((n, b) => n + b.bytes.byteLength, 0)
const maxTsOf = (s: ModelSegment): number => s.batches.reduce((m, b) => Math.max(m, b.maxTs), -1)

/** The reference: what the log should answer, with no files, indexes or recovery. */
class ModelLog {
  segments: ModelSegment[] = [{ base: 0, batches: [], firstAppendMs: undefined }]
  logStart = 0
  end = 0
  now = 1_700_000_000_000

  get active(): ModelSegment {
    return this.segments[this.segments.length - 1] as ModelSegment
  }

  lastTerm(): number | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const b = this.segments[i]?.batches.at(-1)
      if (b !== undefined) return b.term
    }
    return undefined
  }

  append(batch: Uint8Array, term: number, count: number, maxTs: number): { base: number; last: number } {
    const a = this.active
    const size = sizeOf(a)
    const tooOld = a.firstAppendMs !== undefined && this.now - a.firstAppendMs >= SEGMENT_MS
    if (size > 0 && (tooOld || size + batch.byteLength > SEGMENT_BYTES)) this.roll()
    const stored = batch.slice()
    setBaseOffset(stored, 0, this.end)
    setPartitionLeaderEpoch(stored, 0, term)
    const b = { base: this.end, last: this.end + count - 1, term, maxTs, bytes: stored }
    this.active.batches.push(b)
    this.active.firstAppendMs ??= this.now
    this.end = b.last + 1
    return b
  }

  roll(): void {
    if (sizeOf(this.active) > 0) this.segments.push({ base: this.end, batches: [], firstAppendMs: undefined })
  }

  segmentFor(offset: number): ModelSegment {
    let found = this.segments[0] as ModelSegment
    for (const s of this.segments) if (s.base <= offset) found = s
    return found
  }

  read(offset: number, maxBytes: number): Uint8Array | 'OUT_OF_RANGE' {
    if (offset < this.logStart || offset > this.end) return 'OUT_OF_RANGE'
    if (offset === this.end) return new Uint8Array(0)
    const seg = this.segmentFor(offset)
    const first = seg.batches.findIndex((b) => b.last >= offset)
    const parts: Uint8Array[] = []
    let total = 0
    for (let i = first; i < seg.batches.length; i++) {
      const bytes = (seg.batches[i] as ModelBatch).bytes
      if (i > first && total + bytes.byteLength > maxBytes) break
      parts.push(bytes)
      total += bytes.byteLength
    }
    const out = new Uint8Array(total)
    let at = 0
    for (const p of parts) {
      out.set(p, at)
      at += p.byteLength
    }
    return out
  }

  termOf(offset: number): number | undefined {
    if (offset < this.logStart || offset >= this.end) return undefined
    return this.segmentFor(offset).batches.find((b) => b.last >= offset)?.term
  }

  offsetForTimestamp(ts: number): number | undefined {
    for (const s of this.segments) {
      const b = s.batches.find((x) => x.maxTs >= ts)
      if (b !== undefined) return Math.max(b.base, this.logStart)
    }
    return undefined
  }

  reset(start: number): void {
    this.segments = [{ base: start, batches: [], firstAppendMs: undefined }]
    this.end = start
  }

  truncateSuffix(offset: number): number | 'OUT_OF_RANGE' {
    if (offset < this.logStart || offset > this.end) return 'OUT_OF_RANGE'
    if (offset === this.end) return this.end
    const at = this.segments.indexOf(this.segmentFor(offset))
    const seg = this.segments[at] as ModelSegment
    const cut = seg.batches.findIndex((b) => b.last >= offset)
    const newEnd = (seg.batches[cut] as ModelBatch).base
    if (newEnd < this.logStart) {
      this.reset(this.logStart)
      return this.logStart
    }
    this.segments.length = at + 1
    seg.batches.length = cut
    seg.firstAppendMs = seg.batches.length > 0 ? (seg.firstAppendMs ?? this.now) : undefined
    this.end = newEnd
    return newEnd
  }

  truncatePrefix(offset: number): void {
    if (offset <= this.logStart) return
    this.logStart = offset
    if (offset >= this.end) {
      this.reset(offset)
      return
    }
    while (this.segments.length > 1 && (this.segments[1] as ModelSegment).base <= offset)
      this.segments.shift()
  }

  retention(retentionBytes: number | undefined, retentionMs: number | undefined): number {
    let deleted = 0
    let bytes = 0
    let newStart = this.logStart
    const total = this.sizeBytes()
    for (let i = 0; i < this.segments.length - 1; i++) {
      const s = this.segments[i] as ModelSegment
      const bySize = retentionBytes !== undefined && total - bytes - sizeOf(s) >= retentionBytes
      const byTime = retentionMs !== undefined && !bySize && maxTsOf(s) < this.now - retentionMs
      if (!bySize && !byTime) break
      deleted++
      bytes += sizeOf(s)
      newStart = Math.max(newStart, (this.segments[i + 1] as ModelSegment).base)
    }
    if (deleted > 0) this.truncatePrefix(newStart)
    return deleted
  }

  sizeBytes(): number {
    return this.segments.reduce((n, s) => n + sizeOf(s), 0)
  }

  reopened(): void {
    for (const s of this.segments) s.firstAppendMs = undefined
    if (sizeOf(this.active) > 0) this.active.firstAppendMs = this.now
  }
}

type Op =
  | { kind: 'append'; count: number; size: number; termStep: number; tsJitter: number }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'truncateSuffix'; at: number }
  | { kind: 'truncatePrefix'; at: number }
  | { kind: 'roll' }
  | { kind: 'retention'; bytes: number | undefined; ms: number | undefined }
  | { kind: 'clock'; ms: number }
  | { kind: 'reopen'; crash: boolean }
  | { kind: 'timestamp'; back: number }

/** A position in [logStart - 2, end + 2], from a fraction, so ops hit the interesting range. */
function pick(model: ModelLog, at: number): number {
  const lo = Math.max(0, model.logStart - 2)
  return lo + Math.floor(at * (model.end + 3 - lo))
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 4 }),
      size: fc.integer({ min: 1, max: 12_000 }),
      termStep: fc.integer({ min: 0, max: 8 }),
      tsJitter: fc.integer({ min: -500, max: 500 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.double({ min: 0, max: 0.999, noNaN: true }),
      maxBytes: fc.integer({ min: 0, max: 100_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncateSuffix' as const),
      at: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncatePrefix' as const),
      at: fc.double({ min: 0, max: 0.999, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roll' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retention' as const),
      bytes: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: undefined }),
      ms: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: 1, max: 12_000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), crash: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('timestamp' as const),
      back: fc.integer({ min: -100, max: 20_000 }),
    }),
  },
)

function outcome<T>(p: Promise<T>): Promise<T | 'OUT_OF_RANGE'> {
  return p.catch((err: unknown) => {
    if (err instanceof StorageError && err.code === 'OFFSET_OUT_OF_RANGE') return 'OUT_OF_RANGE' as const
    throw err
  })
}

async function runOps(ops: Op[]): Promise<void> {
  const env = memoryLog({ segmentBytes: SEGMENT_BYTES, segmentMs: SEGMENT_MS, indexIntervalBytes: 1024 })
  const model = new ModelLog()
  env.clock.now = model.now
  let log: PartitionLog = await env.open()
  let term = 1
  let seed = 0
  for (const op of ops) {
    switch (op.kind) {
      case 'append': {
        term += op.termStep > 6 ? 1 : 0
        const ts = model.now + op.tsJitter
        const batch = seededBatch(seed++, op.count, Math.ceil(op.size / op.count), ts)
        const expected = model.append(batch, term, op.count, ts + op.count - 1)
        const got = await log.append(batch, t(term))
        assert.deepEqual([got.baseOffset, got.lastOffset], [expected.base, expected.last])
        break
      }
      case 'read': {
        const at = pick(model, op.at)
        const got = await outcome(log.read(o(at), op.maxBytes))
        assert.deepEqual(got, model.read(at, op.maxBytes), `read ${at} max ${op.maxBytes}`)
        assert.equal(log.termOf(o(at)), model.termOf(at), `termOf ${at}`)
        break
      }
      case 'truncateSuffix': {
        const at = pick(model, op.at)
        assert.equal(
          await outcome(log.truncateSuffix(o(at))),
          model.truncateSuffix(at),
          `truncateSuffix ${at}`,
        )
        break
      }
      case 'truncatePrefix': {
        const at = pick(model, op.at)
        await log.truncatePrefix(o(at))
        model.truncatePrefix(at)
        break
      }
      case 'roll':
        await log.roll()
        model.roll()
        break
      case 'retention': {
        const got = await log.applyRetention({
          ...(op.bytes === undefined ? {} : { retentionBytes: op.bytes }),
          ...(op.ms === undefined ? {} : { retentionMs: op.ms }),
          nowMs: model.now,
        })
        assert.equal(got.segmentsDeleted, model.retention(op.bytes, op.ms), 'segments deleted by retention')
        break
      }
      case 'clock':
        model.now += op.ms
        env.clock.now = model.now
        break
      case 'reopen':
        if (op.crash) env.fs.crash()
        else await log.close()
        log = await env.open()
        model.reopened()
        break
      case 'timestamp': {
        const ts = model.now - op.back
        assert.equal(
          await log.offsetForTimestamp(ts),
          model.offsetForTimestamp(ts),
          `offsetForTimestamp ${ts}`,
        )
        break
      }
    }
    assert.equal(log.logStartOffset(), model.logStart, `log start after ${op.kind}`)
    assert.equal(log.logEndOffset(), model.end, `log end after ${op.kind}`)
    assert.equal(log.sizeBytes(), model.sizeBytes(), `size after ${op.kind}`)
    const files = (await env.fs.list('/data/topic-0')).filter((n) => n.endsWith('.log'))
    assert.deepEqual(
      files.map((n) => Number(n.slice(0, 20))),
      model.segments.map((seg) => seg.base),
      `segments after ${op.kind}`,
    )
    const modelTerm = model.lastTerm()
    if (modelTerm !== undefined) assert.equal(log.lastTerm(), modelTerm, `last term after ${op.kind}`)
  }
  await log.close()
}

test('the partition log answers like the reference model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => runOps(ops)),
    {
      numRuns: Number(process.env.STORAGE_MODEL_RUNS ?? 120),
      seed: Number(process.env.STORAGE_MODEL_SEED ?? 42),
    },
  )
})
