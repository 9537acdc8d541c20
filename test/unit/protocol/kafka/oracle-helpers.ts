/** Helpers shared by the response oracles (kafkajs and @platformatic/kafka reading what we encode). */
import { inRange, type StructSchema } from '../../../../src/protocol/kafka/schema.js'

/** Drops the fields a version lacks, as a handler building a response for that version would. */
export function fit(s: StructSchema, version: number, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const f of s.fields) {
    const v = (value as Record<string, unknown>)[f.name]
    if (v === undefined || !inRange(f.versions, version)) continue
    const sub = f.struct
    if (sub === undefined) out[f.name] = v
    else out[f.name] = Array.isArray(v) ? v.map((x) => fit(sub, version, x)) : fit(sub, version, v)
  }
  return out
}

/** Leaf values worth looking for: numbers and bigints away from small defaults, longer strings. */
export function distinctiveLeaves(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === 'bigint' || typeof v === 'number') {
    if (Math.abs(Number(v)) >= 1000) out.add(String(v))
  } else if (typeof v === 'string') {
    if (v.length >= 4) out.add(v)
  } else if (Array.isArray(v)) {
    for (const x of v) distinctiveLeaves(x, out)
  } else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const x of Object.values(v)) distinctiveLeaves(x, out)
  }
  return out
}

/** Every leaf a client decoded, as strings; byte buffers as latin1 text. */
export function allLeaves(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string') out.add(String(v))
  else if (v instanceof Uint8Array) out.add(Buffer.from(v).toString('latin1'))
  else if (Array.isArray(v)) for (const x of v) allLeaves(x, out)
  else if (v instanceof Map) for (const [k, x] of v) allLeaves([k, x], out)
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) allLeaves(x, out)
  return out
}
