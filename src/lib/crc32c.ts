/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches. Node's zlib.crc32 uses the IEEE
 * polynomial and gives different answers; this wraps @node-rs/crc32, which uses the SSE4.2
 * instruction where the CPU has it.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32'

export function crc32c(bytes: Uint8Array, initial = 0): number {
  return nativeCrc32c(bytes as Buffer, initial) >>> 0
}
