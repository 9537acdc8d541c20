/** The batches the crash test's child appends, rebuilt by the parent to compare bytes. */
import { setBaseOffset, setPartitionLeaderEpoch } from '../../../src/protocol/records/header.js'
import { seededBatch } from '../../helpers/batches.js'

export function crashBatch(run: number, seq: number): Uint8Array {
  return seededBatch(run * 1_000_000 + seq, 1 + (seq % 5), 40 + ((seq * 37) % 700))
}

/** The batch as stored: with the offset and term the log gave it. */
export function storedCrashBatch(run: number, seq: number, baseOffset: number): Uint8Array {
  const b = crashBatch(run, seq)
  setBaseOffset(b, 0, baseOffset)
  setPartitionLeaderEpoch(b, 0, run)
  return b
}
