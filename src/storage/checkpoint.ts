/**
 * Small state files beside the segments, each replaced atomically and guarded by a CRC-32C so a
 * damaged file is noticed and ignored rather than believed:
 *
 *   log-start-offset   magic "PLSO" · version u8 · offset i64 · crc u32
 *   term-ranges        magic "PTRM" · version u8 · count u32 · (term i64, startOffset i64)* · crc u32
 *   clean-shutdown     magic "PCLN" · version u8 · activeBase i64 · activeBytes i64 · endOffset i64 ·
 *                      lastTerm i64 (-1: none) · crc u32   (README: Clean shutdown)
 */
import { readWholeFile, writeFileAtomically, type FileSystem } from '../io/fs.js'
import { crc32c } from '../lib/crc32c.js'

export const LOG_START_FILE = 'log-start-offset'
export const TERM_RANGES_FILE = 'term-ranges'
export const CLEAN_SHUTDOWN_FILE = 'clean-shutdown'
const VERSION = 1

function encode(magic: string, body: (view: DataView, at: number) => void, bodyBytes: number): Uint8Array {
  const bytes = new Uint8Array(4 + 1 + bodyBytes + 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) view.setUint8(i, magic.charCodeAt(i))
  view.setUint8(4, VERSION)
  body(view, 5)
  view.setUint32(5 + bodyBytes, crc32c(bytes.subarray(0, 5 + bodyBytes)))
  return bytes
}

/** The body of a valid checkpoint, or undefined when the file is missing or damaged. */
function decode(magic: string, bytes: Uint8Array | undefined): DataView | undefined {
  if (bytes === undefined || bytes.byteLength < 9) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < 4; i++) if (view.getUint8(i) !== magic.charCodeAt(i)) return undefined
  if (view.getUint8(4) !== VERSION) return undefined
  const end = bytes.byteLength - 4
  if (view.getUint32(end) !== crc32c(bytes.subarray(0, end))) return undefined
  return new DataView(bytes.buffer, bytes.byteOffset + 5, end - 5)
}

function safe(v: bigint): number | undefined {
  return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined
}

export async function readLogStart(fs: FileSystem, dir: string): Promise<number | undefined> {
  const body = decode('PLSO', await readWholeFile(fs, `${dir}/${LOG_START_FILE}`))
  if (body === undefined || body.byteLength !== 8) return undefined
  return safe(body.getBigInt64(0))
}

export function writeLogStart(fs: FileSystem, dir: string, offset: number): Promise<void> {
  const bytes = encode('PLSO', (v, at) => v.setBigInt64(at, BigInt(offset)), 8)
  return writeFileAtomically(fs, dir, LOG_START_FILE, bytes)
}

export interface TermStart {
  term: number
  startOffset: number
}

export async function readTermRanges(fs: FileSystem, dir: string): Promise<TermStart[] | undefined> {
  const body = decode('PTRM', await readWholeFile(fs, `${dir}/${TERM_RANGES_FILE}`))
  if (body === undefined || body.byteLength < 4) return undefined
  const count = body.getUint32(0)
  if (body.byteLength !== 4 + count * 16) return undefined
  const out: TermStart[] = []
  for (let i = 0; i < count; i++) {
    const term = safe(body.getBigInt64(4 + i * 16))
    const startOffset = safe(body.getBigInt64(12 + i * 16))
    if (term === undefined || startOffset === undefined) return undefined
    out.push({ term, startOffset })
  }
  return out
}

export function writeTermRanges(fs: FileSystem, dir: string, ranges: readonly TermStart[]): Promise<void> {
  const bytes = encode(
    'PTRM',
    (v, at) => {
      v.setUint32(at, ranges.length)
      ranges.forEach((r, i) => {
        v.setBigInt64(at + 4 + i * 16, BigInt(r.term))
        v.setBigInt64(at + 12 + i * 16, BigInt(r.startOffset))
      })
    },
    4 + ranges.length * 16,
  )
  return writeFileAtomically(fs, dir, TERM_RANGES_FILE, bytes)
}

/** What a clean-shutdown marker vouches for: the active segment as `close()` left it. */
export interface CleanShutdown {
  activeBase: number
  activeBytes: number
  endOffset: number
  /** The last term of the term ranges at close; -1 when they were empty. */
  lastTerm: number
}

const CLEAN_SHUTDOWN_BYTES = 4 + 1 + 32 + 4

export async function readCleanShutdown(fs: FileSystem, dir: string): Promise<CleanShutdown | undefined> {
  const path = `${dir}/${CLEAN_SHUTDOWN_FILE}`
  // A file of any other size is damaged; it is not read (no allocation sized by the disk).
  if ((await fs.sizeOf(path)) !== CLEAN_SHUTDOWN_BYTES) return undefined
  const body = decode('PCLN', await readWholeFile(fs, path))
  if (body === undefined || body.byteLength !== 32) return undefined
  const activeBase = safe(body.getBigInt64(0))
  const activeBytes = safe(body.getBigInt64(8))
  const endOffset = safe(body.getBigInt64(16))
  const rawTerm = body.getBigInt64(24)
  const lastTerm = rawTerm === -1n ? -1 : safe(rawTerm)
  if (
    activeBase === undefined ||
    activeBytes === undefined ||
    endOffset === undefined ||
    lastTerm === undefined
  ) {
    return undefined
  }
  return { activeBase, activeBytes, endOffset, lastTerm }
}

export function writeCleanShutdown(fs: FileSystem, dir: string, marker: CleanShutdown): Promise<void> {
  const bytes = encode(
    'PCLN',
    (v, at) => {
      v.setBigInt64(at, BigInt(marker.activeBase))
      v.setBigInt64(at + 8, BigInt(marker.activeBytes))
      v.setBigInt64(at + 16, BigInt(marker.endOffset))
      v.setBigInt64(at + 24, BigInt(marker.lastTerm))
    },
    32,
  )
  return writeFileAtomically(fs, dir, CLEAN_SHUTDOWN_FILE, bytes)
}
