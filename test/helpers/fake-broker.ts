/**
 * A scripted Kafka broker built from our codec, for client error-path tests: each request is
 * decoded and handed to the test's handler, which returns a response body (missing fields take
 * their defaults) or 'drop' to never answer. ApiVersions is answered from the client's own table
 * unless the handler answers it.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { clientVersions } from '../../src/client/versions.js'
import { ApiKey } from '../../src/protocol/kafka/generated/index.js'
import { decodeRequestFrame, writeResponseFrame } from '../../src/protocol/kafka/frame.js'
import { Writer } from '../../src/protocol/primitives/writer.js'

export interface FakeRequest {
  apiKey: number
  version: number
  body: unknown
}

export type FakeHandler = (req: FakeRequest) => unknown | 'drop' | undefined

export class FakeBroker {
  readonly requests: FakeRequest[] = []
  private readonly sockets = new Set<Socket>()
  handler: FakeHandler = () => undefined

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(handler?: FakeHandler): Promise<FakeBroker> {
    let self: FakeBroker | null = null
    const server = createServer((socket) => self?.accept(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    self = new FakeBroker(server, address.port)
    if (handler) self.handler = handler
    return self
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`
  }

  count(apiKey: number): number {
    return this.requests.filter((r) => r.apiKey === apiKey).length
  }

  /** A Metadata answer with this broker as node 0 leading every partition. */
  metadata(topics: Record<string, number | { errorCode: number }>): unknown {
    return {
      brokers: [{ nodeId: 0, host: '127.0.0.1', port: this.port, rack: null }],
      clusterId: 'fake',
      controllerId: 0,
      topics: Object.entries(topics).map(([name, t]) =>
        typeof t === 'number'
          ? {
              name,
              errorCode: 0,
              partitions: Array.from({ length: t }, (_, i) => ({
                partitionIndex: i,
                leaderId: 0,
                replicaNodes: [0],
                isrNodes: [0],
              })),
            }
          : { name, errorCode: t.errorCode, partitions: [] },
      ),
    }
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => undefined)
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        this.answer(socket, frame)
      }
    })
  }

  private answer(socket: Socket, frame: Uint8Array): void {
    const req = decodeRequestFrame(frame)
    const r: FakeRequest = {
      apiKey: req.header.requestApiKey,
      version: req.header.requestApiVersion,
      body: req.body,
    }
    this.requests.push(r)
    let res = this.handler(r)
    if (res === 'drop') return
    if (res === undefined && r.apiKey === ApiKey.ApiVersions) {
      res = {
        apiKeys: [...clientVersions].map(([apiKey, v]) => ({ apiKey, minVersion: v.min, maxVersion: v.max })),
      }
    }
    if (res === undefined) throw new Error(`fake broker: no answer scripted for api ${r.apiKey}`)
    const w = new Writer(256)
    writeResponseFrame(
      w,
      { apiKey: r.apiKey, apiVersion: r.version, correlationId: req.header.correlationId },
      res,
    )
    socket.write(Buffer.from(w.finish()))
  }

  /** Closes every client connection (the listener stays). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy()
  }

  async stop(): Promise<void> {
    this.dropConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
