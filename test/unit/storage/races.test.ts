/**
 * Reads racing changes: a read held up inside the file system while a truncation (and new
 * appends) run returns only batches that are in the log when it completes.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FileHandle, FileSystem } from '../../../src/io/fs.js'
import { readBatchHeader } from '../../../src/protocol/records/header.js'
import { openPartitionLog } from '../../../src/storage/partition-log.js'
import { MemoryFileSystem } from '../../../src/testing/memory-fs.js'
import { seededBatch } from '../../helpers/batches.js'
import { o, t } from '../../helpers/storage.js'

/** Parks the next file read (before or after it reads) until `release`; others pass. */
class ReadTrap {
  private armed = false
  after = false
  private resume: (() => void) | undefined
  parked: Promise<void>
  private onParked: () => void = () => {}

  constructor() {
    this.parked = new Promise((r) => {
      this.onParked = r
    })
  }

  arm(): void {
    this.armed = true
  }

  async pass(): Promise<void> {
    if (!this.armed) return
    this.armed = false
    await new Promise<void>((r) => {
      this.resume = r
      this.onParked()
    })
  }

  release(): void {
    this.resume?.()
  }
}

function trapped(inner: FileSystem, trap: ReadTrap): FileSystem {
  const wrap = (h: FileHandle): FileHandle => ({
    read: async (into, position) => {
      if (!trap.after) await trap.pass()
      const n = await h.read(into, position)
      if (trap.after) await trap.pass()
      return n
    },
    write: (b, p) => h.write(b, p),
    writev: (b, p) => h.writev(b, p),
    datasync: () => h.datasync(),
    truncate: (s) => h.truncate(s),
    size: () => h.size(),
    close: () => h.close(),
  })
  return {
    open: async (path, options) => wrap(await inner.open(path, options)),
    list: (d) => inner.list(d),
    mkdirp: (d) => inner.mkdirp(d),
    sizeOf: (p) => inner.sizeOf(p),
    remove: (p) => inner.remove(p),
    rename: (a, b) => inner.rename(a, b),
    syncDir: (d) => inner.syncDir(d),
  }
}

for (const after of [false, true]) {
  const when = after ? 'holding the old bytes' : 'before reading'
  test(`a read overtaken (${when}) by truncateSuffix and new appends returns only what the log now holds`, async () => {
    const trap = new ReadTrap()
    trap.after = after
    const log = await openPartitionLog({
      fs: trapped(new MemoryFileSystem(), trap),
      dir: '/d/p',
      nowMs: () => 0,
    })
    for (let i = 0; i < 10; i++) await log.append(seededBatch(i, 1, 100), t(1))
    trap.arm()
    const racing = log.read(o(0), 1 << 20)
    await trap.parked
    // The read waits inside the file system while the truncation and new appends run.
    assert.equal(await log.truncateSuffix(o(4)), 4)
    for (let i = 0; i < 3; i++) await log.append(seededBatch(100 + i, 1, 100), t(2))
    trap.release()
    const bytes = await racing
    assert.ok(bytes.byteLength > 0)
    for (let at = 0; at < bytes.byteLength; ) {
      const h = readBatchHeader(bytes, at)
      const now = await log.read(o(h.baseOffset), 1)
      assert.deepEqual(
        bytes.subarray(at, at + 12 + h.batchLength),
        now,
        `batch at ${h.baseOffset} is current`,
      )
      at += 12 + h.batchLength
    }
    await log.close()
  })
}
