import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { appendBatch } from '../../../src/kafka/append.js'
import { crc32c } from '../../../src/lib/crc32c.js'
import { MemoryFileSystem } from '../../../src/testing/memory-fs.js'
import { buildBatch } from '../../helpers/batch.js'
import { openBroker } from '../../helpers/broker.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const dirs: string[] = []
after(() => {
  for (const d of dirs) removeDir(d)
})

async function fresh() {
  const dir = tempDataDir('petrel-append-')
  dirs.push(dir)
  const b = await openBroker(dir)
  await b.broker.createTopic('t', 2, [['max.message.bytes', '2000']])
  return { dir, ...b }
}

async function hw(broker: Awaited<ReturnType<typeof fresh>>['broker'], partition = 0): Promise<number> {
  const p = await broker.partition('t', partition)
  assert.ok(p !== undefined)
  return p.log.highWatermark()
}

test('valid batches get consecutive offsets', async () => {
  const { broker, close } = await fresh()
  const a = await appendBatch(broker, 't', 0, buildBatch({ values: ['a', 'b', 'c'] }), 8)
  const b = await appendBatch(broker, 't', 0, buildBatch({ values: ['d'] }), 8)
  assert.deepEqual([a.error, a.baseOffset, b.error, b.baseOffset], ['NONE', 0, 'NONE', 3])
  assert.equal(await hw(broker), 4)
  await close()
})

test('rejected batches append nothing, each with the error clients expect', async () => {
  const { broker, close } = await fresh()
  const good = buildBatch({ values: ['x'] })
  const badCrc = buildBatch({ values: ['x'] })
  badCrc[65] = (badCrc[65] ?? 0) ^ 0xff
  const twoBatches = Buffer.concat([good, good])
  const control = buildBatch({ values: ['x'], attributes: 0x20 })
  const miscounted = buildBatch({ values: ['x', 'y'] })
  new DataView(miscounted.buffer).setInt32(57, 5)
  // A consistent CRC over the wrong count, so that the count check is what refuses it.
  new DataView(miscounted.buffer).setUint32(17, crc32c(miscounted.subarray(21)))
  const cases: [Uint8Array | null, string, number?][] = [
    [badCrc, 'CORRUPT_MESSAGE'],
    [buildBatch({ values: ['x'.repeat(3000)] }), 'MESSAGE_TOO_LARGE'],
    [twoBatches, 'INVALID_RECORD'],
    [control, 'INVALID_RECORD'],
    [good.subarray(0, 40), 'INVALID_RECORD'],
    [null, 'INVALID_RECORD'],
    [miscounted, 'INVALID_RECORD'],
    [buildBatch({ values: ['x'], attributes: 4 }), 'UNSUPPORTED_COMPRESSION', 6],
    [buildBatch({ values: ['x'], attributes: 5 }), 'UNSUPPORTED_COMPRESSION'],
    [buildBatch({ values: ['x'], attributes: 0x10 }), 'TRANSACTIONS_UNSUPPORTED'],
  ]
  for (const [bytes, error, version] of cases) {
    const o = await appendBatch(broker, 't', 0, bytes, version ?? 8)
    assert.equal(o.error, error)
  }
  assert.equal(await hw(broker), 0, 'nothing appended')
  const missing = await appendBatch(broker, 't', 9, good, 8)
  assert.equal(missing.error, 'UNKNOWN_TOPIC_OR_PARTITION')
  await close()
})

test('idempotent producers: duplicates get the original offsets, gaps and fenced epochs are refused, across a restart', async () => {
  const { dir, broker, close } = await fresh()
  const pid = await broker.allocateProducerId()
  const b0 = buildBatch({ values: ['a', 'b'], producerId: pid, producerEpoch: 0, baseSequence: 0 })
  const b1 = buildBatch({ values: ['c'], producerId: pid, producerEpoch: 0, baseSequence: 2 })
  assert.equal((await appendBatch(broker, 't', 1, b0.slice(), 8)).baseOffset, 0)
  assert.equal((await appendBatch(broker, 't', 1, b1.slice(), 8)).baseOffset, 2)
  const dup = await appendBatch(broker, 't', 1, b0.slice(), 8)
  assert.deepEqual([dup.error, dup.baseOffset], ['NONE', 0])
  const gap = buildBatch({ values: ['z'], producerId: pid, producerEpoch: 0, baseSequence: 5 })
  assert.equal((await appendBatch(broker, 't', 1, gap, 8)).error, 'OUT_OF_ORDER_SEQUENCE')
  assert.equal(await hw(broker, 1), 3)
  await close()

  const again = await openBroker(dir)
  const dup2 = await appendBatch(again.broker, 't', 1, b1.slice(), 8)
  assert.deepEqual([dup2.error, dup2.baseOffset], ['NONE', 2], 'duplicate still recognised after restart')
  const fenced = buildBatch({ values: ['q'], producerId: pid, producerEpoch: 0, baseSequence: 3 })
  const bumped = buildBatch({ values: ['q'], producerId: pid, producerEpoch: 1, baseSequence: 0 })
  assert.equal((await appendBatch(again.broker, 't', 1, bumped, 8)).baseOffset, 3)
  assert.equal((await appendBatch(again.broker, 't', 1, fenced, 8)).error, 'INVALID_PRODUCER_EPOCH')
  assert.ok((await again.broker.allocateProducerId()) > pid, 'producer ids are never reused')
  await again.close()
})

test('a full disk: STORAGE_ERROR, and the idempotent retry of the failed batch is not acknowledged', async () => {
  const dir = tempDataDir('petrel-append-full-')
  dirs.push(dir)
  const fs = new MemoryFileSystem()
  const { broker, close } = await openBroker(dir, { fs })
  await broker.createTopic('t', 1, [])
  const pid = await broker.allocateProducerId()
  const b0 = buildBatch({ values: ['a'], producerId: pid, producerEpoch: 0, baseSequence: 0 })
  assert.equal((await appendBatch(broker, 't', 0, b0.slice(), 8)).error, 'NONE')
  fs.capacityBytes = fs.usedBytes() + 10
  const b1 = buildBatch({ values: ['b'.repeat(200)], producerId: pid, producerEpoch: 0, baseSequence: 1 })
  assert.equal((await appendBatch(broker, 't', 0, b1.slice(), 8)).error, 'STORAGE_ERROR')
  // The producer retries the same batch: it must not be taken for a stored duplicate.
  assert.equal((await appendBatch(broker, 't', 0, b1.slice(), 8)).error, 'STORAGE_ERROR')
  const other = buildBatch({ values: ['c'] })
  assert.equal((await appendBatch(broker, 't', 0, other, 8)).error, 'STORAGE_ERROR', 'the log stays failed')
  assert.equal(await hw(broker), 1, 'only the batch written before the disk filled is readable')
  await close()
})
