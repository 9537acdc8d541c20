/**
 * Incremental framing of size-prefixed Kafka requests. Bytes arrive split anywhere; a frame is
 * handed out only when whole. The size is checked against limits before any frame buffer exists,
 * so a 2 GiB prefix costs nothing but the error.
 */
import { limits } from '../config/limits.js'

export class FrameError extends Error {
  override readonly name = 'FrameError'
}

/** The smallest request: api key, version, correlation id and a null client id. */
const FRAME_BYTES_MIN = 10

export class FrameDecoder {
  private chunks: Uint8Array[] = []
  private buffered = 0

  constructor(private readonly frameBytesMax: number = limits.frameBytesMax) {}

  get bufferedBytes(): number {
    return this.buffered
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return
    this.chunks.push(chunk)
    this.buffered += chunk.byteLength
  }

  /** The size of the next frame if its prefix has arrived; throws FrameError if out of bounds. */
  private peekSize(): number | undefined {
    if (this.buffered < 4) return undefined
    const head = this.take(4, false)
    const size = new DataView(head.buffer, head.byteOffset, 4).getInt32(0)
    if (size < FRAME_BYTES_MIN || size > this.frameBytesMax) {
      throw new FrameError(`frame size ${size} is outside [${FRAME_BYTES_MIN}, ${this.frameBytesMax}]`)
    }
    return size
  }

  /** The next whole frame without its size prefix, or undefined if it has not all arrived. */
  next(): Uint8Array | undefined {
    const size = this.peekSize()
    if (size === undefined || this.buffered < 4 + size) return undefined
    this.take(4, true)
    return this.take(size, true)
  }

  /** Copies (or, when one chunk holds it, views) the first n bytes; consumes them if asked. */
  private take(n: number, consume: boolean): Uint8Array {
    const first = this.chunks[0]
    if (first !== undefined && first.byteLength >= n) {
      const out = first.subarray(0, n)
      if (consume) this.drop(n)
      return out
    }
    const out = new Uint8Array(n)
    let filled = 0
    for (const c of this.chunks) {
      if (filled === n) break
      const part = c.subarray(0, Math.min(c.byteLength, n - filled))
      out.set(part, filled)
      filled += part.byteLength
    }
    if (consume) this.drop(n)
    return out
  }

  private drop(n: number): void {
    let left = n
    while (left > 0) {
      const c = this.chunks[0]
      if (c === undefined) break
      if (c.byteLength <= left) {
        this.chunks.shift()
        left -= c.byteLength
      } else {
        this.chunks[0] = c.subarray(left)
        left = 0
      }
    }
    this.buffered -= n
  }
}
