/**
 * A minimal Kafka client over the generated codec, for protocol-level tests of the node: it
 * encodes one request at an exact version and decodes the answer. Requests on one client are
 * pipelined and answered in order, as the protocol requires.
 */
import { connect, type Socket } from 'node:net'
import type { Encodable } from '../../src/protocol/kafka/codec.js'
import { encodeRequestHeader } from '../../src/protocol/kafka/generated/request-header.js'
import { decodeResponseHeader } from '../../src/protocol/kafka/generated/response-header.js'
import { requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/kafka/headers.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer } from '../../src/protocol/primitives/writer.js'

export interface Api<Req, Res> {
  key: number
  encode: (w: Writer, v: number, m: Encodable<Req>) => void
  decode: (r: Reader, v: number) => Res
}

export class WireClient {
  private buf = Buffer.alloc(0)
  private correlation = 0
  private readonly waiting: ((frame: Buffer) => void)[] = []

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk])
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0)
        const frame = this.buf.subarray(4, 4 + size)
        this.buf = this.buf.subarray(4 + size)
        this.waiting.shift()?.(frame)
      }
    })
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new WireClient(s)))
      s.once('error', reject)
    })
  }

  send<Req, Res>(api: Api<Req, Res>, version: number, body: Encodable<Req>): Promise<Res> {
    const w = new Writer(256)
    w.int32(0)
    const correlationId = ++this.correlation
    encodeRequestHeader(w, requestHeaderVersion(api.key, version), {
      requestApiKey: api.key,
      requestApiVersion: version,
      correlationId,
      clientId: 'wire-test',
    })
    api.encode(w, version, body)
    const out = Buffer.from(w.finish())
    out.writeInt32BE(out.length - 4, 0)
    return new Promise((resolve) => {
      this.waiting.push((frame) => {
        const r = new Reader(frame)
        const header = decodeResponseHeader(r, responseHeaderVersion(api.key, version))
        if (header.correlationId !== correlationId) throw new Error('response out of order')
        resolve(api.decode(r, version))
      })
      this.socket.write(out)
    })
  }

  close(): void {
    this.socket.destroy()
  }
}
