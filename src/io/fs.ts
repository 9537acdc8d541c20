/**
 * The file interface every part of Petrel that touches a disk goes through. Node's implementation
 * is `io/impl/node-fs.ts`; tests and the simulator use `testing/memory-fs.ts`, which can lose
 * unsynced writes, tear a write and flip bits. Paths are '/'-separated strings.
 *
 * Failures are `FsError` values with a stable code: a full disk is `NO_SPACE`, never a crash.
 */

export type FsErrorCode =
  | 'NOT_FOUND' // the path does not exist
  | 'NO_SPACE' // the device is full (ENOSPC, EDQUOT)
  | 'CLOSED' // the handle was closed
  | 'IO' // anything else the device reported

export class FsError extends Error {
  override readonly name = 'FsError'
  constructor(
    readonly code: FsErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** An open file. Positions are byte offsets from the start of the file. */
export interface FileHandle {
  /** Reads up to `into.byteLength` bytes at `position`; returns how many were read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>
  /** Writes every byte of `bytes` at `position`, extending the file if needed. */
  write(bytes: Uint8Array, position: number): Promise<void>
  /** Makes the file's data durable (fdatasync). Until then a crash may lose or tear writes. */
  datasync(): Promise<void>
  /** Cuts or extends the file to `size` bytes. Durable after the next datasync. */
  truncate(size: number): Promise<void>
  size(): Promise<number>
  close(): Promise<void>
}

export interface FileSystem {
  /** Opens a file for reading and writing, creating it (empty) when `create` is set. */
  open(path: string, options: { create: boolean }): Promise<FileHandle>
  /** Names (not paths) of the entries in a directory. */
  list(dir: string): Promise<string[]>
  /** Creates a directory and its parents; no error when it exists. */
  mkdirp(dir: string): Promise<void>
  /** Size in bytes of a file, or undefined when it does not exist. */
  sizeOf(path: string): Promise<number | undefined>
  remove(path: string): Promise<void>
  /** Atomically replaces `to` with `from`. Durable after `syncDir` of the directory. */
  rename(from: string, to: string): Promise<void>
  /** Makes creations, renames and removals in a directory durable (fsync of the directory). */
  syncDir(dir: string): Promise<void>
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`
}

/** Reads a whole small file, or undefined when it does not exist. */
export async function readWholeFile(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  const size = await fs.sizeOf(path)
  if (size === undefined) return undefined
  const handle = await fs.open(path, { create: false })
  try {
    const bytes = new Uint8Array(size)
    let done = 0
    while (done < size) {
      const n = await handle.read(bytes.subarray(done), done)
      if (n === 0) break
      done += n
    }
    return bytes.subarray(0, done)
  } finally {
    await handle.close()
  }
}

/**
 * Replaces a small file so that after a crash it holds either the old or the new contents:
 * write a temporary file, sync it, rename it over the old one, sync the directory.
 */
export async function writeFileAtomically(
  fs: FileSystem,
  dir: string,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  const tmp = joinPath(dir, `${name}.tmp`)
  const handle = await fs.open(tmp, { create: true })
  try {
    await handle.truncate(0)
    await handle.write(bytes, 0)
    await handle.datasync()
  } finally {
    await handle.close()
  }
  await fs.rename(tmp, joinPath(dir, name))
  await fs.syncDir(dir)
}
