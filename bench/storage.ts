/**
 * Storage throughput: `npm run bench:storage` (builds first). Not part of `npm test`.
 *
 * For 100-byte and 1 KiB records in 16 KiB batches it measures appends with fsync=always (1 and
 * 64 concurrent appenders) and fsync=never, beside the raw ceiling measured in the same run on
 * the same disk: a plain sequential 16 KiB write loop, and a 16 KiB write + fdatasync loop. Then
 * it reads the log back from the page cache, and prints the process's peak RSS.
 * Options: BENCH_SECONDS (default 3) per scenario, BENCH_DIR (default the OS temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { NodeFileSystem } from '../src/io/impl/node-fs.js'
import { offset, term } from '../src/lib/branded.js'
import { readBatchHeader } from '../src/protocol/records/header.js'
import type { FsyncPolicy } from '../src/storage/options.js'
import { openPartitionLog, type PartitionLog } from '../src/storage/partition-log.js'
import { makeBatch } from '../test/helpers/batches.js'

const BATCH_BYTES = 16 * 1024
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const root = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'petrel-bench-'))
const MB = 1_000_000

interface Row {
  scenario: string
  recordBytes: number
  mbPerS: number
  recordsPerS: number
  note: string
}
const rows: Row[] = []

/** A batch of records of `recordBytes` each, as close to 16 KiB as the record overhead allows. */
function template(recordBytes: number): { batch: Uint8Array; records: number } {
  const overhead = recordBytes < 128 ? 8 : 10
  const records = Math.floor((BATCH_BYTES - 61) / (recordBytes + overhead))
  const values = Array.from({ length: records }, (_, i) => new Uint8Array(recordBytes).fill(i & 0xff))
  return { batch: makeBatch({ values }), records }
}

async function rawLoop(name: string, sync: boolean): Promise<number> {
  const handle = await open(join(root, name), 'w')
  const buf = Buffer.alloc(BATCH_BYTES, 7)
  let position = 0
  const start = performance.now()
  const end = start + SECONDS * 1000
  while (performance.now() < end) {
    await handle.write(buf, 0, buf.length, position)
    if (sync) await handle.datasync()
    position += buf.length
  }
  const seconds = (performance.now() - start) / 1000
  await handle.close()
  rmSync(join(root, name))
  return position / seconds
}

async function appendLoop(
  log: PartitionLog,
  batch: Uint8Array,
  appenders: number,
): Promise<{ bytesPerS: number; batchesPerS: number }> {
  let batches = 0
  const start = performance.now()
  const end = start + SECONDS * 1000
  const one = async (): Promise<void> => {
    while (performance.now() < end) {
      // The log rewrites offsets in the buffer it is given, so each append gets its own copy.
      await log.append(batch.slice(), term(1))
      batches++
    }
  }
  await Promise.all(Array.from({ length: appenders }, one))
  const seconds = (performance.now() - start) / 1000
  return { bytesPerS: (batches * batch.byteLength) / seconds, batchesPerS: batches / seconds }
}

async function readAll(log: PartitionLog): Promise<number> {
  let next: number = log.logStartOffset()
  let bytes = 0
  const start = performance.now()
  while (next < log.logEndOffset()) {
    const chunk = await log.read(offset(next), 1024 * 1024)
    let at = 0
    while (at < chunk.byteLength) {
      const h = readBatchHeader(chunk, at)
      next = h.baseOffset + h.lastOffsetDelta + 1
      at += 12 + h.batchLength
    }
    bytes += chunk.byteLength
  }
  return bytes / ((performance.now() - start) / 1000)
}

async function scenario(
  recordBytes: number,
  name: string,
  fsync: FsyncPolicy,
  appenders: number,
): Promise<void> {
  const { batch, records } = template(recordBytes)
  const dir = join(root, `${name}-${recordBytes}`)
  const log = await openPartitionLog({
    fs: new NodeFileSystem(),
    dir,
    nowMs: () => Date.now(),
    fsync,
    segmentBytes: 128 * 1024 * 1024,
  })
  const r = await appendLoop(log, batch, appenders)
  rows.push({
    scenario: name,
    recordBytes,
    mbPerS: r.bytesPerS / MB,
    recordsPerS: r.batchesPerS * records,
    note: `${Math.round(r.batchesPerS)} batches/s`,
  })
  if (fsync.kind === 'never') {
    await log.flush()
    const readBytesPerS = await readAll(log)
    rows.push({
      scenario: 'read (page cache)',
      recordBytes,
      mbPerS: readBytesPerS / MB,
      recordsPerS: (readBytesPerS / batch.byteLength) * records,
      note: `${(log.sizeBytes() / MB).toFixed(0)} MB log`,
    })
  }
  await log.close()
  rmSync(dir, { recursive: true, force: true })
}

const loadBefore = loadavg()[0] ?? 0
try {
  for (const recordBytes of [100, 1024]) {
    const { records } = template(recordBytes)
    const raw = await rawLoop(`raw-${recordBytes}`, false)
    rows.push({
      scenario: 'raw write loop',
      recordBytes,
      mbPerS: raw / MB,
      recordsPerS: (raw / BATCH_BYTES) * records,
      note: '16 KiB writes',
    })
    const rawSync = await rawLoop(`rawsync-${recordBytes}`, true)
    rows.push({
      scenario: 'raw write+fdatasync loop',
      recordBytes,
      mbPerS: rawSync / MB,
      recordsPerS: (rawSync / BATCH_BYTES) * records,
      note: `${Math.round(rawSync / BATCH_BYTES)} syncs/s`,
    })
    await scenario(recordBytes, 'fsync=always, 1 appender', { kind: 'always' }, 1)
    await scenario(recordBytes, 'fsync=always, 64 appenders', { kind: 'always' }, 64)
    await scenario(recordBytes, 'fsync=never, 1 appender', { kind: 'never' }, 1)
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}

const pad = (s: string, n: number): string => s.padEnd(n)
console.log(`storage bench: 16 KiB batches, ${SECONDS} s per scenario, Node ${process.version}, dir ${root}`)
console.log(`${pad('scenario', 28)}${pad('record', 8)}${pad('MB/s', 10)}${pad('records/s', 12)}note`)
for (const r of rows) {
  console.log(
    `${pad(r.scenario, 28)}${pad(`${r.recordBytes} B`, 8)}${pad(r.mbPerS.toFixed(1), 10)}${pad(Math.round(r.recordsPerS).toString(), 12)}${r.note}`,
  )
}
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)
// Figures from a shared machine mean little without its load: print it beside them.
console.log(
  `load average (1 min) ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after, on ${cpus().length} cores`,
)
