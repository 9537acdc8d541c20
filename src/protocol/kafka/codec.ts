/**
 * Runs a generated MessageSchema. Each (struct, version) is compiled once into a plan: which
 * fields are on the wire in which form, which are tagged (in tag order), which are absent. After
 * that, encoding and decoding are a loop over the plan with no version arithmetic.
 *
 * Decoding yields a complete object: fields absent in the version hold their defaults. Encoding
 * accepts a partial object (`Encodable<T>`): a missing field means its default. A non-default
 * value in a field the version cannot carry is an error unless the field is `ignorable`.
 */
import { CodecError } from '../codec-error.js'
import type { RawTaggedField, Reader } from '../primitives/reader.js'
import { ZERO_UUID } from '../primitives/uuid.js'
import { Writer } from '../primitives/writer.js'
import { type FieldSchema, inRange, type MessageSchema, type StructSchema } from './schema.js'

/** What an encoder accepts: the decoded type with every field optional, recursively. */
export type Encodable<T> = T extends Uint8Array | string | number | bigint | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? readonly Encodable<E>[]
    : { readonly [K in keyof T]?: Encodable<T[K]> | undefined }

// Wire forms. Arrays carry a length form and an element form.
enum Op {
  Bool,
  Int8,
  Int16,
  Uint16,
  Int32,
  Uint32,
  Int64,
  Float64,
  Uuid,
  String,
  NullableString,
  CompactString,
  CompactNullableString,
  Bytes,
  NullableBytes,
  CompactBytes,
  CompactNullableBytes,
  Struct,
  NullableStruct,
  Array,
  NullableArray,
  CompactArray,
  CompactNullableArray,
}

interface FieldPlan {
  readonly f: FieldSchema
  readonly op: Op
  /** For arrays: the element's form. */
  readonly elem: Op
  /** For structs and arrays of structs. */
  readonly sub: StructPlan | undefined
}

interface StructPlan {
  readonly schema: StructSchema
  readonly version: number
  readonly flexible: boolean
  /** Every field in declaration order; `plan` is undefined when the version lacks the field. */
  readonly fields: readonly {
    readonly f: FieldSchema
    readonly plan: FieldPlan | undefined
    readonly tagged: boolean
  }[]
  readonly regular: readonly FieldPlan[]
  readonly tagged: readonly FieldPlan[]
  readonly absent: readonly FieldSchema[]
}

const plans = new WeakMap<StructSchema, Map<number, StructPlan>>()

function scalarOp(f: FieldSchema, compact: boolean, nullable: boolean): Op {
  switch (f.type) {
    case 'bool':
      return Op.Bool
    case 'int8':
      return Op.Int8
    case 'int16':
      return Op.Int16
    case 'uint16':
      return Op.Uint16
    case 'int32':
      return Op.Int32
    case 'uint32':
      return Op.Uint32
    case 'int64':
      return Op.Int64
    case 'float64':
      return Op.Float64
    case 'uuid':
      return Op.Uuid
    case 'string':
      if (compact) return nullable ? Op.CompactNullableString : Op.CompactString
      return nullable ? Op.NullableString : Op.String
    case 'bytes':
    case 'records':
      if (compact) return nullable ? Op.CompactNullableBytes : Op.CompactBytes
      return nullable ? Op.NullableBytes : Op.Bytes
    case 'struct':
      return nullable ? Op.NullableStruct : Op.Struct
  }
}

function planField(f: FieldSchema, version: number, flexible: boolean): FieldPlan {
  const compact = f.flexibleVersions === undefined ? flexible : inRange(f.flexibleVersions, version)
  const nullable = inRange(f.nullableVersions, version)
  const sub = f.struct === undefined ? undefined : planStruct(f.struct, version, flexible)
  if (!f.array) return { f, op: scalarOp(f, compact, nullable), elem: Op.Bool, sub }
  const op = compact
    ? nullable
      ? Op.CompactNullableArray
      : Op.CompactArray
    : nullable
      ? Op.NullableArray
      : Op.Array
  return { f, op, elem: scalarOp(f, compact, false), sub }
}

function planStruct(schema: StructSchema, version: number, flexible: boolean): StructPlan {
  let byVersion = plans.get(schema)
  if (byVersion === undefined) {
    byVersion = new Map()
    plans.set(schema, byVersion)
  }
  const cached = byVersion.get(version)
  if (cached !== undefined) return cached
  const fields: { f: FieldSchema; plan: FieldPlan | undefined; tagged: boolean }[] = []
  const regular: FieldPlan[] = []
  const tagged: FieldPlan[] = []
  const absent: FieldSchema[] = []
  for (const f of schema.fields) {
    const isTagged = flexible && f.tag >= 0 && inRange(f.taggedVersions, version)
    const present = inRange(f.versions, version) && (isTagged || !inRange(f.taggedVersions, version))
    if (!present) {
      absent.push(f)
      fields.push({ f, plan: undefined, tagged: false })
      continue
    }
    const p = planField(f, version, flexible)
    fields.push({ f, plan: p, tagged: isTagged })
    if (isTagged) tagged.push(p)
    else regular.push(p)
  }
  tagged.sort((a, b) => a.f.tag - b.f.tag)
  const plan: StructPlan = { schema, version, flexible, fields, regular, tagged, absent }
  byVersion.set(version, plan)
  return plan
}

function messagePlan(schema: MessageSchema, version: number): StructPlan {
  if (!Number.isInteger(version) || !inRange(schema.validVersions, version)) {
    throw new CodecError(
      'UNSUPPORTED_VERSION',
      `${schema.name} version ${version} is outside ${schema.validVersions[0]}-${schema.validVersions[1]}`,
    )
  }
  return planStruct(schema.struct, version, inRange(schema.flexibleVersions, version))
}

// ── defaults ───────────────────────────────────────────────────────────────────────────────────

/** A fresh default value for a field (fresh so that callers may mutate decoded objects). */
export function defaultValue(f: FieldSchema): unknown {
  if (f.default === null) return null
  if (f.array) return []
  switch (f.type) {
    case 'bool':
      return f.default ?? false
    case 'int64':
      return f.default ?? 0n
    case 'string':
      return f.default ?? ''
    case 'uuid':
      return ZERO_UUID
    case 'bytes':
      return new Uint8Array(0)
    case 'records':
      return null
    case 'struct':
      return defaultStruct(f.struct as StructSchema)
    default:
      return f.default ?? 0
  }
}

export function defaultStruct(s: StructSchema): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const f of s.fields) o[f.name] = defaultValue(f)
  return o
}

/** Whether `v` equals the field's default (deeply, for structs). */
export function isDefault(f: FieldSchema, v: unknown): boolean {
  if (v === undefined) return true
  if (f.default === null) return v === null
  if (f.array) return Array.isArray(v) && v.length === 0
  switch (f.type) {
    case 'bytes':
      return v instanceof Uint8Array && v.length === 0
    case 'records':
      return v === null
    case 'struct': {
      if (v === null || typeof v !== 'object') return false
      const o = v as Record<string, unknown>
      const unknown = o.unknownTaggedFields as unknown[] | undefined
      if (unknown !== undefined && unknown.length > 0) return false
      return (f.struct as StructSchema).fields.every((sf) => isDefault(sf, o[sf.name]))
    }
    default:
      return v === defaultValue(f)
  }
}

// ── decode ─────────────────────────────────────────────────────────────────────────────────────

export function decodeMessage(r: Reader, schema: MessageSchema, version: number): Record<string, unknown> {
  return decodeStruct(r, messagePlan(schema, version))
}

function decodeStruct(r: Reader, plan: StructPlan): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  // Declaration order is wire order for regular fields; tagged and absent ones start at default.
  for (const { f, plan: p, tagged } of plan.fields) {
    o[f.name] = p === undefined || tagged ? defaultValue(f) : readValue(r, p)
  }
  if (plan.flexible) readTagged(r, plan, o)
  return o
}

function readTagged(r: Reader, plan: StructPlan, o: Record<string, unknown>): void {
  const count = r.taggedFieldCount()
  if (count === 0) return
  let unknown: RawTaggedField[] | undefined
  let last = -1
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint()
    if (tag <= last) throw new CodecError('CORRUPT', `tag ${tag} follows tag ${last}; tags must ascend`)
    last = tag
    const size = r.uvarint()
    const data = r.raw(size)
    const p = plan.tagged.find((t) => t.f.tag === tag)
    if (p === undefined) {
      unknown ??= []
      unknown.push({ tag, data })
      continue
    }
    const end = r.pos
    r.pos -= size
    o[p.f.name] = readValue(r, p)
    if (r.pos !== end) {
      throw new CodecError(
        'CORRUPT',
        `tagged field ${p.f.name} (tag ${tag}) used ${r.pos - end + size} of ${size} bytes`,
      )
    }
  }
  if (unknown !== undefined) o.unknownTaggedFields = unknown
}

function readValue(r: Reader, p: FieldPlan): unknown {
  let n: number
  switch (p.op) {
    case Op.Array:
      n = r.arrayLength()
      break
    case Op.NullableArray:
      n = r.nullableArrayLength()
      break
    case Op.CompactArray:
      n = r.compactArrayLength()
      break
    case Op.CompactNullableArray:
      n = r.compactNullableArrayLength()
      break
    default:
      return readScalar(r, p.op, p.sub)
  }
  if (n < 0) return null
  const out = new Array<unknown>(n)
  for (let i = 0; i < n; i++) out[i] = readScalar(r, p.elem, p.sub)
  return out
}

function readScalar(r: Reader, op: Op, sub: StructPlan | undefined): unknown {
  switch (op) {
    case Op.Bool:
      return r.bool()
    case Op.Int8:
      return r.int8()
    case Op.Int16:
      return r.int16()
    case Op.Uint16:
      return r.uint16()
    case Op.Int32:
      return r.int32()
    case Op.Uint32:
      return r.uint32()
    case Op.Int64:
      return r.int64()
    case Op.Float64:
      return r.float64()
    case Op.Uuid:
      return r.uuid()
    case Op.String:
      return r.string()
    case Op.NullableString:
      return r.nullableString()
    case Op.CompactString:
      return r.compactString()
    case Op.CompactNullableString:
      return r.compactNullableString()
    case Op.Bytes:
      return r.bytes()
    case Op.NullableBytes:
      return r.nullableBytes()
    case Op.CompactBytes:
      return r.compactBytes()
    case Op.CompactNullableBytes:
      return r.compactNullableBytes()
    case Op.Struct:
      return decodeStruct(r, sub as StructPlan)
    case Op.NullableStruct: {
      const marker = r.int8()
      if (marker === -1) return null
      if (marker !== 1)
        throw new CodecError('INVALID_VALUE', `nullable struct marker ${marker} is neither -1 nor 1`)
      return decodeStruct(r, sub as StructPlan)
    }
    default:
      throw new CodecError('INVALID_VALUE', `array form ${op} used as an element`)
  }
}

// ── encode ─────────────────────────────────────────────────────────────────────────────────────

export function encodeMessage(w: Writer, schema: MessageSchema, version: number, msg: unknown): void {
  encodeStruct(w, messagePlan(schema, version), msg, schema.name)
}

function encodeStruct(w: Writer, plan: StructPlan, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') {
    throw new CodecError('INVALID_VALUE', `${path} must be an object`)
  }
  const o = value as Record<string, unknown>
  for (const f of plan.absent) {
    if (!f.ignorable && !isDefault(f, o[f.name])) {
      throw new CodecError(
        'INVALID_VALUE',
        `${path}.${f.name} has a non-default value but version ${plan.version} cannot carry it`,
      )
    }
  }
  for (const p of plan.regular) {
    const v = o[p.f.name]
    writeValue(w, p, v === undefined ? defaultValue(p.f) : v, `${path}.${p.f.name}`)
  }
  if (plan.flexible) writeTagged(w, plan, o, path)
}

function writeTagged(w: Writer, plan: StructPlan, o: Record<string, unknown>, path: string): void {
  const unknown = (o.unknownTaggedFields as readonly RawTaggedField[] | undefined) ?? []
  const known: RawTaggedField[] = []
  for (const p of plan.tagged) {
    const v = o[p.f.name]
    if (isDefault(p.f, v)) continue
    // The size precedes the value, so the value is encoded aside first; tagged fields are rare.
    const aside = new Writer(64)
    writeValue(aside, p, v, `${path}.${p.f.name}`)
    known.push({ tag: p.f.tag, data: aside.finish() })
  }
  if (unknown.length === 0) {
    w.rawTaggedFields(known)
    return
  }
  const all = known.concat(unknown).sort((a, b) => a.tag - b.tag)
  w.rawTaggedFields(all) // rejects a duplicate tag
}

function writeValue(w: Writer, p: FieldPlan, v: unknown, path: string): void {
  switch (p.op) {
    case Op.Array:
    case Op.NullableArray:
    case Op.CompactArray:
    case Op.CompactNullableArray:
      break
    default:
      writeScalar(w, p.op, p.sub, v, path)
      return
  }
  if (v === null) {
    if (p.op === Op.NullableArray) w.nullableArrayLength(-1)
    else if (p.op === Op.CompactNullableArray) w.compactNullableArrayLength(-1)
    else throw new CodecError('INVALID_VALUE', `${path} is null but not nullable in this version`)
    return
  }
  if (!Array.isArray(v)) throw new CodecError('INVALID_VALUE', `${path} must be an array`)
  if (p.op === Op.CompactArray || p.op === Op.CompactNullableArray) w.compactArrayLength(v.length)
  else w.arrayLength(v.length)
  for (let i = 0; i < v.length; i++) writeScalar(w, p.elem, p.sub, v[i], path)
}

function notNullable(path: string): CodecError {
  return new CodecError('INVALID_VALUE', `${path} is null but not nullable in this version`)
}

function writeScalar(w: Writer, op: Op, sub: StructPlan | undefined, v: unknown, path: string): void {
  switch (op) {
    case Op.Bool:
      if (typeof v !== 'boolean') throw new CodecError('INVALID_VALUE', `${path} must be a boolean`)
      w.bool(v)
      return
    case Op.Int8:
      w.int8(v as number)
      return
    case Op.Int16:
      w.int16(v as number)
      return
    case Op.Uint16:
      w.uint16(v as number)
      return
    case Op.Int32:
      w.int32(v as number)
      return
    case Op.Uint32:
      w.uint32(v as number)
      return
    case Op.Int64:
      w.int64(v as bigint)
      return
    case Op.Float64:
      w.float64(v as number)
      return
    case Op.Uuid:
      if (typeof v !== 'string') throw new CodecError('INVALID_VALUE', `${path} must be a uuid string`)
      w.uuid(v)
      return
    case Op.String:
      if (v === null) throw notNullable(path)
      w.string(v as string)
      return
    case Op.NullableString:
      w.nullableString(v as string | null)
      return
    case Op.CompactString:
      if (v === null) throw notNullable(path)
      w.compactString(v as string)
      return
    case Op.CompactNullableString:
      w.compactNullableString(v as string | null)
      return
    case Op.Bytes:
      if (v === null) throw notNullable(path)
      w.bytes(v as Uint8Array)
      return
    case Op.NullableBytes:
      w.nullableBytes(v as Uint8Array | null)
      return
    case Op.CompactBytes:
      if (v === null) throw notNullable(path)
      w.compactBytes(v as Uint8Array)
      return
    case Op.CompactNullableBytes:
      w.compactNullableBytes(v as Uint8Array | null)
      return
    case Op.Struct:
      if (v === null) throw notNullable(path)
      encodeStruct(w, sub as StructPlan, v, path)
      return
    case Op.NullableStruct:
      if (v === null) {
        w.int8(-1)
        return
      }
      w.int8(1)
      encodeStruct(w, sub as StructPlan, v, path)
      return
    default:
      throw new CodecError('INVALID_VALUE', `${path}: array form ${op} used as an element`)
  }
}
