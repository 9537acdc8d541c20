import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { FsError, readWholeFile, writeFileAtomically } from '../../../src/io/fs.js'
import { NodeFileSystem } from '../../../src/io/impl/node-fs.js'

test('the Node file system reads, writes, gathers, truncates, renames and maps errors', async () => {
  const root = mkdtempSync(join(tmpdir(), 'petrel-fs-'))
  try {
    const fs = new NodeFileSystem()
    const dir = join(root, 'a', 'b')
    await fs.mkdirp(dir)
    const f = await fs.open(join(dir, 'x'), { create: true })
    await f.write(new Uint8Array([1, 2, 3]), 0)
    const parts = Array.from({ length: 2000 }, (_, i) => new Uint8Array([i & 0xff]))
    await f.writev(parts, 3)
    await f.datasync()
    assert.equal(await f.size(), 2003)
    const back = new Uint8Array(4)
    assert.equal(await f.read(back, 1999), 4)
    assert.deepEqual(back, new Uint8Array([1996 & 0xff, 1997 & 0xff, 1998 & 0xff, 1999 & 0xff]))
    await f.truncate(2)
    assert.equal(await fs.sizeOf(join(dir, 'x')), 2)
    await f.close()
    await writeFileAtomically(fs, dir, 'cp', new Uint8Array([7]))
    assert.deepEqual(await readWholeFile(fs, join(dir, 'cp')), new Uint8Array([7]))
    assert.deepEqual((await fs.list(dir)).sort(), ['cp', 'x'])
    await fs.remove(join(dir, 'x'))
    assert.equal(await fs.sizeOf(join(dir, 'x')), undefined)
    await assert.rejects(
      fs.open(join(dir, 'x'), { create: false }),
      (e) => e instanceof FsError && e.code === 'NOT_FOUND',
    )
    await fs.syncDir(dir)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
