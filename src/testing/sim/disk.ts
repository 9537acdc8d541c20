/**
 * A simulated disk holding one append-only file of checksummed frames. A write is volatile until
 * the next completed sync; a crash keeps every synced frame, a random prefix of the unsynced ones,
 * and possibly one torn (cut short) or corrupted frame after them. Recovery reads frames in order,
 * checks each CRC-32C and truncates at the first bad one, as a real write-ahead log does. Synced
 * bytes are never damaged: Raft cannot survive losing what it was told is durable, so that fault
 * would only test the simulator.
 */
import { assert } from '../../lib/assert.js'
import { crc32c } from '../../lib/crc32c.js'
import type { Prng } from '../../lib/prng.js'

export interface DiskWeather {
  /** When a crash happens with unsynced frames: probability that the next frame is torn. */
  readonly tornWriteP: number
  /** Same, probability that the next frame is kept whole but with one flipped byte. */
  readonly corruptP: number
}

const HEADER_BYTES = 8

export interface CrashReport {
  readonly framesLost: number
  readonly damage: 'none' | 'torn' | 'corrupt'
}

/**
 * Frames are kept as records and turned into bytes only when a crash damages one: synced and
 * intact frames would decode to exactly what was written, so encoding every write would cost
 * time and test only the frame codec. The damaged frame is real bytes with a real checksum.
 */
export class SimDisk<R> {
  private frames: { readonly record: R; readonly damaged: Uint8Array | undefined }[] = []
  private syncedCount = 0

  constructor(private readonly encode: (r: R) => Uint8Array) {}

  get frameCount(): number {
    return this.frames.length
  }

  get unsyncedCount(): number {
    return this.frames.length - this.syncedCount
  }

  /** Appends one frame; it is lost on a crash unless a sync completes first. */
  append(record: R): void {
    this.frames.push({ record, damaged: undefined })
  }

  /** The simulated fsync has completed: everything appended so far is durable. */
  sync(): void {
    this.syncedCount = this.frames.length
  }

  /** Power cut: decides what of the unsynced tail reached the platter. */
  crash(prng: Prng, weather: DiskWeather): CrashReport {
    const unsynced = this.frames.length - this.syncedCount
    if (unsynced === 0) return { framesLost: 0, damage: 'none' }
    const kept = prng.int(unsynced + 1)
    const survivors = this.frames.slice(0, this.syncedCount + kept)
    const next = this.frames[this.syncedCount + kept]
    let damage: CrashReport['damage'] = 'none'
    if (next !== undefined && prng.chance(weather.tornWriteP)) {
      const bytes = frameOf(this.encode(next.record))
      survivors.push({ record: next.record, damaged: bytes.slice(0, prng.int(bytes.length)) })
      damage = 'torn'
    } else if (next !== undefined && prng.chance(weather.corruptP)) {
      const bytes = frameOf(this.encode(next.record))
      const at = prng.int(bytes.length)
      bytes[at] = (bytes[at] as number) ^ (1 << prng.int(8))
      survivors.push({ record: next.record, damaged: bytes })
      damage = 'corrupt'
    }
    this.frames = survivors
    return { framesLost: unsynced - kept, damage }
  }

  /**
   * Reads the file back after a restart: returns every intact record in order and truncates the
   * file at the first frame whose length or checksum is wrong.
   */
  recover(): R[] {
    const records: R[] = []
    let good = 0
    for (const frame of this.frames) {
      if (frame.damaged !== undefined && checkFrame(frame.damaged) === undefined) break
      records.push(frame.record)
      good++
    }
    assert(good >= this.syncedCount, 'recovery must never lose a synced frame')
    this.frames = this.frames.slice(0, good)
    this.syncedCount = good
    return records
  }
}

/** Length (4 bytes), CRC-32C of the payload (4 bytes), payload. */
export function frameOf(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER_BYTES + payload.length)
  const view = new DataView(frame.buffer)
  view.setUint32(0, payload.length)
  view.setUint32(4, crc32c(payload))
  frame.set(payload, HEADER_BYTES)
  return frame
}

/** The payload of an intact frame, or undefined if it is short or fails its checksum. */
export function checkFrame(frame: Uint8Array): Uint8Array | undefined {
  if (frame.length < HEADER_BYTES) return undefined
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const length = view.getUint32(0)
  if (length !== frame.length - HEADER_BYTES) return undefined
  const payload = frame.subarray(HEADER_BYTES)
  if (crc32c(payload) !== view.getUint32(4)) return undefined
  return payload
}
