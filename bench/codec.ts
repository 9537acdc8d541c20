/**
 * `npm run bench:codec`: how fast the wire codec moves produce traffic, and CRC-32C speed.
 *
 * A Produce request (v7, what kafkajs and librdkafka send; request header v1) carrying one record
 * batch of 1 MiB of 1 KiB records (1024 records, 1 KiB random values, 16-byte keys, one header).
 *  - decode: request header + body, then the batch: CRC-32C check and every record parsed;
 *  - encode: the batch from those records (sizes, varints, CRC) wrapped in the request again.
 * MB/s is request bytes over time (MB = 10^6 bytes), by the wall clock and by this process's CPU
 * time (steadier when other work shares the cores). Each figure is the median of RUNS runs, each
 * run timing enough iterations to last about RUN_MS. Compressed variants (batch alone, throughput
 * over uncompressed bytes) are printed after. Prints figures only; never pass/fail.
 */
import { randomFillSync, randomBytes as nodeRandomBytes } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { crc32c } from '../src/lib/crc32c.js'
import { readRequestHeader } from '../src/protocol/kafka/headers.js'
import { ApiKey } from '../src/protocol/kafka/generated/index.js'
import { decodeProduceRequest, encodeProduceRequest } from '../src/protocol/kafka/generated/produce.js'
import { encodeRequestHeader } from '../src/protocol/kafka/generated/request-header.js'
import { Reader } from '../src/protocol/primitives/reader.js'
import { Writer } from '../src/protocol/primitives/writer.js'
import {
  type Compression,
  decodeRecordBatch,
  decodeRecordBatches,
  type DecodedRecord,
  encodeRecordBatch,
  type RecordInput,
} from '../src/protocol/records/index.js'

const RUNS = 11
const RUN_MS = 300
const PRODUCE_VERSION = 7
const RECORD_BYTES = 1024
const RECORDS = 1024

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

interface Rate {
  /** Bytes per second of wall-clock time. */
  wall: number
  /** Bytes per second of this process's CPU time (user + system): steadier on a shared machine. */
  cpu: number
}

/** Medians over RUNS of bytes per second for `fn`, which processes `bytes` per call. */
function throughput(bytes: number, fn: () => unknown): Rate {
  for (let i = 0; i < 3; i++) fn() // warm up
  const wall: number[] = []
  const cpu: number[] = []
  for (let run = 0; run < RUNS; run++) {
    let n = 0
    const start = process.hrtime.bigint()
    const cpuStart = process.cpuUsage()
    let elapsed = 0
    while (elapsed < RUN_MS * 1e6) {
      fn()
      n++
      elapsed = Number(process.hrtime.bigint() - start)
    }
    const used = process.cpuUsage(cpuStart)
    wall.push((bytes * n) / (elapsed / 1e9))
    cpu.push((bytes * n) / ((used.user + used.system) / 1e6))
  }
  return { wall: median(wall), cpu: median(cpu) }
}

function makeRecords(): RecordInput[] {
  const now = 1_700_000_000_000
  return Array.from({ length: RECORDS }, (_, i) => ({
    key: nodeRandomBytes(16),
    value: nodeRandomBytes(RECORD_BYTES),
    headers: [{ key: 'trace', value: Buffer.from(`t-${i}`) }],
    timestamp: now + i,
  }))
}

function produceRequest(batch: Uint8Array): Uint8Array {
  const w = new Writer(batch.byteLength + 256)
  encodeRequestHeader(w, 1, {
    requestApiKey: ApiKey.Produce,
    requestApiVersion: PRODUCE_VERSION,
    correlationId: 1,
    clientId: 'bench',
  })
  encodeProduceRequest(w, PRODUCE_VERSION, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'bench', partitionData: [{ index: 0, records: batch }] }],
  })
  return w.finish()
}

function decodeProduce(bytes: Uint8Array): DecodedRecord[][] {
  const r = new Reader(bytes)
  readRequestHeader(r)
  const req = decodeProduceRequest(r, PRODUCE_VERSION)
  const out: DecodedRecord[][] = []
  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      if (p.records !== null) for (const b of decodeRecordBatches(p.records)) out.push(b.records)
    }
  }
  return out
}

function reencode(decoded: DecodedRecord[][]): Uint8Array {
  const records = decoded[0] as DecodedRecord[]
  return produceRequest(encodeRecordBatch({ baseOffset: 0, records }))
}

const mb = (r: Rate) =>
  `${(r.wall / 1e6).toFixed(0).padStart(5)} MB/s (CPU time ${(r.cpu / 1e6).toFixed(0).padStart(5)})`
const gb = (r: Rate) =>
  `${(r.wall / 1e9).toFixed(2).padStart(5)} GB/s (CPU time ${(r.cpu / 1e9).toFixed(2).padStart(5)})`

function main(): void {
  const records = makeRecords()
  const batch = encodeRecordBatch({ baseOffset: 0, records })
  const request = produceRequest(batch)
  const decoded = decodeProduce(request)
  console.log(
    `Produce v${PRODUCE_VERSION} request: ${request.byteLength} bytes, one batch of ${RECORDS} × ${RECORD_BYTES} B records; median of ${RUNS} runs × ${RUN_MS} ms`,
  )
  console.log(
    `  decode    (header + body + batch, CRC checked, records parsed): ${mb(throughput(request.byteLength, () => decodeProduce(request)))}`,
  )
  console.log(
    `  re-encode (batch from records + CRC, wrapped in the request):    ${mb(throughput(request.byteLength, () => reencode(decoded)))}`,
  )
  console.log(
    `  round trip (decode then re-encode):                              ${mb(throughput(request.byteLength, () => reencode(decodeProduce(request))))}`,
  )

  // Compressible values for the codecs: text-like bytes rather than random ones.
  const text = Buffer.from('the quick brown fox jumps over the lazy dog 0123456789 '.repeat(20)).subarray(
    0,
    RECORD_BYTES,
  )
  const textRecords = records.map((r) => ({ ...r, value: text }))
  const plainBytes = encodeRecordBatch({ baseOffset: 0, records: textRecords }).byteLength
  console.log(
    `Record batch alone, ${plainBytes} bytes uncompressed (text-like values), MB/s of uncompressed bytes:`,
  )
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as Compression[]) {
    const packed = encodeRecordBatch({ baseOffset: 0, records: textRecords, compression })
    const dec = throughput(plainBytes, () => decodeRecordBatch(packed))
    const enc = throughput(plainBytes, () =>
      encodeRecordBatch({ baseOffset: 0, records: textRecords, compression }),
    )
    console.log(
      `  ${compression.padEnd(6)} ${String(packed.byteLength).padStart(8)} B  decode ${mb(dec)}  encode ${mb(enc)}`,
    )
  }

  const block = Buffer.alloc(1024 * 1024)
  randomFillSync(block)
  console.log('Checksums over 1 MiB:')
  console.log(`  CRC-32C (@node-rs/crc32, SSE4.2): ${gb(throughput(block.byteLength, () => crc32c(block)))}`)
  console.log(
    `  zlib.crc32 (IEEE, reference):     ${gb(throughput(block.byteLength, () => zlibCrc32(block)))}`,
  )
}

main()
