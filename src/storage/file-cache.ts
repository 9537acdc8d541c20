/**
 * Open segment files, at most `maxOpen` of them (limits.openSegmentFilesMax), shared by all the
 * logs of a node. A file is pinned while a read or the active segment uses it; the least recently
 * used unpinned file is closed to make room and reopened on demand. Pinned files can exceed the
 * bound only by the number of active segments plus reads in flight, which their own limits bound.
 */
import type { FileHandle, FileSystem } from '../io/fs.js'
import { limits } from '../config/limits.js'
import { assert } from '../lib/assert.js'

interface Entry {
  handle: Promise<FileHandle>
  pins: number
  /** Set when the file was removed or evicted while pinned: close on the last unpin. */
  doomed: boolean
}

export interface PinnedFile {
  handle: FileHandle
  release(): void
}

export class SegmentFileCache {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly fs: FileSystem,
    readonly maxOpen: number = limits.openSegmentFilesMax,
  ) {
    assert(Number.isInteger(maxOpen) && maxOpen >= 1, 'the file cache holds at least one file')
  }

  get openCount(): number {
    return this.entries.size
  }

  /** Opens (or reuses) a file and pins it until `release`. */
  async pin(path: string, create: boolean): Promise<PinnedFile> {
    let entry = this.entries.get(path)
    if (entry === undefined || entry.doomed) {
      this.makeRoom()
      entry = { handle: this.fs.open(path, { create }), pins: 0, doomed: false }
      this.entries.set(path, entry)
    } else {
      // Reinsert so that Map order stays least-recently-used first.
      this.entries.delete(path)
      this.entries.set(path, entry)
    }
    const pinned = entry
    pinned.pins++
    let handle: FileHandle
    try {
      handle = await pinned.handle
    } catch (err) {
      pinned.pins--
      if (this.entries.get(path) === pinned) this.entries.delete(path)
      throw err
    }
    let released = false
    return {
      handle,
      release: () => {
        if (released) return
        released = true
        pinned.pins--
        if (pinned.pins === 0 && pinned.doomed) void closeQuietly(pinned.handle)
      },
    }
  }

  /** Forgets a file (before it is removed or truncated away); closes it once no one uses it. */
  drop(path: string): void {
    const entry = this.entries.get(path)
    if (entry === undefined) return
    this.entries.delete(path)
    entry.doomed = true
    if (entry.pins === 0) void closeQuietly(entry.handle)
  }

  async closeAll(prefix: string): Promise<void> {
    for (const path of [...this.entries.keys()]) if (path.startsWith(prefix)) this.drop(path)
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxOpen) return
    for (const [path, entry] of this.entries) {
      if (this.entries.size < this.maxOpen) return
      if (entry.pins === 0) this.drop(path)
    }
  }
}

async function closeQuietly(handle: Promise<FileHandle>): Promise<void> {
  try {
    await (await handle).close()
  } catch {
    // Closing a file that failed to open, or whose device failed, has nothing left to release.
  }
}
