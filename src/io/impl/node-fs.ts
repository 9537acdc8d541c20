/**
 * The file interface on Node's fs/promises. Node's error codes become FsError codes here and
 * nowhere else, so storage can tell a full disk from a missing file without parsing messages.
 */
import { constants } from 'node:fs'
import { type FileHandle as NodeFileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { type FileHandle, type FileSystem, FsError, type FsErrorCode } from '../fs.js'

function codeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

function toFsError(err: unknown, what: string): FsError {
  const code = codeOf(err)
  let mapped: FsErrorCode = 'IO'
  if (code === 'ENOENT') mapped = 'NOT_FOUND'
  else if (code === 'ENOSPC' || code === 'EDQUOT') mapped = 'NO_SPACE'
  else if (code === 'EBADF') mapped = 'CLOSED'
  const reason = err instanceof Error ? err.message : String(err)
  return new FsError(mapped, `${what}: ${reason}`)
}

async function wrap<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    throw toFsError(err, what)
  }
}

class NodeFile implements FileHandle {
  constructor(
    private readonly handle: NodeFileHandle,
    private readonly path: string,
  ) {}

  read(into: Uint8Array, position: number): Promise<number> {
    return wrap(`read ${this.path}`, async () => {
      const { bytesRead } = await this.handle.read(into, 0, into.byteLength, position)
      return bytesRead
    })
  }

  write(bytes: Uint8Array, position: number): Promise<void> {
    return wrap(`write ${this.path}`, async () => {
      let done = 0
      // A regular file normally takes the whole buffer at once; the loop covers a short write.
      for (let attempts = 0; done < bytes.byteLength; attempts++) {
        const { bytesWritten } = await this.handle.write(
          bytes,
          done,
          bytes.byteLength - done,
          position + done,
        )
        if (bytesWritten === 0 && attempts > 16) throw new Error('the device accepts no more bytes')
        done += bytesWritten
      }
    })
  }

  datasync(): Promise<void> {
    return wrap(`fdatasync ${this.path}`, () => this.handle.datasync())
  }

  truncate(size: number): Promise<void> {
    return wrap(`truncate ${this.path}`, () => this.handle.truncate(size))
  }

  size(): Promise<number> {
    return wrap(`stat ${this.path}`, async () => (await this.handle.stat()).size)
  }

  close(): Promise<void> {
    return wrap(`close ${this.path}`, () => this.handle.close())
  }
}

export class NodeFileSystem implements FileSystem {
  open(path: string, options: { create: boolean }): Promise<FileHandle> {
    const flags = options.create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR
    return wrap(`open ${path}`, async () => new NodeFile(await open(path, flags, 0o644), path))
  }

  list(dir: string): Promise<string[]> {
    return wrap(`readdir ${dir}`, () => readdir(dir))
  }

  async mkdirp(dir: string): Promise<void> {
    await wrap(`mkdir ${dir}`, () => mkdir(dir, { recursive: true }))
  }

  async sizeOf(path: string): Promise<number | undefined> {
    try {
      return (await stat(path)).size
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return undefined
      throw toFsError(err, `stat ${path}`)
    }
  }

  remove(path: string): Promise<void> {
    return wrap(`remove ${path}`, () => rm(path, { force: true }))
  }

  rename(from: string, to: string): Promise<void> {
    return wrap(`rename ${from}`, () => rename(from, to))
  }

  syncDir(dir: string): Promise<void> {
    return wrap(`fsync ${dir}`, async () => {
      const handle = await open(dir, constants.O_RDONLY)
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    })
  }
}
