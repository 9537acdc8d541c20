import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FsError, readWholeFile, writeFileAtomically } from '../../../src/io/fs.js'
import { MemoryFileSystem } from '../../../src/testing/memory-fs.js'

const bytes = (...xs: number[]): Uint8Array => new Uint8Array(xs)

test('synced writes survive a crash, unsynced ones do not', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const f = await fs.open('/d/a', { create: true })
  await fs.syncDir('/d')
  await f.write(bytes(1, 2, 3), 0)
  await f.datasync()
  await f.write(bytes(4, 5), 3)
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 2, 3, 4, 5))
  fs.crash()
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 2, 3))
  await assert.rejects(f.read(new Uint8Array(1), 0), (e) => e instanceof FsError && e.code === 'CLOSED')
})

test('a crash can keep a prefix of an unsynced write, and stops replay there', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const f = await fs.open('/d/a', { create: true })
  await fs.syncDir('/d')
  await f.write(bytes(1, 2, 3, 4), 0)
  await f.write(bytes(9, 9), 4)
  assert.deepEqual(
    fs.unsyncedOps().map((op) => op.kind),
    ['write', 'write'],
  )
  fs.crash({ keep: (op) => (op.index === 0 ? 2 : op.kind === 'write' ? op.length : 1) })
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 2))
})

test('unsynced truncation is undone by a crash unless kept', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const f = await fs.open('/d/a', { create: true })
  await fs.syncDir('/d')
  await f.write(bytes(1, 2, 3, 4), 0)
  await f.datasync()
  await f.truncate(1)
  fs.crash()
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 2, 3, 4))
  const g = await fs.open('/d/a', { create: false })
  await g.truncate(2)
  fs.crash({ keep: () => 1 })
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 2))
})

test('flipBit damages durable bytes; writev gathers; capacity gives NO_SPACE', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const f = await fs.open('/d/a', { create: true })
  await fs.syncDir('/d')
  await f.writev([bytes(1), bytes(2, 3), bytes(4)], 0)
  await f.datasync()
  fs.flipBit('/d/a', 1, 0)
  fs.crash()
  assert.deepEqual(await readWholeFile(fs, '/d/a'), bytes(1, 3, 3, 4))
  fs.capacityBytes = 5
  const g = await fs.open('/d/a', { create: false })
  await assert.rejects(g.write(bytes(1, 2), 4), (e) => e instanceof FsError && e.code === 'NO_SPACE')
  await assert.rejects(
    fs.open('/d/none', { create: false }),
    (e) => e instanceof FsError && e.code === 'NOT_FOUND',
  )
})

test('atomic replacement leaves old or new contents and lists directories', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d/e')
  await writeFileAtomically(fs, '/d', 'cp', bytes(1))
  await writeFileAtomically(fs, '/d', 'cp', bytes(2, 2))
  fs.crash()
  assert.deepEqual(await readWholeFile(fs, '/d/cp'), bytes(2, 2))
  assert.deepEqual(await fs.list('/d'), ['cp', 'e'])
  assert.equal(await fs.sizeOf('/d/cp.tmp'), undefined)
})

test('directory operations are undone by a crash until the directory is synced', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const a = await fs.open('/d/a', { create: true })
  await a.write(bytes(1), 0)
  await a.datasync()
  fs.crash()
  assert.equal(await fs.sizeOf('/d/a'), undefined, 'an unsynced creation is gone')
  const b = await fs.open('/d/b', { create: true })
  await b.write(bytes(2), 0)
  await b.datasync()
  await fs.syncDir('/d')
  await fs.remove('/d/b')
  fs.crash()
  assert.deepEqual(await readWholeFile(fs, '/d/b'), bytes(2), 'an unsynced removal is undone')
  await fs.rename('/d/b', '/d/c')
  assert.deepEqual(
    fs.unsyncedOps().map((op) => [op.kind, op.path]),
    [['rename', '/d/c']],
  )
  fs.crash()
  assert.deepEqual(await fs.list('/d'), ['b'], 'an unsynced rename is undone')
  await fs.rename('/d/b', '/d/c')
  fs.crash({ keep: () => 1 })
  assert.deepEqual(await fs.list('/d'), ['c'], 'a kept rename stays')
})

test('a process view fails every call after a crash', async () => {
  const fs = new MemoryFileSystem()
  await fs.mkdirp('/d')
  const view = fs.process()
  await view.open('/d/a', { create: true })
  fs.crash()
  await assert.rejects(view.list('/d'), (e) => e instanceof FsError && e.code === 'CLOSED')
  await assert.rejects(
    view.open('/d/z', { create: true }),
    (e) => e instanceof FsError && e.code === 'CLOSED',
  )
  assert.equal(await fs.sizeOf('/d/z'), undefined)
})
