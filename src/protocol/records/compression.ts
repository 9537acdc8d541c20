/**
 * The record section's compression codecs, by Kafka's attribute id. All synchronous. Every
 * decompressor takes a bound and fails with CodecError('LIMIT_EXCEEDED') instead of inflating past
 * it; any other failure of a native codec becomes CodecError('CORRUPT').
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import { assert } from '../../lib/assert.js'
import { CodecError } from '../codec-error.js'
import { lz4Compress, lz4Decompress } from './lz4.js'
import { snappyCompress, snappyDecompress } from './snappy.js'
import type { Compression } from './types.js'
import { zstdCompress, zstdDecompress } from './zstd.js'

function gzipDecompress(bytes: Uint8Array, bytesMax: number): Uint8Array {
  try {
    // maxOutputLength stops inflation as soon as the output passes the bound.
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, bytesMax) })
  } catch (e) {
    const code = (e as { code?: unknown }).code
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CodecError('LIMIT_EXCEEDED', `gzip data inflates past ${bytesMax} bytes`)
    }
    throw new CodecError('CORRUPT', `gzip data does not decompress: ${(e as Error).message}`)
  }
}

export function compressRecords(kind: Exclude<Compression, 'none'>, plain: Uint8Array): Uint8Array {
  switch (kind) {
    case 'gzip':
      return gzipSync(plain)
    case 'snappy':
      return snappyCompress(plain)
    case 'lz4':
      return lz4Compress(plain)
    case 'zstd':
      return zstdCompress(plain)
  }
}

/** Inflates a compressed records section, never past `bytesMax` bytes. */
export function decompressRecords(
  kind: Exclude<Compression, 'none'>,
  bytes: Uint8Array,
  bytesMax: number,
): Uint8Array {
  assert(Number.isSafeInteger(bytesMax) && bytesMax >= 0, 'decompression bound is a byte count')
  if (bytes.byteLength === 0) throw new CodecError('TRUNCATED', `${kind} records section is empty`)
  switch (kind) {
    case 'gzip':
      return gzipDecompress(bytes, bytesMax)
    case 'snappy':
      return snappyDecompress(bytes, bytesMax)
    case 'lz4':
      return lz4Decompress(bytes, bytesMax)
    case 'zstd':
      return zstdDecompress(bytes, bytesMax)
  }
}
