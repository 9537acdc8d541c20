/**
 * The network as the front doors see it: a listening server and byte-stream sockets with explicit
 * flow control. Node's implementation is in io/impl/net.ts; tests can hand in their own.
 */
export interface NetSocket {
  readonly remote: string
  /** Queues bytes for sending. Never blocks; watch `bufferedBytes` for backpressure. */
  write(bytes: Uint8Array): void
  /** Bytes queued but not yet handed to the kernel. */
  readonly bufferedBytes: number
  pause(): void
  resume(): void
  /** Sends what is queued, then closes. */
  end(): void
  /** Closes at once, dropping what is queued. */
  destroy(): void
  onData(cb: (chunk: Uint8Array) => void): void
  onDrain(cb: () => void): void
  onClose(cb: () => void): void
}

export interface NetServer {
  /** Resolves with the bound port (useful when asked for port 0). */
  listen(host: string, port: number): Promise<number>
  onConnection(cb: (socket: NetSocket) => void): void
  /** Stops accepting, destroys open sockets, resolves when closed. */
  close(): Promise<void>
}
