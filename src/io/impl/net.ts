/** Node's net module behind io/net.ts. */
import { createServer, type Server, type Socket } from 'node:net'
import type { NetServer, NetSocket } from '../net.js'

class NodeSocket implements NetSocket {
  readonly remote: string

  constructor(private readonly s: Socket) {
    this.remote = `${s.remoteAddress ?? '?'}:${s.remotePort ?? 0}`
    s.setNoDelay(true)
    // Errors surface as 'close'; without a listener Node would throw them.
    s.on('error', () => {})
  }

  write(bytes: Uint8Array): void {
    if (!this.s.destroyed) this.s.write(bytes)
  }

  get bufferedBytes(): number {
    return this.s.writableLength
  }

  pause(): void {
    this.s.pause()
  }

  resume(): void {
    this.s.resume()
  }

  end(): void {
    this.s.end()
  }

  destroy(): void {
    this.s.destroy()
  }

  onData(cb: (chunk: Uint8Array) => void): void {
    this.s.on('data', cb)
  }

  onDrain(cb: () => void): void {
    this.s.on('drain', cb)
  }

  onClose(cb: () => void): void {
    this.s.on('close', cb)
  }
}

export class NodeNetServer implements NetServer {
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private handler: (socket: NetSocket) => void = (s) => s.destroy()

  constructor() {
    this.server = createServer((s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
      this.handler(new NodeSocket(s))
    })
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        const addr = this.server.address()
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port)
      })
    })
  }

  onConnection(cb: (socket: NetSocket) => void): void {
    this.handler = cb
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
    })
  }
}
