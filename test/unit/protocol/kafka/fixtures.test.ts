/**
 * Acceptance: byte-exact fixtures. Each file in test/fixtures/kafka/ spells out frames field by
 * field, in the order and wire types of the layouts at https://kafka.apache.org/protocol.html,
 * with the value each field carries. A tiny assembler here (independent of the codec) turns the
 * lines into bytes; the codec must decode them to the expected values, consume every byte, and
 * encode the expected values back to exactly those bytes.
 *
 * Line forms: `i8|i16|i32|i64|u16|u32|f64|uv N`, `bool true|false`, `uuid <canonical>`,
 * `str|cstr "text"|null` (int16 / unsigned-varint+1 length), `bytes|cbytes <hex>|.|null`,
 * `arr|carr N|null` (int32 / unsigned-varint+1 count), `hex <bytes>`. `#` starts a comment.
 * A case starts with `== request|response|request-header|response-header vN` and one `expect {json}`
 * line; in the JSON "123n" is an int64 and {"$hex": "…"} a bytes value. Fields left out of the
 * JSON must hold their defaults.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { decodeMessage, encodeMessage } from '../../../../src/protocol/kafka/codec.js'
import { apis, headers } from '../../../../src/protocol/kafka/generated/index.js'
import type { MessageSchema } from '../../../../src/protocol/kafka/schema.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'
import { repoRoot } from '../../../helpers/repo.js'

interface Case {
  readonly file: string
  readonly line: number
  readonly side: string
  readonly version: number
  readonly expect: unknown
  readonly bytes: Uint8Array
}

function uvarint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 128) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}

function fixed(n: number, write: (b: Buffer) => void): number[] {
  const b = Buffer.alloc(n)
  write(b)
  return [...b]
}

function quoted(arg: string, where: string): string | null {
  if (arg === 'null') return null
  const m = /^"(.*)"$/.exec(arg)
  if (m === null) throw new Error(`${where}: expected "text" or null, got ${arg}`)
  return JSON.parse(`"${m[1]}"`) as string
}

function hexArg(arg: string): Buffer | null {
  if (arg === 'null') return null
  if (arg === '.') return Buffer.alloc(0)
  return Buffer.from(arg.replace(/\s+/g, ''), 'hex')
}

/** One fixture line to bytes. */
function assemble(op: string, arg: string, where: string): number[] {
  switch (op) {
    case 'i8':
      return fixed(1, (b) => b.writeInt8(Number(arg)))
    case 'i16':
      return fixed(2, (b) => b.writeInt16BE(Number(arg)))
    case 'u16':
      return fixed(2, (b) => b.writeUInt16BE(Number(arg)))
    case 'i32':
      return fixed(4, (b) => b.writeInt32BE(Number(arg)))
    case 'u32':
      return fixed(4, (b) => b.writeUInt32BE(Number(arg)))
    case 'i64':
      return fixed(8, (b) => b.writeBigInt64BE(BigInt(arg)))
    case 'f64':
      return fixed(8, (b) => b.writeDoubleBE(Number(arg)))
    case 'bool':
      if (arg !== 'true' && arg !== 'false') throw new Error(`${where}: bool ${arg}`)
      return [arg === 'true' ? 1 : 0]
    case 'uv':
      return uvarint(Number(arg))
    case 'uuid':
      return [...Buffer.from(arg.replace(/-/g, ''), 'hex')]
    case 'hex':
      return [...(hexArg(arg) as Buffer)]
    case 'str': {
      const s = quoted(arg, where)
      if (s === null) return [0xff, 0xff]
      const b = Buffer.from(s, 'utf8')
      return [...fixed(2, (x) => x.writeInt16BE(b.length)), ...b]
    }
    case 'cstr': {
      const s = quoted(arg, where)
      if (s === null) return [0]
      const b = Buffer.from(s, 'utf8')
      return [...uvarint(b.length + 1), ...b]
    }
    case 'bytes': {
      const b = hexArg(arg)
      if (b === null) return [0xff, 0xff, 0xff, 0xff]
      return [...fixed(4, (x) => x.writeInt32BE(b.length)), ...b]
    }
    case 'cbytes': {
      const b = hexArg(arg)
      if (b === null) return [0]
      return [...uvarint(b.length + 1), ...b]
    }
    case 'arr':
      return arg === 'null' ? [0xff, 0xff, 0xff, 0xff] : fixed(4, (b) => b.writeInt32BE(Number(arg)))
    case 'carr':
      return arg === 'null' ? [0] : uvarint(Number(arg) + 1)
    default:
      throw new Error(`${where}: unknown line kind '${op}'`)
  }
}

function revive(_key: string, v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+n$/.test(v)) return BigInt(v.slice(0, -1))
  if (v !== null && typeof v === 'object' && '$hex' in v) {
    return Uint8Array.from(Buffer.from((v as { $hex: string }).$hex, 'hex'))
  }
  return v
}

function parseFixture(file: string, text: string): Case[] {
  const cases: Case[] = []
  let current: { line: number; side: string; version: number; expect: unknown; bytes: number[] } | undefined
  const flush = (): void => {
    if (current === undefined) return
    if (current.expect === undefined) throw new Error(`${file}:${current.line}: case has no expect line`)
    cases.push({ file, ...current, bytes: Uint8Array.from(current.bytes) })
  }
  text.split('\n').forEach((raw, i) => {
    const where = `${file}:${i + 1}`
    if (raw.trimStart().startsWith('expect ')) {
      if (current === undefined) throw new Error(`${where}: expect outside a case`)
      current.expect = JSON.parse(raw.trimStart().slice(7), revive)
      return
    }
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') return
    const head = /^== (request|response|request-header|response-header) v(\d+)$/.exec(line)
    if (head !== null) {
      flush()
      current = {
        line: i + 1,
        side: head[1] as string,
        version: Number(head[2]),
        expect: undefined,
        bytes: [],
      }
      return
    }
    if (current === undefined) throw new Error(`${where}: a field line before the first case`)
    const sp = line.indexOf(' ')
    const op = sp < 0 ? line : line.slice(0, sp)
    current.bytes.push(...assemble(op, sp < 0 ? '' : line.slice(sp + 1).trim(), where))
  })
  flush()
  return cases
}

/** Every key in `expected` matches `actual` (recursively); other keys are not compared. */
function assertPartial(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is an array`)
    assert.equal(actual.length, expected.length, `${path}.length`)
    expected.forEach((e, i) => {
      assertPartial(actual[i], e, `${path}[${i}]`)
    })
  } else if (expected !== null && typeof expected === 'object' && !(expected instanceof Uint8Array)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path} is an object`)
    for (const [k, v] of Object.entries(expected))
      assertPartial((actual as Record<string, unknown>)[k], v, `${path}.${k}`)
  } else {
    assert.deepEqual(actual, expected, path)
  }
}

function schemaFor(file: string, side: string): MessageSchema {
  if (side === 'request-header') return headers.RequestHeader
  if (side === 'response-header') return headers.ResponseHeader
  const stem = file.replace(/\.txt$/, '')
  const api = apis.find((a) => a.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() === stem)
  if (api === undefined) throw new Error(`${file}: no API named ${stem}`)
  return side === 'request' ? api.request : api.response
}

const dir = join(repoRoot(), 'test', 'fixtures', 'kafka')

test('byte-exact fixtures decode to their values and encode back to their bytes', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
  const covered: string[] = []
  let count = 0
  for (const file of files) {
    const cases = parseFixture(file, readFileSync(join(dir, file), 'utf8'))
    assert.ok(cases.length > 0, `${file} holds cases`)
    for (const c of cases) {
      const where = `${file}:${c.line} ${c.side} v${c.version}`
      const schema = schemaFor(file, c.side)
      const r = new Reader(c.bytes)
      const decoded = decodeMessage(r, schema, c.version)
      assert.equal(r.remaining(), 0, `${where}: decoder left ${r.remaining()} bytes`)
      try {
        assertPartial(decoded, c.expect, schema.name)
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`)
      }
      const w = new Writer()
      encodeMessage(w, schema, c.version, c.expect)
      assert.equal(
        Buffer.from(w.finish()).toString('hex'),
        Buffer.from(c.bytes).toString('hex'),
        `${where}: encode`,
      )
      count++
    }
    const sides = [...new Set(cases.map((c) => `${c.side} v${c.version}`))]
    covered.push(`${file.replace(/\.txt$/, '')} (${sides.join(', ')})`)
  }
  console.log(`fixtures: ${count} cases in ${files.length} files:\n  ${covered.join('\n  ')}`)
})
