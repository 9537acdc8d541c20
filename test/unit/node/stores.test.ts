import assert from 'node:assert/strict'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { defaultTopicConfig } from '../../../src/cluster/topics.js'
import { silentLogger } from '../../../src/io/log.js'
import { StorageLogs } from '../../../src/node/storage-log.js'
import { MetadataFile } from '../../../src/node/metadata-file.js'
import { buildBatch } from '../../helpers/batch.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const dirs: string[] = []
after(() => {
  for (const d of dirs) removeDir(d)
})
function dir(): string {
  const d = tempDataDir('petrel-stores-')
  dirs.push(d)
  return d
}

test('topic metadata survives a reopen and refuses a corrupt file', async () => {
  const d = dir()
  const m = await MetadataFile.open(d)
  await m.createTopic({
    name: 'a',
    id: '00000000-0000-0000-0000-000000000001',
    partitions: 3,
    config: defaultTopicConfig,
  })
  await m.setPartitions('a', 5)
  const first = await m.reserveProducerIds(10)
  await m.setConfig('a', { ...defaultTopicConfig, retentionMs: 5 })
  const again = await MetadataFile.open(d)
  const a = again.state().topics.get('a')
  assert.equal(a?.partitions, 5)
  assert.equal(a?.config.retentionMs, 5)
  assert.ok((await again.reserveProducerIds(1)) >= first + 10, 'reserved ids are not handed out again')
  await assert.rejects(() => again.createTopic({ ...(a as NonNullable<typeof a>) }), /already exists/)
  const path = join(d, 'metadata.json')
  writeFileSync(path, readFileSync(path, 'utf8').replace('"a"', '"b"'))
  await assert.rejects(() => MetadataFile.open(d), /checksum mismatch/)
})

test('a log reopened after a torn write keeps every whole batch and continues its offsets', async () => {
  const d = dir()
  const logs = new StorageLogs({
    dataDir: d,
    log: silentLogger,
    configOf: () => defaultTopicConfig,
    nowMs: Date.now,
  })
  const log = await logs.open('t', 0)
  for (let i = 0; i < 3; i++) await log.append(buildBatch({ values: [`v${i}`, `w${i}`] }), 0).durable
  assert.equal(log.highWatermark(), 6)
  await logs.closeAll()
  // Half a batch at the tail, as a crash in the middle of a write leaves it.
  appendFileSync(
    join(d, 'logs', 't-0', '00000000000000000000.log'),
    buildBatch({ values: ['torn'] }).subarray(0, 30),
  )
  const logs2 = new StorageLogs({
    dataDir: d,
    log: silentLogger,
    configOf: () => defaultTopicConfig,
    nowMs: Date.now,
  })
  const log2 = await logs2.open('t', 0)
  assert.equal(log2.highWatermark(), 6)
  assert.equal(log2.producers().size, 0, 'batches without a producer id leave no producer state')
  const next = log2.append(buildBatch({ values: ['after'] }), 0)
  await next.durable
  assert.equal(next.baseOffset, 6)
  // Reading from the middle of the first batch returns it whole, and at least one batch always.
  const bytes = await log2.read(1, 1)
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getBigInt64(0), 0n)
  assert.equal((await log2.read(7, 1 << 20)).length, 0, 'nothing at the high watermark')
  await log2.truncatePrefix(4)
  assert.equal(log2.startOffset(), 4)
  await logs2.closeAll()
  const logs3 = new StorageLogs({
    dataDir: d,
    log: silentLogger,
    configOf: () => defaultTopicConfig,
    nowMs: Date.now,
  })
  assert.equal((await logs3.open('t', 0)).startOffset(), 4, 'DeleteRecords is durable')
  await logs3.closeAll()
})

test('a batch storage would refuse takes no offset, so the promised offsets stay exact', async () => {
  const d = dir()
  const logs = new StorageLogs({
    dataDir: d,
    log: silentLogger,
    configOf: () => defaultTopicConfig,
    nowMs: Date.now,
  })
  const log = await logs.open('t', 0)
  const first = log.append(buildBatch({ values: ['a', 'b'] }), 0)
  const bad = buildBatch({ values: ['c'] })
  bad[bad.byteLength - 1] = (bad[bad.byteLength - 1] as number) ^ 1
  const refused = log.append(bad, 0)
  assert.equal(refused.baseOffset, -1)
  await assert.rejects(refused.durable)
  const second = log.append(buildBatch({ values: ['d'] }), 0)
  await Promise.all([first.durable, second.durable])
  assert.deepEqual([first.baseOffset, second.baseOffset], [0, 2])
  assert.equal(log.highWatermark(), 3)
  const found = await log.offsetForTimestamp(0)
  assert.equal(found?.offset, 0)
  await logs.closeAll()
})
