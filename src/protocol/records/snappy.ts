/**
 * Snappy for record batches. Two framings exist in the wild and both are decoded:
 * - raw: one snappy block (what librdkafka and kafkajs-snappy write);
 * - xerial: the Java client's SnappyOutputStream, an 8-byte magic, two int32 versions, then
 *   blocks each prefixed by an int32 compressed length.
 * We write raw: librdkafka and kafkajs-snappy read both framings, and Java's xerial
 * SnappyInputStream falls back to a whole-stream raw block when the magic is absent, so every
 * target client reads raw, and it is one native call with no framing overhead.
 *
 * Bounded: a raw block states its decompressed length up front (a varint preamble), checked
 * against the remaining budget and against snappy's maximal expansion before anything is allocated.
 */
import { compressSync, uncompressSync } from 'snappy'
import { CodecError } from '../codec-error.js'

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00] as const
/** Magic (8) + version int32 + compatible-version int32. */
const XERIAL_HEADER_BYTES = 16
/**
 * The most a snappy block can expand: a 3-byte copy element yields at most 64 bytes. Anything
 * claiming more is corrupt, which keeps a lying preamble from allocating past 22 × its input.
 */
const SNAPPY_EXPANSION_MAX = 22

/**
 * copyOutputData: the package's default hands back an external buffer, which measured several
 * times slower here (external memory accounting) than copying into a V8-owned one.
 */
const OUTPUT = { copyOutputData: true } as const

export function snappyCompress(plain: Uint8Array): Uint8Array {
  return compressSync(plain, OUTPUT)
}

function isXerial(bytes: Uint8Array): boolean {
  if (bytes.byteLength < XERIAL_HEADER_BYTES) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (bytes[i] !== XERIAL_MAGIC[i]) return false
  return true
}

/** The decompressed length a raw block declares in its unsigned varint preamble. */
function declaredLength(block: Uint8Array): number {
  let u = 0
  for (let i = 0; i < 5; i++) {
    if (i >= block.byteLength) throw new CodecError('TRUNCATED', 'snappy preamble is cut short')
    const b = block[i] as number
    u += (b & 0x7f) * 2 ** (7 * i)
    if ((b & 0x80) === 0) return u
  }
  throw new CodecError('CORRUPT', 'snappy preamble is longer than 5 bytes')
}

function uncompressRaw(block: Uint8Array, budget: number): Uint8Array {
  const n = declaredLength(block)
  if (n > budget) {
    throw new CodecError('LIMIT_EXCEEDED', `snappy block inflates to ${n} bytes, over the ${budget} left`)
  }
  if (n > block.byteLength * SNAPPY_EXPANSION_MAX) {
    throw new CodecError('CORRUPT', `snappy block of ${block.byteLength} bytes cannot inflate to ${n}`)
  }
  let out: Uint8Array
  try {
    out = uncompressSync(block, { ...OUTPUT, asBuffer: true }) as Buffer
  } catch (e) {
    throw new CodecError('CORRUPT', `snappy block does not decompress: ${(e as Error).message}`)
  }
  if (out.byteLength !== n) throw new CodecError('CORRUPT', 'snappy block length differs from its preamble')
  return out
}

/**
 * The blocks of a xerial stream, checked for framing and, from their preambles, for the total
 * they inflate to: a stream of many small bombs is refused before any block is inflated.
 */
function xerialBlocks(bytes: Uint8Array, bytesMax: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const blocks: Uint8Array[] = []
  let declared = 0
  let at = XERIAL_HEADER_BYTES
  // Each step consumes at least the 4-byte length, so this ends within byteLength/4 steps.
  while (at < bytes.byteLength) {
    if (bytes.byteLength - at < 4)
      throw new CodecError('TRUNCATED', 'xerial snappy block length is cut short')
    const n = view.getInt32(at)
    at += 4
    if (n < 0) throw new CodecError('INVALID_LENGTH', `xerial snappy block length ${n} is negative`)
    if (n > bytes.byteLength - at) {
      throw new CodecError('TRUNCATED', `xerial snappy block of ${n} bytes, ${bytes.byteLength - at} left`)
    }
    const block = bytes.subarray(at, at + n)
    declared += declaredLength(block)
    if (declared > bytesMax) {
      throw new CodecError('LIMIT_EXCEEDED', `xerial snappy blocks inflate past ${bytesMax} bytes`)
    }
    blocks.push(block)
    at += n
  }
  return blocks
}

function uncompressXerial(bytes: Uint8Array, bytesMax: number): Uint8Array {
  const parts: Uint8Array[] = []
  let produced = 0
  for (const block of xerialBlocks(bytes, bytesMax)) {
    const part = uncompressRaw(block, bytesMax - produced)
    produced += part.byteLength
    parts.push(part)
  }
  if (parts.length === 1) return parts[0] as Uint8Array
  return Buffer.concat(parts, produced)
}

export function snappyDecompress(bytes: Uint8Array, bytesMax: number): Uint8Array {
  return isXerial(bytes) ? uncompressXerial(bytes, bytesMax) : uncompressRaw(bytes, bytesMax)
}
