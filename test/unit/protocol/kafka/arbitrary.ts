/**
 * fast-check arbitraries drawn from the generated schema description (not from the spec files):
 * random messages valid for one version, respecting which fields exist, which are tagged and
 * which may be null in it. Fields the version lacks hold their defaults, as decoding yields.
 */
import fc from 'fast-check'
import { defaultValue } from '../../../../src/protocol/kafka/codec.js'
import {
  type FieldSchema,
  inRange,
  type MessageSchema,
  type StructSchema,
} from '../../../../src/protocol/kafka/schema.js'
import { uuidToString } from '../../../../src/protocol/primitives/uuid.js'

const ARRAY_LENGTH_MAX = 2

function scalar(f: FieldSchema, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  switch (f.type) {
    case 'bool':
      return fc.boolean()
    case 'int8':
      return fc.integer({ min: -0x80, max: 0x7f })
    case 'int16':
      return fc.integer({ min: -0x8000, max: 0x7fff })
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff })
    case 'int32':
      return fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff })
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffff_ffff })
    case 'int64':
      return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })
    case 'float64':
      return fc.double()
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => uuidToString(b, 0))
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 6 })
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 6 })
    case 'struct':
      return structArbitrary(f.struct as StructSchema, version, flexible)
  }
}

function fieldArbitrary(f: FieldSchema, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  const one = scalar(f, version, flexible)
  const value = f.array ? fc.array(one, { maxLength: ARRAY_LENGTH_MAX }) : one
  return inRange(f.nullableVersions, version) ? fc.option(value, { nil: null, freq: 4 }) : value
}

export function structArbitrary(s: StructSchema, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {}
  const knownTags = new Set<number>()
  for (const f of s.fields) {
    if (f.tag >= 0) knownTags.add(f.tag)
    const tagged = f.tag >= 0 && inRange(f.taggedVersions, version)
    const present = inRange(f.versions, version) && (tagged ? flexible : !inRange(f.taggedVersions, version))
    shape[f.name] = present
      ? fieldArbitrary(f, version, flexible)
      : fc.constant(null).map(() => defaultValue(f))
  }
  const base = fc.record(shape, { noNullPrototype: true })
  if (!flexible) return base
  // Unknown tags must survive decode → encode; pick tags no version of this struct uses.
  const firstFree = Math.max(-1, ...knownTags) + 1
  const unknown = fc.uniqueArray(
    fc.record(
      { tag: fc.integer({ min: firstFree, max: firstFree + 40 }), data: fc.uint8Array({ maxLength: 4 }) },
      { noNullPrototype: true },
    ),
    { maxLength: 2, selector: (t) => t.tag },
  )
  return fc.tuple(base, unknown).map(([o, u]) => {
    if (u.length === 0) return o
    return { ...(o as object), unknownTaggedFields: [...u].sort((a, b) => a.tag - b.tag) }
  })
}

export function messageArbitrary(m: MessageSchema, version: number): fc.Arbitrary<unknown> {
  return structArbitrary(m.struct, version, inRange(m.flexibleVersions, version))
}
