import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SegmentFileCache } from '../../../src/storage/file-cache.js'
import { seededBatch } from '../../helpers/batches.js'
import { memoryLog, o, t } from '../../helpers/storage.js'

test('opening a log of 1,000 segments reads only the last one; files stay bounded', async () => {
  const env = memoryLog()
  const log = await env.open()
  const batches: Uint8Array[] = []
  for (let i = 0; i < 1000; i++) {
    const b = seededBatch(i, 1, 50)
    batches.push(b)
    await log.append(b, t(1))
    await log.roll()
  }
  await log.close()
  const logs = (await env.fs.list('/data/topic-0')).filter((n) => n.endsWith('.log'))
  assert.equal(logs.length, 1001)

  const files = new SegmentFileCache(env.fs, 8)
  const before = { ...env.fs.stats }
  const again = await env.open({ files })
  const opens = env.fs.stats.opens - before.opens
  const bytesRead = env.fs.stats.bytesRead - before.bytesRead
  assert.ok(opens <= 6, `${opens} files opened`)
  assert.ok(bytesRead <= 1024, `${bytesRead} bytes read`)
  assert.equal(again.logEndOffset(), 1000)

  // Reading across many segments keeps open files within the cache's bound (plus the active one).
  for (let i = 0; i < 1000; i += 7) {
    assert.deepEqual(await again.read(o(i), 1 << 20), batches[i])
    assert.ok(files.openCount <= 8, `${files.openCount} open`)
  }
  assert.ok(env.fs.handles.size <= 9, `${env.fs.handles.size} handles`)
  await again.close()
})
