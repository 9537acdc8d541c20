/**
 * Zstandard through zstd-napi (libzstd bound with Node-API; synchronous calls). Decompression is
 * streamed into fixed-size chunks so that output never grows past the caller's bound, whatever
 * the frame header claims; a frame that ends early is an error, not a short result.
 */
import { createRequire } from 'node:module'
import { compress } from 'zstd-napi'
import type * as Binding from 'zstd-napi/binding.js'
import { CodecError } from '../codec-error.js'

// The native binding sets module.exports at run time, which ESM cannot see as named exports; load
// it through require. It is the only way to reach ZSTD_decompressStream, which the bound needs.
const binding = createRequire(import.meta.url)('zstd-napi/binding.js') as typeof Binding

let dctx: Binding.DCtx | undefined
let chunkBytes = 0

export function zstdCompress(plain: Uint8Array): Uint8Array {
  return compress(plain as Buffer)
}

/** One progress step of the stream decoder, with native errors made CodecErrors. */
function step(d: Binding.DCtx, out: Uint8Array, input: Uint8Array): [number, number, number] {
  try {
    return d.decompressStream(out, input)
  } catch (e) {
    d.reset(binding.ResetDirective.sessionOnly)
    throw new CodecError('CORRUPT', `zstd data does not decompress: ${(e as Error).message}`)
  }
}

export function zstdDecompress(bytes: Uint8Array, bytesMax: number): Uint8Array {
  if (dctx === undefined) {
    dctx = new binding.DCtx()
    chunkBytes = binding.dStreamOutSize()
  }
  // Refuse at once a first frame whose header states a size past the bound (honest encoders
  // state it); frames without one, or later frames, are caught while streaming below.
  let stated: number | null = null
  try {
    stated = binding.getFrameContentSize(bytes)
  } catch {
    // Not a readable frame header: the stream decoder below reports it as CodecError.
  }
  if (stated !== null && stated > bytesMax) {
    throw new CodecError('LIMIT_EXCEEDED', `zstd frame states ${stated} bytes, over ${bytesMax}`)
  }
  const d = dctx
  d.reset(binding.ResetDirective.sessionOnly)
  const parts: Uint8Array[] = []
  let produced = 0
  let input = bytes
  let frameOpen = true
  // Every round either consumes input or produces output (else it throws), and output is capped
  // at bytesMax, so the loop is bounded by input length + bytesMax rounds.
  while (input.byteLength > 0 || frameOpen) {
    // One byte past the budget is room enough to notice the budget is exceeded.
    const out = Buffer.allocUnsafe(Math.min(chunkBytes, bytesMax - produced + 1))
    const [remaining, wrote, consumed] = step(d, out, input)
    produced += wrote
    if (produced > bytesMax) {
      d.reset(binding.ResetDirective.sessionOnly)
      throw new CodecError('LIMIT_EXCEEDED', `zstd data inflates past ${bytesMax} bytes`)
    }
    if (wrote > 0) parts.push(out.subarray(0, wrote))
    input = input.subarray(consumed)
    frameOpen = remaining !== 0
    if (wrote === 0 && consumed === 0) {
      d.reset(binding.ResetDirective.sessionOnly)
      throw new CodecError('TRUNCATED', 'zstd frame ends before its data does')
    }
  }
  return Buffer.concat(parts, produced)
}
