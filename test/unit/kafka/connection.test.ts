import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Connection, FatalRequestError } from '../../../src/kafka/connection.js'
import type { Logger } from '../../../src/io/log.js'
import type { NetSocket } from '../../../src/io/net.js'

/** A socket under the test's control: what was written, whether reading is paused. */
class FakeSocket implements NetSocket {
  readonly remote = 'test:1'
  written: Uint8Array[] = []
  bufferedBytes = 0
  paused = false
  destroyed = false
  private data: (c: Uint8Array) => void = () => {}
  private drain: () => void = () => {}
  private close: () => void = () => {}
  write(b: Uint8Array): void {
    this.written.push(b)
  }
  pause(): void {
    this.paused = true
  }
  resume(): void {
    this.paused = false
  }
  end(): void {}
  destroy(): void {
    this.destroyed = true
    this.close()
  }
  onData(cb: (c: Uint8Array) => void): void {
    this.data = cb
  }
  onDrain(cb: () => void): void {
    this.drain = cb
  }
  onClose(cb: () => void): void {
    this.close = cb
  }
  feed(b: Uint8Array): void {
    this.data(b)
  }
  drained(): void {
    this.bufferedBytes = 0
    this.drain()
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const rec = (e: string) => lines.push(e)
  return { lines, info: rec, warn: rec, error: rec }
}

/** A request frame whose body is one byte: its id, used as the "response". */
function req(id: number): Uint8Array {
  const b = new Uint8Array(4 + 10)
  new DataView(b.buffer).setInt32(0, 10)
  b[4] = id
  return b
}

const tick = () => new Promise((r) => setImmediate(r))

test('responses leave in request order when handlers finish out of order', async () => {
  const sock = new FakeSocket()
  const resolvers = new Map<number, (v: Uint8Array) => void>()
  new Connection(
    sock,
    (frame) => new Promise((resolve) => resolvers.set(frame[0] ?? -1, resolve)),
    recordingLogger(),
  )
  sock.feed(Buffer.concat([req(1), req(2), req(3)]))
  await tick()
  assert.equal(resolvers.size, 3, 'all three dispatched (pipelined)')
  resolvers.get(3)?.(Uint8Array.of(3))
  resolvers.get(2)?.(Uint8Array.of(2))
  await tick()
  assert.deepEqual(sock.written, [], 'nothing written while the first is pending')
  resolvers.get(1)?.(Uint8Array.of(1))
  await tick()
  assert.deepEqual(
    sock.written.map((b) => b[0]),
    [1, 2, 3],
  )
})

test('a request with no response (acks=0) does not hold up the ones after it', async () => {
  const sock = new FakeSocket()
  new Connection(
    sock,
    async (frame) => (frame[0] === 1 ? null : Uint8Array.of(frame[0] ?? 0)),
    recordingLogger(),
  )
  sock.feed(Buffer.concat([req(1), req(2)]))
  await tick()
  assert.deepEqual(
    sock.written.map((b) => b[0]),
    [2],
  )
})

test('reading pauses at the in-flight limit and resumes as answers leave', async () => {
  const sock = new FakeSocket()
  const pending: ((v: Uint8Array) => void)[] = []
  let dispatched = 0
  new Connection(
    sock,
    () => {
      dispatched++
      return new Promise((resolve) => pending.push(resolve))
    },
    recordingLogger(),
    { inflightMax: 2 },
  )
  sock.feed(Buffer.concat([req(1), req(2), req(3), req(4)]))
  await tick()
  assert.equal(dispatched, 2, 'only two dispatched')
  assert.equal(sock.paused, true)
  pending.shift()?.(Uint8Array.of(1))
  await tick()
  assert.equal(dispatched, 3, 'the third starts once the first is answered')
  pending.shift()?.(Uint8Array.of(2))
  pending.shift()?.(Uint8Array.of(3))
  await tick()
  assert.equal(dispatched, 4)
  pending.shift()?.(Uint8Array.of(4))
  await tick()
  assert.equal(sock.paused, false)
  assert.deepEqual(
    sock.written.map((b) => b[0]),
    [1, 2, 3, 4],
  )
})

test('reading pauses while the socket holds too many unsent bytes', async () => {
  const sock = new FakeSocket()
  new Connection(sock, async () => new Uint8Array(100), recordingLogger(), { writeBufferBytesMax: 150 })
  sock.bufferedBytes = 200
  sock.feed(req(1))
  await tick()
  assert.equal(sock.paused, true, 'a slow reader stops us reading')
  sock.drained()
  assert.equal(sock.paused, false)
})

test('a bad frame closes only this connection, logged once', async () => {
  const sock = new FakeSocket()
  const log = recordingLogger()
  new Connection(sock, async () => new Uint8Array(1), log, { frameBytesMax: 1000 })
  sock.feed(Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 1, 2, 3))
  sock.feed(Uint8Array.of(4, 5, 6))
  await tick()
  assert.equal(sock.destroyed, true)
  assert.deepEqual(log.lines, ['connection.bad_frame'])
})

test('a fatal request error closes the connection without answering', async () => {
  const sock = new FakeSocket()
  const log = recordingLogger()
  new Connection(
    sock,
    async () => {
      throw new FatalRequestError('unknown api key 999')
    },
    log,
  )
  sock.feed(req(1))
  await tick()
  assert.equal(sock.destroyed, true)
  assert.deepEqual(sock.written, [])
  assert.deepEqual(log.lines, ['connection.request_failed'])
})
