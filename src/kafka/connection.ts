/**
 * One client connection: frames in, responses out in request order, with bounded memory.
 *
 * Invariants (see README.md):
 * - responses leave in the order their requests arrived, whatever order handlers finish in;
 * - at most `inflightMax` requests are dispatched and unanswered; beyond that, frames stay as
 *   bytes in the decoder and the socket is paused;
 * - reading pauses while the socket holds more than `writeBufferBytesMax` unsent bytes;
 * - a bad frame or a fatal request error closes this connection only, logged once.
 */
import { limits } from '../config/limits.js'
import type { Logger } from '../io/log.js'
import type { NetSocket } from '../io/net.js'
import { FrameDecoder, FrameError } from './frame.js'

/** Thrown by a dispatcher when the request cannot be answered and the connection must close. */
export class FatalRequestError extends Error {
  override readonly name = 'FatalRequestError'
}

/** Answers one request frame (without its size prefix) with a whole response frame, or null. */
export type Dispatch = (frame: Uint8Array) => Promise<Uint8Array | null>

export interface ConnectionOptions {
  inflightMax?: number
  writeBufferBytesMax?: number
  frameBytesMax?: number
}

interface Slot {
  done: boolean
  response: Uint8Array | null
}

export class Connection {
  private readonly decoder: FrameDecoder
  private readonly slots: Slot[] = []
  private readonly inflightMax: number
  private readonly writeBufferBytesMax: number
  private closed = false
  private paused = false

  constructor(
    private readonly socket: NetSocket,
    private readonly dispatch: Dispatch,
    private readonly log: Logger,
    options: ConnectionOptions = {},
  ) {
    this.inflightMax = options.inflightMax ?? limits.inflightRequestsPerConnectionMax
    this.writeBufferBytesMax = options.writeBufferBytesMax ?? limits.connectionWriteBufferBytesMax
    this.decoder = new FrameDecoder(options.frameBytesMax ?? limits.frameBytesMax)
    socket.onData((chunk) => {
      this.decoder.push(chunk)
      this.pump()
    })
    socket.onDrain(() => this.pump())
    socket.onClose(() => {
      if (!this.closed && this.decoder.bufferedBytes > 0) {
        this.log.warn('connection.closed_mid_frame', {
          remote: socket.remote,
          reason: `${this.decoder.bufferedBytes} bytes of an unfinished frame`,
        })
      }
      this.closed = true
    })
  }

  get inflight(): number {
    return this.slots.length
  }

  private fail(event: string, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.log.warn(event, { remote: this.socket.remote, reason })
    this.socket.destroy()
  }

  /** Dispatches whole frames while limits allow, then sets the socket's read state. */
  private pump(): void {
    while (!this.closed && this.slots.length < this.inflightMax) {
      let frame: Uint8Array | undefined
      try {
        frame = this.decoder.next()
      } catch (e) {
        if (!(e instanceof FrameError)) throw e
        this.fail('connection.bad_frame', e.message)
        return
      }
      if (frame === undefined) break
      this.start(frame)
    }
    this.updateReading()
  }

  private start(frame: Uint8Array): void {
    const slot: Slot = { done: false, response: null }
    this.slots.push(slot)
    this.dispatch(frame).then(
      (response) => {
        slot.done = true
        slot.response = response
        this.flush()
      },
      (e: unknown) => {
        const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        this.fail('connection.request_failed', reason)
      },
    )
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private flush(): void {
    while (!this.closed) {
      const head = this.slots[0]
      if (head === undefined || !head.done) break
      this.slots.shift()
      if (head.response !== null) this.socket.write(head.response)
    }
    this.pump()
  }

  private updateReading(): void {
    if (this.closed) return
    const mustPause =
      this.slots.length >= this.inflightMax || this.socket.bufferedBytes > this.writeBufferBytesMax
    // Frames already buffered beyond the in-flight limit also count: stop reading more bytes.
    const backlog = this.decoder.bufferedBytes > limits.frameBytesMax
    if ((mustPause || backlog) && !this.paused) {
      this.paused = true
      this.socket.pause()
    } else if (!mustPause && !backlog && this.paused) {
      this.paused = false
      this.socket.resume()
    }
  }
}
