/**
 * Acceptance: bounded fuzz. Valid request and response frames of every API and version are
 * mutated (bit flips, truncation, inflated length prefixes, spliced bytes, pure noise) and fed to
 * the header decoder and the body decoders. Each decode returns or throws CodecError, nothing
 * else; a counting reader asserts no length the decoder accepts exceeds the bytes that remained.
 * Replay a run with PETREL_FUZZ_SEED=<seed> (and PETREL_FUZZ_FRAMES=<n> for a longer one).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { createPrng, type Prng } from '../../../../src/lib/prng.js'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import { decodeMessage, encodeMessage } from '../../../../src/protocol/kafka/codec.js'
import { apiByKey, apis, headers } from '../../../../src/protocol/kafka/generated/index.js'
import { readRequestHeader } from '../../../../src/protocol/kafka/headers.js'
import type { MessageSchema } from '../../../../src/protocol/kafka/schema.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'
import { messageArbitrary } from './arbitrary.js'

const SEED = Number(process.env.PETREL_FUZZ_SEED ?? 0x5eed_2026)
const FRAMES = Number(process.env.PETREL_FUZZ_FRAMES ?? 100_000)

/** A reader that records the largest length it handed out relative to what remained. */
class CountingReader extends Reader {
  overrun = 0
  private note(n: number, remainingBefore: number): void {
    if (n > remainingBefore) this.overrun = Math.max(this.overrun, n - remainingBefore)
  }
  override raw(n: number): Uint8Array {
    const before = this.remaining()
    const out = super.raw(n)
    this.note(n, before)
    return out
  }
  override utf8(n: number): string {
    const before = this.remaining()
    const out = super.utf8(n)
    this.note(n, before)
    return out
  }
  override arrayLength(): number {
    const before = this.remaining()
    const n = super.arrayLength()
    this.note(n, before)
    return n
  }
  override nullableArrayLength(): number {
    const before = this.remaining()
    const n = super.nullableArrayLength()
    this.note(n, before)
    return n
  }
  override compactArrayLength(): number {
    const before = this.remaining()
    const n = super.compactArrayLength()
    this.note(n, before)
    return n
  }
  override compactNullableArrayLength(): number {
    const before = this.remaining()
    const n = super.compactNullableArrayLength()
    this.note(n, before)
    return n
  }
}

interface Seedling {
  readonly request: MessageSchema
  readonly response: MessageSchema
  readonly version: number
  /** A full request frame body (header v1/v2 + request), without the int32 size. */
  readonly requestFrame: Uint8Array
  readonly responseBody: Uint8Array
  /** Bytes of the request header at the start of requestFrame. */
  readonly headerBytes: number
}

function encode(m: MessageSchema, version: number, msg: unknown, w = new Writer(64)): Uint8Array {
  encodeMessage(w, m, version, msg)
  return w.finish()
}

function corpus(seed: number): Seedling[] {
  const out: Seedling[] = []
  for (const api of apis) {
    for (let v = api.request.validVersions[0]; v <= api.request.validVersions[1]; v++) {
      const [req] = fc.sample(messageArbitrary(api.request, v), {
        seed: seed + api.apiKey * 64 + v,
        numRuns: 1,
      })
      const [res] = fc.sample(messageArbitrary(api.response, v), {
        seed: seed + api.apiKey * 64 + v + 1,
        numRuns: 1,
      })
      const w = new Writer(64)
      const flexible = v >= api.request.flexibleVersions[0] && v <= api.request.flexibleVersions[1]
      encodeMessage(w, headers.RequestHeader, flexible ? 2 : 1, {
        requestApiKey: api.apiKey,
        requestApiVersion: v,
        correlationId: v,
        clientId: 'fuzz',
      })
      const headerBytes = w.pos
      encode(api.request, v, req, w)
      out.push({
        request: api.request,
        response: api.response,
        version: v,
        requestFrame: new Uint8Array(w.finish()),
        responseBody: new Uint8Array(encode(api.response, v, res)),
        headerBytes,
      })
    }
  }
  return out
}

function mutate(p: Prng, base: Uint8Array, other: Uint8Array): Uint8Array {
  const b = new Uint8Array(base)
  switch (p.int(6)) {
    case 0: {
      // a few bit flips
      const flips = 1 + p.int(4)
      for (let i = 0; i < flips && b.length > 0; i++) {
        const at = p.int(b.length)
        b[at] = (b[at] as number) ^ (1 << p.int(8))
      }
      return b
    }
    case 1:
      return b.subarray(0, p.int(b.length + 1)) // truncation
    case 2: {
      // an inflated int32 length prefix somewhere
      if (b.length < 4) return b
      const at = p.int(b.length - 3)
      const big = [0x7fffffff, 0x7ffffffe, 0x0001_0000, 0x00ff_ffff, -2][p.int(5)] as number
      new DataView(b.buffer).setInt32(at, big)
      return b
    }
    case 3: {
      // an inflated varint length prefix (5-byte maximum, or a run of continuation bits)
      if (b.length < 1) return b
      const at = p.int(b.length)
      const patch = p.chance(0.5) ? [0xff, 0xff, 0xff, 0xff, 0x0f] : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
      const out = new Uint8Array(b.length + patch.length - 1)
      out.set(b.subarray(0, at))
      out.set(patch, at)
      out.set(b.subarray(at + 1), at + patch.length)
      return out
    }
    case 4: {
      // splice: a prefix of this frame, then a slice of another
      const cut = p.int(b.length + 1)
      const from = p.int(other.length + 1)
      const tail = other.subarray(from, from + p.int(other.length - from + 1))
      const out = new Uint8Array(cut + tail.length)
      out.set(b.subarray(0, cut))
      out.set(tail, cut)
      return out
    }
    default: {
      // noise, with a plausible header start so that body decoders are reached
      const out = new Uint8Array(p.int(64))
      for (let i = 0; i < out.length; i++) out[i] = p.int(256)
      if (out.length >= 4 && b.length >= 4) out.set(b.subarray(0, 4))
      return out
    }
  }
}

/** Runs one decode and records anything but a value or a CodecError. */
function tryDecode(
  frame: Uint8Array,
  f: (r: CountingReader) => void,
  failures: string[],
  what: string,
): boolean {
  const r = new CountingReader(frame)
  let ok = true
  try {
    f(r)
  } catch (e) {
    ok = false
    if (!(e instanceof CodecError)) failures.push(`${what}: ${String(e)}`)
  }
  if (r.overrun > 0) failures.push(`${what}: accepted a length ${r.overrun} bytes beyond the frame`)
  return ok
}

function fuzz(): { failures: string[]; decodes: number; decoded: number; seedFrames: number } {
  const seeds = corpus(SEED)
  const p = createPrng(SEED)
  const failures: string[] = []
  let decodes = 0
  let decoded = 0
  for (let i = 0; i < FRAMES && failures.length < 5; i++) {
    const s = seeds[p.int(seeds.length)] as Seedling
    const other = seeds[p.int(seeds.length)] as Seedling
    const useResponse = p.chance(0.4)
    const base = useResponse ? s.responseBody : s.requestFrame
    const frame = mutate(p, base, p.chance(0.5) ? other.requestFrame : other.responseBody)
    const where = `frame ${i} (seed ${SEED})`
    if (useResponse) {
      if (
        tryDecode(
          frame,
          (r) => decodeMessage(r, s.response, s.version),
          failures,
          `${where} ${s.response.name}`,
        )
      ) {
        decoded++
      }
      decodes++
      continue
    }
    // The broker's path: header first, then the body its api key and version name.
    const okFrame = tryDecode(
      frame,
      (r) => {
        const h = readRequestHeader(r)
        const api = apiByKey.get(h.requestApiKey)
        if (api !== undefined) api.decodeRequest(r, h.requestApiVersion)
      },
      failures,
      `${where} request frame`,
    )
    // And the body decoder of the original api/version, straight after a well-formed header.
    const okBody = tryDecode(
      frame,
      (r) => {
        r.pos = Math.min(frame.length, s.headerBytes)
        decodeMessage(r, s.request, s.version)
      },
      failures,
      `${where} ${s.request.name}`,
    )
    decodes += 2
    decoded += (okFrame ? 1 : 0) + (okBody ? 1 : 0)
  }
  return { failures, decodes, decoded, seedFrames: seeds.length }
}

test(`fuzz: ${FRAMES} mutated frames decode or throw CodecError (seed ${SEED})`, () => {
  const started = performance.now()
  // Capturing a stack for each of ~130,000 expected CodecErrors is a quarter of the run's CPU and
  // tells this test nothing (failures are reported by frame number and seed); restored below.
  const stackTraceLimit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  let result: ReturnType<typeof fuzz>
  try {
    result = fuzz()
  } finally {
    Error.stackTraceLimit = stackTraceLimit
  }
  const { failures, decodes, decoded, seedFrames } = result
  const ms = Math.round(performance.now() - started)
  console.log(
    `fuzz: seed ${SEED}, ${FRAMES} frames, ${decodes} decodes (${decoded} returned a value, the rest threw CodecError), ${seedFrames} seed frames, ${ms} ms`,
  )
  assert.deepEqual(failures, [])
})
