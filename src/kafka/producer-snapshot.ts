/**
 * The producer-state snapshot file: a ProducerStateTable as of one log offset, checksummed.
 *
 * Layout (big-endian): magic u32 'PSN1', crc32c u32 of everything after it, offset i64 (the
 * table holds exactly the batches below it), producers u32, then per producer (least recently
 * written first): producerId i64, epoch i16, batches u8, and per batch (oldest first):
 * producerEpoch i16, baseSequence i32, lastSequence i32, baseOffset i64.
 */
import { limits } from '../config/limits.js'
import { crc32c } from '../lib/crc32c.js'
import { type ProducerBatch, ProducerStateTable } from './producer-state.js'

const MAGIC = 0x50534e31
const HEADER_BYTES = 4 + 4 + 8 + 4
const ENTRY_BYTES = 8 + 2 + 1
const BATCH_BYTES = 2 + 4 + 4 + 8

/** The largest snapshot a table within the limits can produce. */
export const PRODUCER_SNAPSHOT_BYTES_MAX =
  HEADER_BYTES +
  limits.producerIdsPerPartitionMax * (ENTRY_BYTES + limits.producerBatchesRetained * BATCH_BYTES)

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError'
}

export function encodeProducerSnapshot(table: ProducerStateTable, offset: number): Uint8Array {
  let size = HEADER_BYTES
  for (const e of table.entries()) size += ENTRY_BYTES + e.batches.length * BATCH_BYTES
  const bytes = new Uint8Array(size)
  const v = new DataView(bytes.buffer)
  v.setUint32(0, MAGIC)
  v.setBigInt64(8, BigInt(offset))
  v.setUint32(16, table.size)
  let at = HEADER_BYTES
  for (const e of table.entries()) {
    v.setBigInt64(at, BigInt(e.producerId))
    v.setInt16(at + 8, e.epoch)
    v.setUint8(at + 10, e.batches.length)
    at += ENTRY_BYTES
    for (const b of e.batches) {
      v.setInt16(at, b.producerEpoch)
      v.setInt32(at + 2, b.baseSequence)
      v.setInt32(at + 6, b.lastSequence)
      v.setBigInt64(at + 10, BigInt(b.baseOffset))
      at += BATCH_BYTES
    }
  }
  v.setUint32(4, crc32c(bytes.subarray(8)))
  return bytes
}

/** The table and its offset; a SnapshotError when the bytes are damaged or impossible. */
export function decodeProducerSnapshot(bytes: Uint8Array): { offset: number; table: ProducerStateTable } {
  if (bytes.byteLength < HEADER_BYTES || bytes.byteLength > PRODUCER_SNAPSHOT_BYTES_MAX)
    throw new SnapshotError(`snapshot of ${bytes.byteLength} bytes`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (v.getUint32(0) !== MAGIC) throw new SnapshotError('not a producer-state snapshot')
  if (v.getUint32(4) !== crc32c(bytes.subarray(8))) throw new SnapshotError('checksum mismatch')
  const offset = safe(v.getBigInt64(8))
  const count = v.getUint32(16)
  const table = new ProducerStateTable()
  let at = HEADER_BYTES
  try {
    for (let i = 0; i < count; i++) {
      if (at + ENTRY_BYTES > bytes.byteLength) throw new SnapshotError('snapshot cut short')
      const producerId = safe(v.getBigInt64(at))
      const epoch = v.getInt16(at + 8)
      const n = v.getUint8(at + 10)
      at += ENTRY_BYTES
      if (at + n * BATCH_BYTES > bytes.byteLength) throw new SnapshotError('snapshot cut short')
      const batches: ProducerBatch[] = []
      for (let j = 0; j < n; j++) {
        const baseOffset = safe(v.getBigInt64(at + 10))
        if (baseOffset < 0 || baseOffset >= offset)
          throw new SnapshotError(`batch offset ${baseOffset} outside [0, ${offset})`)
        batches.push({
          producerId,
          producerEpoch: v.getInt16(at),
          baseSequence: v.getInt32(at + 2),
          lastSequence: v.getInt32(at + 6),
          baseOffset,
        })
        at += BATCH_BYTES
      }
      table.restore({ producerId, epoch, batches })
    }
  } catch (e) {
    if (e instanceof RangeError) throw new SnapshotError(e.message)
    throw e
  }
  if (at !== bytes.byteLength) throw new SnapshotError('trailing bytes after the last producer')
  return { offset, table }
}

function safe(n: bigint): number {
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapshotError(`value ${n} out of range`)
  return Number(n)
}
