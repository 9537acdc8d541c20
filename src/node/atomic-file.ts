/**
 * Small state files written whole and replaced atomically: write a temporary file, fsync it,
 * rename it over the old one, fsync the folder. The content carries a CRC-32C line so a damaged
 * file is refused instead of read.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32c } from '../lib/crc32c.js'

/** `<crc32c of json>\n<json>\n`. */
export function checksummed(json: string): string {
  return `${crc32c(new TextEncoder().encode(json))}\n${json}\n`
}

/** The JSON text of a checksummed file; throws when the checksum does not match. */
export function verified(text: string, path: string): string {
  const nl = text.indexOf('\n')
  const crc = Number(text.slice(0, nl))
  const json = text.slice(nl + 1).trimEnd()
  if (nl < 0 || crc !== crc32c(new TextEncoder().encode(json))) {
    throw new Error(`${path}: checksum mismatch; refusing to start on corrupt metadata`)
  }
  return json
}

/** The file's text, or null when it does not exist. */
export async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

/** Replaces `dir/file` with `text`, durably. Callers serialize writes to one file. */
export async function replaceFile(dir: string, file: string, text: string): Promise<void> {
  const tmp = join(dir, `${file}.tmp`)
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(text)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, join(dir, file))
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}

/**
 * One checksummed JSON file holding a whole state, rewritten on every change. Writes go out in
 * call order, so the file always ends at the latest state handed to `save`.
 */
export class StateFile {
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  /** The verified JSON text, or null when the file does not exist yet. */
  async load(): Promise<string | null> {
    await mkdir(this.dir, { recursive: true })
    const path = join(this.dir, this.file)
    const text = await readIfPresent(path)
    return text === null ? null : verified(text, path)
  }

  /** Resolves once a file holding `state` (or a later one) is on disk. */
  save(state: unknown): Promise<void> {
    const text = checksummed(JSON.stringify(state))
    const run = this.chain.then(() => replaceFile(this.dir, this.file, text))
    this.chain = run.catch(() => {})
    return run
  }

  get path(): string {
    return join(this.dir, this.file)
  }
}
