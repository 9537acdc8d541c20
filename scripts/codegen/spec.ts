/**
 * Reads Kafka's message-spec JSON (with `//` comments) into a checked model. Nothing here knows
 * any particular API: internal RPC specs written in the same schema language go through it too.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SpecField {
  readonly name: string
  readonly type: string
  readonly versions: string
  readonly nullableVersions?: string
  readonly taggedVersions?: string
  readonly tag?: number
  readonly flexibleVersions?: string
  readonly ignorable?: boolean
  readonly default?: string | number | boolean
  readonly about?: string
  readonly fields?: readonly SpecField[]
}

export interface SpecStruct {
  readonly name: string
  readonly fields: readonly SpecField[]
}

export interface SpecMessage {
  readonly file: string
  readonly name: string
  readonly type: 'request' | 'response' | 'header'
  readonly apiKey: number
  readonly validVersions: string
  readonly flexibleVersions: string
  readonly fields: readonly SpecField[]
  readonly commonStructs: readonly SpecStruct[]
}

export interface SpecError {
  readonly code: number
  readonly name: string
  readonly message: string | null
  readonly retriable: boolean
}

/** Removes `//` comments that are outside string literals; keeps line breaks so errors keep lines. */
export function stripComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (inString) {
      out += c
      if (c === '\\' && i + 1 < text.length) {
        out += text[i + 1]
        i++
      } else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      if (i < text.length) out += '\n'
    } else out += c
  }
  return out
}

function fail(file: string, why: string): never {
  throw new Error(`${file}: ${why}`)
}

const FIELD_KEYS = new Set([
  'name',
  'type',
  'versions',
  'nullableVersions',
  'taggedVersions',
  'tag',
  'flexibleVersions',
  'ignorable',
  'default',
  'about',
  'fields',
  'mapKey',
  'entityType',
  'zeroCopy',
])

function checkField(file: string, f: unknown): SpecField {
  if (typeof f !== 'object' || f === null) fail(file, 'a field is not an object')
  const o = f as Record<string, unknown>
  for (const k of Object.keys(o))
    if (!FIELD_KEYS.has(k)) fail(file, `field ${String(o.name)}: unknown key ${k}`)
  if (typeof o.name !== 'string' || typeof o.type !== 'string' || typeof o.versions !== 'string') {
    fail(file, `field ${String(o.name)} lacks name, type or versions`)
  }
  if ((o.tag === undefined) !== (o.taggedVersions === undefined)) {
    fail(file, `field ${o.name}: tag and taggedVersions go together`)
  }
  const fields = o.fields === undefined ? undefined : (o.fields as unknown[]).map((x) => checkField(file, x))
  return { ...(o as unknown as SpecField), ...(fields === undefined ? {} : { fields }) }
}

export function parseSpec(file: string, text: string): SpecMessage | undefined {
  let json: unknown
  try {
    json = JSON.parse(stripComments(text))
  } catch (e) {
    fail(file, `not JSON after stripping comments: ${(e as Error).message}`)
  }
  const o = json as Record<string, unknown>
  if (o.type !== 'request' && o.type !== 'response' && o.type !== 'header') return undefined
  if (typeof o.name !== 'string' || typeof o.validVersions !== 'string')
    fail(file, 'lacks name or validVersions')
  if (o.type !== 'header' && typeof o.apiKey !== 'number') fail(file, 'lacks apiKey')
  const structs = ((o.commonStructs as unknown[] | undefined) ?? []).map((s) => {
    const so = s as Record<string, unknown>
    if (typeof so.name !== 'string' || !Array.isArray(so.fields))
      fail(file, 'a common struct lacks name or fields')
    return { name: so.name, fields: so.fields.map((x) => checkField(file, x)) }
  })
  return {
    file,
    name: o.name,
    type: o.type,
    apiKey: o.type === 'header' ? -1 : (o.apiKey as number),
    validVersions: o.validVersions,
    flexibleVersions: typeof o.flexibleVersions === 'string' ? o.flexibleVersions : 'none',
    fields: ((o.fields as unknown[] | undefined) ?? []).map((x) => checkField(file, x)),
    commonStructs: structs,
  }
}

/** Every request, response and header spec in `dir`, sorted by file name. */
export function readSpecDir(dir: string): SpecMessage[] {
  const out: SpecMessage[] = []
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || name === 'errors.json') continue
    const m = parseSpec(name, readFileSync(join(dir, name), 'utf8'))
    if (m !== undefined) out.push(m)
  }
  return out
}

/** The error table, if the directory has one (`errors.json`: { errors: [...] }). */
export function readErrors(dir: string): SpecError[] | undefined {
  if (!readdirSync(dir).includes('errors.json')) return undefined
  const json = JSON.parse(readFileSync(join(dir, 'errors.json'), 'utf8')) as { errors?: unknown }
  if (!Array.isArray(json.errors)) fail('errors.json', 'lacks an errors array')
  return json.errors.map((e: Record<string, unknown>) => {
    if (typeof e.code !== 'number' || typeof e.name !== 'string' || typeof e.retriable !== 'boolean') {
      fail('errors.json', `bad entry ${JSON.stringify(e)}`)
    }
    if (e.message !== null && typeof e.message !== 'string') fail('errors.json', `bad message for ${e.name}`)
    return { code: e.code, name: e.name, message: e.message, retriable: e.retriable }
  })
}

/** "0+", "3", "1-5", "none" → inclusive [min, max]; the empty range is [1, 0]. */
export function parseVersions(file: string, s: string): [number, number] {
  if (s === 'none') return [1, 0]
  let m = /^(\d+)\+$/.exec(s)
  if (m) return [Number(m[1]), 0x7fff]
  m = /^(\d+)-(\d+)$/.exec(s)
  if (m) return [Number(m[1]), Number(m[2])]
  m = /^(\d+)$/.exec(s)
  if (m) return [Number(m[1]), Number(m[1])]
  fail(file, `bad version range '${s}'`)
}
