/**
 * LZ4 for record batches: the LZ4 frame format (magic 0x184D2204), as Kafka has used since 0.10.
 *
 * Writing goes through lz4-napi's frame encoder (lz4_flex): version 01, independent blocks of up to
 * 256 KiB, no block or content checksums, no content size. Kafka's Java reader, librdkafka and
 * the kafkajs lz4 plug-ins all read that (Java itself writes 64 KiB independent blocks; the block
 * size is stated in the frame descriptor and readers honour it).
 *
 * Reading is done here, in TypeScript, rather than by lz4-napi, because lz4-napi's frame decoder
 * grows its output without a bound: a small frame can claim gigabytes. Parsing the frame ourselves
 * lets every block be checked against the descriptor's block size and the total against the
 * caller's bound before it is written. Output is one contiguous buffer, so linked blocks (which
 * librdkafka's liblz4 may write) decode as well as independent ones. The header checksum and
 * optional xxhash32 checksums are skipped, not verified: the batch's CRC-32C already covers these
 * bytes.
 */
import { compressFrameSync } from 'lz4-napi'
import { CodecError } from '../codec-error.js'

const LZ4_FRAME_MAGIC = 0x184d2204
/** Block maximum sizes by the BD byte's 3-bit id (4 = 64 KiB … 7 = 4 MiB). */
const BLOCK_BYTES_BY_ID: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
}
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICT_ID = 0x01
const BLOCK_UNCOMPRESSED = 0x80000000
/**
 * The most LZ4 can expand: a long match costs one length byte per 255 output bytes, so no input
 * byte yields more than 255 output bytes (256 leaves room for the fixed per-sequence costs).
 */
const LZ4_EXPANSION_MAX = 256
/** LZ4's minimum match length, added to the 4-bit match length of every sequence. */
const MIN_MATCH = 4

export function lz4Compress(plain: Uint8Array): Uint8Array {
  return compressFrameSync(plain as Buffer)
}

/** A growable output bounded by `bytesMax`. */
class Output {
  buf: Uint8Array
  length = 0
  constructor(
    initialBytes: number,
    readonly bytesMax: number,
  ) {
    // Unzeroed: only [0, length) is ever read, and every byte of it is written first.
    this.buf = Buffer.allocUnsafeSlow(Math.min(initialBytes, bytesMax))
  }
  /** Makes room for `n` more bytes, or fails when that passes the bound. */
  reserve(n: number): void {
    const need = this.length + n
    if (need > this.bytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `lz4 data inflates past ${this.bytesMax} bytes`)
    }
    if (need <= this.buf.byteLength) return
    const grown = Buffer.allocUnsafeSlow(Math.min(this.bytesMax, Math.max(need, this.buf.byteLength * 2)))
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }
}

/** Reads an LZ4 length extension: bytes of 255 continue, the first byte below 255 ends it. */
function readExtension(src: Uint8Array, at: number, end: number, base: number): [number, number] {
  let n = base
  let p = at
  let b = 255
  // Bounded by end: each byte read advances p.
  while (b === 255) {
    if (p >= end) throw new CodecError('TRUNCATED', 'lz4 length runs past its block')
    b = src[p++] as number
    n += b
  }
  return [n, p]
}

/** Decodes one compressed block [at, end) onto the output; matches may reach into earlier blocks. */
function decodeBlock(src: Uint8Array, at: number, end: number, out: Output, blockBytesMax: number): void {
  const blockStart = out.length
  let p = at
  // Each sequence consumes at least its token byte, so the loop ends within end-at rounds.
  while (p < end) {
    const token = src[p++] as number
    let literals = token >>> 4
    if (literals === 15) [literals, p] = readExtension(src, p, end, 15)
    if (literals > end - p) throw new CodecError('TRUNCATED', 'lz4 literals run past their block')
    if (out.length - blockStart + literals > blockBytesMax) {
      throw new CodecError('CORRUPT', 'lz4 block inflates past its stated block size')
    }
    out.reserve(literals)
    out.buf.set(src.subarray(p, p + literals), out.length)
    out.length += literals
    p += literals
    if (p === end) return // the last sequence carries literals only
    if (end - p < 2) throw new CodecError('TRUNCATED', 'lz4 match offset is cut short')
    const offset = (src[p] as number) | ((src[p + 1] as number) << 8)
    p += 2
    if (offset === 0 || offset > out.length) {
      throw new CodecError('CORRUPT', `lz4 match offset ${offset} points before the data`)
    }
    let matchBytes = (token & 0x0f) + MIN_MATCH
    if (matchBytes === 15 + MIN_MATCH) [matchBytes, p] = readExtension(src, p, end, matchBytes)
    if (out.length - blockStart + matchBytes > blockBytesMax) {
      throw new CodecError('CORRUPT', 'lz4 block inflates past its stated block size')
    }
    out.reserve(matchBytes)
    copyMatch(out, offset, matchBytes)
  }
  throw new CodecError('CORRUPT', 'lz4 block does not end with a literal run')
}

function copyMatch(out: Output, offset: number, matchBytes: number): void {
  const buf = out.buf
  const from = out.length - offset
  let to = out.length
  let left = matchBytes
  // An overlapping match repeats the `offset` bytes before it. [from, to) always holds whole
  // periods of that pattern, so copy it forward in chunks that double: log2(match/offset) calls,
  // which keeps a long run of one byte (the usual bomb) at memcpy speed.
  while (left > 0) {
    const n = Math.min(left, to - from)
    buf.copyWithin(to, from, from + n)
    to += n
    left -= n
  }
  out.length += matchBytes
}

interface FrameDescriptor {
  flags: number
  blockBytesMax: number
  /** The optional content size field, when the frame states one. */
  contentBytes: number | undefined
  /** Position of the first block. */
  at: number
}

function readDescriptor(bytes: Uint8Array, view: DataView): FrameDescriptor {
  if (bytes.byteLength < 7) throw new CodecError('TRUNCATED', 'lz4 frame header is cut short')
  if (view.getUint32(0, true) !== LZ4_FRAME_MAGIC) {
    throw new CodecError('CORRUPT', 'lz4 data does not start with the frame magic')
  }
  const flags = bytes[4] as number
  const bd = bytes[5] as number
  if ((flags & FLG_VERSION_MASK) !== FLG_VERSION_01 || (flags & FLG_RESERVED) !== 0 || (bd & 0x8f) !== 0) {
    throw new CodecError('CORRUPT', 'lz4 frame descriptor has an unknown version or reserved bits set')
  }
  if ((flags & FLG_DICT_ID) !== 0) {
    throw new CodecError('UNSUPPORTED_COMPRESSION', 'lz4 frames with a dictionary id are not supported')
  }
  const blockBytesMax = BLOCK_BYTES_BY_ID[(bd >>> 4) & 0x07]
  if (blockBytesMax === undefined) throw new CodecError('CORRUPT', 'lz4 frame has an unknown block size')
  // FLG, BD, [content size 8], header checksum 1.
  const hasSize = (flags & FLG_CONTENT_SIZE) !== 0
  const at = 4 + 2 + (hasSize ? 8 : 0) + 1
  if (bytes.byteLength < at) throw new CodecError('TRUNCATED', 'lz4 frame header is cut short')
  // A uint64 above 2^53 loses precision, but it is then far past any bound, which is all that matters.
  const contentBytes = hasSize ? Number(view.getBigUint64(6, true)) : undefined
  return { flags, blockBytesMax, contentBytes, at }
}

export function lz4Decompress(bytes: Uint8Array, bytesMax: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const d = readDescriptor(bytes, view)
  const blockChecksum = (d.flags & FLG_BLOCK_CHECKSUM) !== 0 ? 4 : 0
  if (d.contentBytes !== undefined && d.contentBytes > bytesMax) {
    throw new CodecError('LIMIT_EXCEEDED', `lz4 frame states ${d.contentBytes} bytes, over ${bytesMax}`)
  }
  // The stated size sizes the first allocation, so it must be one these bytes could produce: a
  // 20-byte frame claiming 200 MiB would otherwise cost 200 MiB before failing.
  if (d.contentBytes !== undefined && d.contentBytes > bytes.byteLength * LZ4_EXPANSION_MAX) {
    throw new CodecError('CORRUPT', `lz4 frame of ${bytes.byteLength} bytes cannot hold ${d.contentBytes}`)
  }
  const out = new Output(d.contentBytes ?? Math.max(64 * 1024, bytes.byteLength * 4), bytesMax)
  let at = d.at
  // Each block consumes at least its 4-byte size, so this ends within byteLength/4 rounds.
  for (;;) {
    if (bytes.byteLength - at < 4) throw new CodecError('TRUNCATED', 'lz4 frame ends without an end mark')
    const word = view.getUint32(at, true)
    at += 4
    if (word === 0) break
    const n = word & ~BLOCK_UNCOMPRESSED
    if (n > d.blockBytesMax) throw new CodecError('CORRUPT', `lz4 block of ${n} bytes exceeds the block size`)
    if (n + blockChecksum > bytes.byteLength - at) throw new CodecError('TRUNCATED', 'lz4 block is cut short')
    if ((word & BLOCK_UNCOMPRESSED) !== 0) {
      out.reserve(n)
      out.buf.set(bytes.subarray(at, at + n), out.length)
      out.length += n
    } else {
      decodeBlock(bytes, at, at + n, out, d.blockBytesMax)
    }
    at += n + blockChecksum
  }
  if ((d.flags & FLG_CONTENT_CHECKSUM) !== 0) at += 4
  if (at !== bytes.byteLength) {
    throw new CodecError(at > bytes.byteLength ? 'TRUNCATED' : 'CORRUPT', 'lz4 frame length is inconsistent')
  }
  if (d.contentBytes !== undefined && d.contentBytes !== out.length) {
    throw new CodecError('CORRUPT', `lz4 frame states ${d.contentBytes} bytes but holds ${out.length}`)
  }
  return out.buf.subarray(0, out.length)
}
