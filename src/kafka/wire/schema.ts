/**
 * A small interpreter over Kafka's message schema language (versions, nullable versions, tagged
 * fields, compact encodings from the flexible version on). One decoder and one encoder serve every
 * API and version in `messages.ts`. Interim: the codec branch's generated modules replace it.
 *
 * Values: int8/int16/int32/uint16/float64 → number, int64 → bigint, bool, string → string | null,
 * bytes/records → Uint8Array | null (views into the frame), uuid → 16-byte Uint8Array,
 * struct → Message, []T → T[] | null.
 */
import { limits } from '../../config/limits.js'
import { CodecError } from '../../protocol/codec-error.js'
import { ByteReader } from './reader.js'
import { ByteWriter } from './writer.js'

export type VersionRange = readonly [number, number]

export interface FieldSchema {
  readonly n: string
  readonly t: string
  readonly v: VersionRange
  readonly nv?: VersionRange
  readonly tv?: VersionRange
  readonly tag?: number
  readonly d?: string
  readonly f?: readonly FieldSchema[]
}

export interface MessageSchema {
  readonly apiKey: number
  readonly valid: VersionRange
  /** First flexible version (99 when the API has none). */
  readonly flexible: number
  readonly fields: readonly FieldSchema[]
}

export type Message = Record<string, unknown>

function within(r: VersionRange | undefined, version: number): boolean {
  return r !== undefined && version >= r[0] && version <= r[1]
}

function isTagged(f: FieldSchema, version: number): boolean {
  return f.tag !== undefined && within(f.tv, version)
}

function defaultOf(f: FieldSchema, version: number): unknown {
  const d = f.d
  if (f.t.startsWith('[]')) return within(f.nv, version) && d === 'null' ? null : []
  switch (f.t) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'float64':
      return d === undefined ? 0 : Number(d)
    case 'int64':
      return d === undefined ? 0n : BigInt(d)
    case 'bool':
      return d === 'true'
    case 'string':
      return d === 'null' ? null : (d ?? '')
    case 'bytes':
      return within(f.nv, version) ? null : new Uint8Array(0)
    case 'records':
      return null
    case 'uuid':
      return new Uint8Array(16)
    case 'struct':
      return defaults(f.f ?? [], version)
    default:
      throw new CodecError('INVALID_VALUE', `schema type ${f.t} is not known`)
  }
}

function defaults(fields: readonly FieldSchema[], version: number): Message {
  const out: Message = {}
  for (const f of fields) out[f.n] = defaultOf(f, version)
  return out
}

function readScalar(
  t: string,
  r: ByteReader,
  flex: boolean,
  fields: readonly FieldSchema[],
  v: number,
): unknown {
  switch (t) {
    case 'int8':
      return r.int8()
    case 'int16':
      return r.int16()
    case 'uint16':
      return r.uint16()
    case 'int32':
      return r.int32()
    case 'int64':
      return r.int64()
    case 'float64':
      return r.float64()
    case 'bool':
      return r.bool()
    case 'string':
      return flex ? r.compactString() : r.string()
    case 'bytes':
    case 'records':
      return flex ? r.compactBytes() : r.bytesField()
    case 'uuid':
      return r.raw(16, 'uuid')
    case 'struct':
      return readStruct(fields, r, v, flex)
    default:
      throw new CodecError('INVALID_VALUE', `schema type ${t} is not known`)
  }
}

function readValue(f: FieldSchema, r: ByteReader, version: number, flex: boolean): unknown {
  if (!f.t.startsWith('[]')) return readScalar(f.t, r, flex, f.f ?? [], version)
  const n = r.arrayLength(flex)
  if (n === null) return null
  const elem = f.t.slice(2)
  const out: unknown[] = []
  for (let i = 0; i < n; i++) out.push(readScalar(elem, r, flex, f.f ?? [], version))
  return out
}

function readTaggedSection(
  fields: readonly FieldSchema[],
  r: ByteReader,
  version: number,
  out: Message,
): void {
  const count = r.uvarint()
  if (count > limits.codecTaggedFieldsMax) {
    throw new CodecError('LIMIT_EXCEEDED', `${count} tagged fields exceed ${limits.codecTaggedFieldsMax}`)
  }
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint()
    const size = r.uvarint()
    const body = r.raw(size, 'tagged field')
    const f = fields.find((x) => x.tag === tag && isTagged(x, version))
    // Unknown tags are skipped, as KIP-482 requires.
    if (f === undefined) continue
    const sub = new ByteReader(body)
    out[f.n] = readValue(f, sub, version, true)
  }
}

export function readStruct(
  fields: readonly FieldSchema[],
  r: ByteReader,
  version: number,
  flex: boolean,
): Message {
  const out: Message = {}
  for (const f of fields) {
    if (!within(f.v, version) || isTagged(f, version)) out[f.n] = defaultOf(f, version)
    else out[f.n] = readValue(f, r, version, flex)
  }
  if (flex) readTaggedSection(fields, r, version, out)
  return out
}

export function decodeMessage(schema: MessageSchema, version: number, r: ByteReader): Message {
  if (version < schema.valid[0] || version > schema.valid[1]) {
    throw new CodecError('UNSUPPORTED_VERSION', `api ${schema.apiKey} has no version ${version}`)
  }
  return readStruct(schema.fields, r, version, version >= schema.flexible)
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0
}

function writeScalar(
  t: string,
  value: unknown,
  w: ByteWriter,
  flex: boolean,
  fields: readonly FieldSchema[],
  v: number,
): void {
  switch (t) {
    case 'int8':
      w.int8(num(value))
      return
    case 'int16':
      w.int16(num(value))
      return
    case 'uint16':
      w.uint16(num(value))
      return
    case 'int32':
      w.int32(num(value))
      return
    case 'int64':
      w.int64(typeof value === 'bigint' ? value : BigInt(num(value)))
      return
    case 'float64':
      w.float64(num(value))
      return
    case 'bool':
      w.bool(value === true)
      return
    case 'string':
      w.string(typeof value === 'string' ? value : null, flex)
      return
    case 'bytes':
    case 'records':
      w.bytes(value instanceof Uint8Array ? value : null, flex)
      return
    case 'uuid':
      w.raw(value instanceof Uint8Array && value.byteLength === 16 ? value : new Uint8Array(16))
      return
    case 'struct':
      writeStruct(fields, (value ?? {}) as Message, w, v, flex)
      return
    default:
      throw new CodecError('INVALID_VALUE', `schema type ${t} is not known`)
  }
}

function writeValue(f: FieldSchema, value: unknown, w: ByteWriter, version: number, flex: boolean): void {
  if (!f.t.startsWith('[]')) {
    writeScalar(f.t, value, w, flex, f.f ?? [], version)
    return
  }
  if (!Array.isArray(value)) {
    w.arrayLength(within(f.nv, version) ? null : 0, flex)
    return
  }
  w.arrayLength(value.length, flex)
  const elem = f.t.slice(2)
  for (const item of value) writeScalar(elem, item, w, flex, f.f ?? [], version)
}

function differsFromDefault(f: FieldSchema, value: unknown, version: number): boolean {
  if (value === undefined) return false
  if (Array.isArray(value)) return value.length > 0
  const d = defaultOf(f, version)
  return typeof d === 'object' && d !== null ? true : value !== d
}

export function writeStruct(
  fields: readonly FieldSchema[],
  msg: Message,
  w: ByteWriter,
  version: number,
  flex: boolean,
): void {
  const tagged: FieldSchema[] = []
  for (const f of fields) {
    if (!within(f.v, version)) continue
    if (isTagged(f, version)) {
      if (differsFromDefault(f, msg[f.n], version)) tagged.push(f)
      continue
    }
    const value = msg[f.n]
    writeValue(f, value === undefined ? defaultOf(f, version) : value, w, version, flex)
  }
  if (!flex) return
  tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0))
  w.uvarint(tagged.length)
  for (const f of tagged) {
    const sub = new ByteWriter(64)
    writeValue(f, msg[f.n], sub, version, true)
    const body = sub.finish()
    w.uvarint(f.tag ?? 0)
    w.uvarint(body.byteLength)
    w.raw(body)
  }
}

export function encodeMessage(schema: MessageSchema, version: number, msg: Message, w: ByteWriter): void {
  writeStruct(schema.fields, msg, w, version, version >= schema.flexible)
}
