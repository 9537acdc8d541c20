import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FrameDecoder, FrameError } from '../../../src/kafka/frame.js'
import { createPrng } from '../../../src/lib/prng.js'

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length)
  new DataView(out.buffer).setInt32(0, body.length)
  out.set(body, 4)
  return out
}

function randomBody(prng: ReturnType<typeof createPrng>): Uint8Array {
  const body = new Uint8Array(prng.range(10, 300))
  for (let i = 0; i < body.length; i++) body[i] = prng.int(256)
  return body
}

test('any split of the bytes yields the same frames in order', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const prng = createPrng(seed)
    const bodies = Array.from({ length: prng.range(1, 20) }, () => randomBody(prng))
    const stream = Buffer.concat(bodies.map(frame))
    const decoder = new FrameDecoder(1 << 20)
    const got: Uint8Array[] = []
    let at = 0
    while (at < stream.length) {
      // Chunks from one byte to a few frames long, including empty ones.
      const n = prng.chance(0.1) ? 0 : prng.range(1, 400)
      decoder.push(stream.subarray(at, at + n))
      at += n
      for (let f = decoder.next(); f !== undefined; f = decoder.next()) got.push(Uint8Array.from(f))
    }
    assert.equal(got.length, bodies.length, `seed ${seed}: frame count`)
    for (const [i, f] of got.entries()) assert.deepEqual(f, bodies[i], `seed ${seed}: frame ${i}`)
    assert.equal(decoder.bufferedBytes, 0, `seed ${seed}: nothing left over`)
  }
})

test('a frame is not handed out until all of it has arrived', () => {
  const decoder = new FrameDecoder(1 << 20)
  const f = frame(new Uint8Array(50).fill(7))
  decoder.push(f.subarray(0, 53))
  assert.equal(decoder.next(), undefined)
  decoder.push(f.subarray(53))
  assert.deepEqual(decoder.next(), new Uint8Array(50).fill(7))
})

test('a length beyond the limit, negative or too small is refused before any allocation', () => {
  for (const size of [0x7fffffff, 1 << 21, -1, -0x80000000, 0, 9]) {
    const decoder = new FrameDecoder(1 << 20)
    const prefix = new Uint8Array(4)
    new DataView(prefix.buffer).setInt32(0, size)
    decoder.push(prefix)
    assert.throws(() => decoder.next(), FrameError, `size ${size}`)
  }
})
