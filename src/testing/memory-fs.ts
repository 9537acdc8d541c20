/**
 * An in-memory FileSystem with the faults a real disk has, for tests and the simulator.
 *
 * Each file keeps its durable contents (as of its last datasync) and the list of operations since.
 * `crash()` models a power cut or kill -9 of the machine: every file falls back to its durable
 * contents, and then the unsynced operations are replayed in order for as long as the `keep`
 * callback lets them survive; a write may survive as a prefix (a torn write), and replay stops at
 * the first operation that does not survive whole. `flipBit` damages stored bytes in place.
 *
 * Simplification, stated: directory operations (create, rename, remove) are durable at once, as
 * on a file system that journals metadata synchronously; `syncDir` only counts calls.
 */
import { type FileHandle, type FileSystem, FsError } from '../io/fs.js'

export type UnsyncedOp =
  | { kind: 'write'; path: string; position: number; length: number; index: number }
  | { kind: 'truncate'; path: string; size: number; index: number }

export interface CrashOptions {
  /**
   * How much of each unsynced operation survives: for a write, the bytes kept from its start
   * (0 to length); for a truncate, anything above 0 keeps it. Default: nothing survives.
   */
  keep?: (op: UnsyncedOp) => number
}

export interface MemoryFsStats {
  opens: number
  reads: number
  bytesRead: number
  writes: number
  datasyncs: number
  syncDirs: number
}

type Op = { kind: 'write'; position: number; bytes: Uint8Array } | { kind: 'truncate'; size: number }

class Contents {
  bytes = new Uint8Array(0)
  size = 0

  static from(bytes: Uint8Array, size: number): Contents {
    const c = new Contents()
    c.bytes = bytes.slice(0, size)
    c.size = size
    return c
  }

  write(data: Uint8Array, position: number): void {
    const end = position + data.byteLength
    this.ensure(end)
    if (position > this.size) this.bytes.fill(0, this.size, position)
    this.bytes.set(data, position)
    if (end > this.size) this.size = end
  }

  truncate(size: number): void {
    this.ensure(size)
    if (size > this.size) this.bytes.fill(0, this.size, size)
    this.size = size
  }

  private ensure(capacity: number): void {
    if (capacity <= this.bytes.byteLength) return
    const next = new Uint8Array(Math.max(capacity, this.bytes.byteLength * 2, 256))
    next.set(this.bytes.subarray(0, this.size))
    this.bytes = next
  }
}

class MemoryFile {
  current = new Contents()
  durable = new Contents()
  unsynced: Op[] = []
  /** Bumped by a crash, a removal or a rename over it, so that older handles fail with CLOSED. */
  generation = 0
}

class MemoryHandle implements FileHandle {
  private closed = false

  constructor(
    private readonly fs: MemoryFileSystem,
    private readonly path: string,
    private readonly file: MemoryFile,
    private readonly generation: number,
  ) {}

  private live(what: string): MemoryFile {
    if (this.closed || this.file.generation !== this.generation) {
      throw new FsError('CLOSED', `${what} ${this.path}: handle is closed`)
    }
    return this.file
  }

  async read(into: Uint8Array, position: number): Promise<number> {
    const file = this.live('read')
    const n = Math.max(0, Math.min(into.byteLength, file.current.size - position))
    into.set(file.current.bytes.subarray(position, position + n))
    this.fs.stats.reads++
    this.fs.stats.bytesRead += n
    return n
  }

  async write(bytes: Uint8Array, position: number): Promise<void> {
    const file = this.live('write')
    const growth = Math.max(0, position + bytes.byteLength - file.current.size)
    if (this.fs.usedBytes() + growth > this.fs.capacityBytes) {
      throw new FsError('NO_SPACE', `write ${this.path}: no space left on the device`)
    }
    const copy = bytes.slice()
    file.current.write(copy, position)
    file.unsynced.push({ kind: 'write', position, bytes: copy })
    this.fs.stats.writes++
  }

  async datasync(): Promise<void> {
    const file = this.live('datasync')
    file.durable = Contents.from(file.current.bytes, file.current.size)
    file.unsynced = []
    this.fs.stats.datasyncs++
  }

  async truncate(size: number): Promise<void> {
    const file = this.live('truncate')
    file.current.truncate(size)
    file.unsynced.push({ kind: 'truncate', size })
  }

  async size(): Promise<number> {
    return this.live('size').current.size
  }

  async close(): Promise<void> {
    this.closed = true
    this.fs.handles.delete(this)
  }
}

export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, MemoryFile>()
  private readonly dirs = new Set<string>(['/'])
  readonly stats: MemoryFsStats = { opens: 0, reads: 0, bytesRead: 0, writes: 0, datasyncs: 0, syncDirs: 0 }
  /** Total bytes the device holds; writes past it fail with NO_SPACE. */
  capacityBytes = Number.POSITIVE_INFINITY
  /** Handles not yet closed (a crash closes them all). */
  readonly handles = new Set<FileHandle>()

  usedBytes(): number {
    let total = 0
    for (const f of this.files.values()) total += f.current.size
    return total
  }

  async open(path: string, options: { create: boolean }): Promise<FileHandle> {
    let file = this.files.get(path)
    if (file === undefined) {
      if (!options.create) throw new FsError('NOT_FOUND', `open ${path}: no such file`)
      if (!this.dirs.has(parentOf(path))) throw new FsError('NOT_FOUND', `open ${path}: no such directory`)
      file = new MemoryFile()
      this.files.set(path, file)
    }
    this.stats.opens++
    const handle = new MemoryHandle(this, path, file, file.generation)
    this.handles.add(handle)
    return handle
  }

  async list(dir: string): Promise<string[]> {
    if (!this.dirs.has(trimSlash(dir))) throw new FsError('NOT_FOUND', `list ${dir}: no such directory`)
    const prefix = `${trimSlash(dir)}/`
    const names: string[] = []
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p.length > prefix.length) {
        names.push(p.slice(prefix.length))
      }
    }
    return names.sort()
  }

  async mkdirp(dir: string): Promise<void> {
    const parts = trimSlash(dir)
      .split('/')
      .filter((p) => p !== '')
    let path = ''
    for (const part of parts) {
      path = `${path}/${part}`
      this.dirs.add(path)
    }
  }

  async sizeOf(path: string): Promise<number | undefined> {
    return this.files.get(path)?.current.size
  }

  async remove(path: string): Promise<void> {
    const file = this.files.get(path)
    if (file !== undefined) file.generation++
    this.files.delete(path)
  }

  async rename(from: string, to: string): Promise<void> {
    const file = this.files.get(from)
    if (file === undefined) throw new FsError('NOT_FOUND', `rename ${from}: no such file`)
    const replaced = this.files.get(to)
    if (replaced !== undefined) replaced.generation++
    this.files.delete(from)
    this.files.set(to, file)
  }

  async syncDir(_dir: string): Promise<void> {
    this.stats.syncDirs++
  }

  /** Unsynced operations across all files, in the order `crash` would replay them per file. */
  unsyncedOps(): UnsyncedOp[] {
    const out: UnsyncedOp[] = []
    for (const [path, file] of this.files) {
      file.unsynced.forEach((op, index) => {
        out.push(
          op.kind === 'write'
            ? { kind: 'write', path, position: op.position, length: op.bytes.byteLength, index }
            : { kind: 'truncate', path, size: op.size, index },
        )
      })
    }
    return out
  }

  /** A crash: unsynced operations are lost, or partly kept as `options.keep` says. */
  crash(options: CrashOptions = {}): void {
    const keep = options.keep ?? (() => 0)
    this.handles.clear()
    for (const [path, file] of this.files) {
      const next = Contents.from(file.durable.bytes, file.durable.size)
      for (let index = 0; index < file.unsynced.length; index++) {
        const op = file.unsynced[index] as Op
        if (op.kind === 'truncate') {
          if (keep({ kind: 'truncate', path, size: op.size, index }) <= 0) break
          next.truncate(op.size)
          continue
        }
        const length = op.bytes.byteLength
        const kept = Math.max(
          0,
          Math.min(length, Math.floor(keep({ kind: 'write', path, position: op.position, length, index }))),
        )
        if (kept > 0) next.write(op.bytes.subarray(0, kept), op.position)
        if (kept < length) break
      }
      file.current = next
      file.durable = Contents.from(next.bytes, next.size)
      file.unsynced = []
      file.generation++
    }
  }

  /** Flips one bit of a file's stored bytes, durable and current alike (media corruption). */
  flipBit(path: string, byteIndex: number, bit: number): void {
    const file = this.files.get(path)
    if (file === undefined) throw new FsError('NOT_FOUND', `flipBit ${path}: no such file`)
    if (byteIndex < 0 || byteIndex >= file.current.size)
      throw new RangeError(`flipBit ${path}: byte ${byteIndex} is outside the file`)
    const mask = 1 << (bit & 7)
    file.current.bytes[byteIndex] = (file.current.bytes[byteIndex] as number) ^ mask
    if (byteIndex < file.durable.size) {
      file.durable.bytes[byteIndex] = (file.durable.bytes[byteIndex] as number) ^ mask
    }
  }

  /** A copy of a file's current bytes (for tests that compare or damage files). */
  snapshot(path: string): Uint8Array | undefined {
    const file = this.files.get(path)
    return file === undefined ? undefined : file.current.bytes.slice(0, file.current.size)
  }
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}
