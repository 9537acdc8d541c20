/**
 * One TCP connection to one broker: ApiVersions negotiation on open, then pipelined requests
 * matched to responses by correlation id. Invariants:
 * - every request promise settles exactly once: with its response, a timeout, or the socket's end;
 * - a response frame larger than limits.frameBytesMax closes the connection before any allocation;
 * - a timed-out request closes the connection (as Kafka's Java client does), because the broker's
 *   later answer would otherwise be the only thing telling us what happened to it;
 * - after close nothing is written and every waiter has been rejected.
 */
import { connect, type Socket } from 'node:net'
import { limits } from '../config/limits.js'
import { CodecError } from '../protocol/codec-error.js'
import type { Encodable } from '../protocol/kafka/codec.js'
import type { ApiVersionsResponse } from '../protocol/kafka/generated/api-versions.js'
import { ErrorCode } from '../protocol/kafka/generated/errors.js'
import {
  ApiKey,
  apiByKey,
  type RequestByApiKey,
  type ResponseByApiKey,
} from '../protocol/kafka/generated/index.js'
import { encodeRequestHeader } from '../protocol/kafka/generated/request-header.js'
import { decodeResponseHeader } from '../protocol/kafka/generated/response-header.js'
import { requestHeaderVersion, responseHeaderVersion } from '../protocol/kafka/headers.js'
import { Reader } from '../protocol/primitives/reader.js'
import { Writer } from '../protocol/primitives/writer.js'
import { ClosedError, ConnectionError, PetrelError, TimeoutError } from './errors.js'
import { clientVersions, pickVersion } from './versions.js'

export type ApiKeyNumber = keyof RequestByApiKey & keyof ResponseByApiKey

export interface ConnectionOptions {
  readonly host: string
  readonly port: number
  readonly clientId: string
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
}

interface Waiter {
  readonly apiKey: number
  readonly version: number
  readonly resolve: (body: unknown) => void
  readonly reject: (e: Error) => void
  readonly timer: NodeJS.Timeout
}

export class BrokerConnection {
  private socket: Socket | null = null
  private readonly waiters = new Map<number, Waiter>()
  private nextCorrelationId = 1
  private chunks: Buffer[] = []
  private bufferedBytes = 0
  private readonly versions = new Map<number, number>()
  private closedError: PetrelError | null = null
  private readonly writer = new Writer(4096)

  private constructor(readonly options: ConnectionOptions) {}

  /** Opens the socket and negotiates versions; rejects with ConnectionError or TimeoutError. */
  static async open(options: ConnectionOptions): Promise<BrokerConnection> {
    const c = new BrokerConnection(options)
    await c.connectSocket()
    try {
      await c.negotiate()
    } catch (e) {
      c.close(e instanceof PetrelError ? e : new ConnectionError(`ApiVersions failed: ${String(e)}`, e))
      throw e
    }
    return c
  }

  get isOpen(): boolean {
    return this.closedError === null
  }

  get inFlight(): number {
    return this.waiters.size
  }

  /** The negotiated version for an API, or null when the broker and we share none. */
  version(apiKey: number): number | null {
    return this.versions.get(apiKey) ?? null
  }

  /**
   * Sends one request at the negotiated version (or `version` when given) and resolves with the
   * decoded response. With `noResponse` (Produce acks=0) it resolves once written, with null.
   */
  request<K extends ApiKeyNumber>(
    apiKey: K,
    body: Encodable<RequestByApiKey[K]>,
    opts: { timeoutMs?: number; version?: number; noResponse?: boolean } = {},
  ): Promise<ResponseByApiKey[K]> {
    if (this.closedError !== null) return Promise.reject(this.closedError)
    const version = opts.version ?? this.version(apiKey)
    const api = apiByKey.get(apiKey)
    if (version === null || api === undefined) {
      return Promise.reject(
        new PetrelError(
          'UNSUPPORTED_VERSION',
          `broker ${this.address} serves no version of api ${apiKey} this client speaks`,
          false,
        ),
      )
    }
    const correlationId = this.nextCorrelationId
    this.nextCorrelationId = this.nextCorrelationId >= 0x7fffffff ? 1 : this.nextCorrelationId + 1
    const frame = this.encode(apiKey, version, correlationId, body)
    const socket = this.socket
    if (socket === null) return Promise.reject(new ConnectionError(`not connected to ${this.address}`))
    if (opts.noResponse === true) {
      socket.write(frame)
      return Promise.resolve(null as unknown as ResponseByApiKey[K])
    }
    return new Promise<ResponseByApiKey[K]>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.options.requestTimeoutMs
      const timer = setTimeout(() => {
        this.close(new TimeoutError(`${api.name} to ${this.address} got no answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.set(correlationId, {
        apiKey,
        version,
        resolve: resolve as (b: unknown) => void,
        reject,
        timer,
      })
      socket.write(frame)
    })
  }

  /** Closes the socket; every waiting request is rejected with `reason`. Idempotent. */
  close(reason: PetrelError = new ClosedError(`connection to ${this.address}`)): void {
    if (this.closedError !== null) return
    this.closedError = reason
    this.socket?.destroy()
    this.socket = null
    const waiting = [...this.waiters.values()]
    this.waiters.clear()
    for (const w of waiting) {
      clearTimeout(w.timer)
      w.reject(reason)
    }
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`
  }

  private encode(apiKey: number, version: number, correlationId: number, body: unknown): Buffer {
    const api = apiByKey.get(apiKey)
    if (api === undefined) throw new CodecError('UNSUPPORTED_VERSION', `unknown api ${apiKey}`)
    const w = this.writer
    w.reset()
    w.int32(0)
    encodeRequestHeader(w, requestHeaderVersion(apiKey, version), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.options.clientId,
    })
    api.encodeRequest(w, version, body)
    const bytes = w.finish()
    // A copy: the writer is reused for the next request while the socket may still hold this one.
    const out = Buffer.from(bytes)
    out.writeInt32BE(out.length - 4, 0)
    return out
  }

  private connectSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port, noDelay: true })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(
          new TimeoutError(`connecting to ${this.address} took over ${this.options.connectTimeoutMs} ms`),
        )
      }, this.options.connectTimeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        this.socket = socket
        socket.on('data', (chunk: Buffer) => this.onData(chunk))
        socket.on('close', () => this.close(new ConnectionError(`connection to ${this.address} closed`)))
        resolve()
      })
      socket.on('error', (e) => {
        clearTimeout(timer)
        const err = new ConnectionError(`connection to ${this.address} failed: ${e.message}`, e)
        if (this.socket === null) reject(err)
        else this.close(err)
      })
    })
  }

  private async negotiate(): Promise<void> {
    let res: ApiVersionsResponse
    try {
      res = await this.request(
        ApiKey.ApiVersions,
        { clientSoftwareName: 'petrel', clientSoftwareVersion: '0.1.0' },
        { version: 3 },
      )
    } catch (e) {
      if (!(e instanceof PetrelError) || e.code !== 'PROTOCOL') throw e
      res = await this.request(ApiKey.ApiVersions, {}, { version: 0 })
    }
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      res = await this.request(ApiKey.ApiVersions, {}, { version: 0 })
    }
    if (res.errorCode !== ErrorCode.NONE) {
      throw new PetrelError(
        'PROTOCOL',
        `ApiVersions to ${this.address} answered error ${res.errorCode}`,
        false,
      )
    }
    for (const theirs of res.apiKeys) {
      const ours = clientVersions.get(theirs.apiKey)
      if (ours === undefined) continue
      const v = pickVersion(ours, { min: theirs.minVersion, max: theirs.maxVersion })
      if (v !== null) this.versions.set(theirs.apiKey, v)
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bufferedBytes += chunk.length
    // Bounded: each pass consumes one whole frame or stops.
    while (this.bufferedBytes >= 4 && this.closedError === null) {
      const head = this.chunks[0] as Buffer
      const size = head.length >= 4 ? head.readInt32BE(0) : Buffer.concat(this.chunks).readInt32BE(0)
      if (size < 4 || size > limits.frameBytesMax) {
        this.close(new PetrelError('PROTOCOL', `response frame of ${size} bytes from ${this.address}`, false))
        return
      }
      if (this.bufferedBytes < 4 + size) return
      const all = this.chunks.length === 1 ? head : Buffer.concat(this.chunks)
      const frame = all.subarray(4, 4 + size)
      const rest = all.subarray(4 + size)
      this.chunks = rest.length > 0 ? [rest] : []
      this.bufferedBytes = rest.length
      this.onFrame(frame)
    }
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) return
    const correlationId = frame.readInt32BE(0)
    const w = this.waiters.get(correlationId)
    if (w === undefined) {
      this.close(
        new PetrelError(
          'PROTOCOL',
          `response with unknown correlation id ${correlationId} from ${this.address}`,
          false,
        ),
      )
      return
    }
    this.waiters.delete(correlationId)
    clearTimeout(w.timer)
    try {
      const r = new Reader(frame)
      decodeResponseHeader(r, responseHeaderVersion(w.apiKey, w.version))
      const api = apiByKey.get(w.apiKey)
      if (api === undefined) throw new CodecError('UNSUPPORTED_VERSION', `api ${w.apiKey}`)
      w.resolve(api.decodeResponse(r, w.version))
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e)
      w.reject(
        new PetrelError(
          'PROTOCOL',
          `undecodable response to api ${w.apiKey} v${w.version} from ${this.address}: ${why}`,
          false,
          { cause: e },
        ),
      )
    }
  }
}
