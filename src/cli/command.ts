/**
 * How a subcommand is declared and how its argv becomes typed values. Parsing is node:util's
 * parseArgs (strict: an unknown flag is a usage error); help text is generated from the same
 * declaration so it cannot drift from what is accepted. Every command gets --help and --json;
 * commands that talk to a cluster also get --bootstrap.
 */
import { parseArgs } from 'node:util'
import { usageError } from './errors.js'
import type { ClusterApi, Connect } from './cluster-api.js'
import type { CliIo } from './io.js'

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly description: string
  /** Placeholder shown in help, e.g. `N` in `--count N`. */
  readonly value?: string
  /** May be given more than once (e.g. `--header k=v`); values arrive as a list. */
  readonly multiple?: boolean
}

export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>

export interface CommandContext {
  readonly io: CliIo
  readonly values: OptionValues
  readonly positionals: readonly string[]
  readonly json: boolean
  /** Validated `host:port` entries of --bootstrap (the default when not given). */
  readonly bootstrap: readonly string[]
  readonly connect: Connect
}

/** Runs `fn` with a connection to the cluster named by --bootstrap, closed afterwards. */
export async function withCluster<T>(ctx: CommandContext, fn: (api: ClusterApi) => Promise<T>): Promise<T> {
  const api = ctx.connect(ctx.bootstrap)
  try {
    return await fn(api)
  } finally {
    await api.close()
  }
}

export interface CommandSpec {
  /** Words after `petrel`, e.g. ['topic', 'create']. */
  readonly path: readonly string[]
  readonly summary: string
  /** Positional arguments as shown in help, e.g. `<topic>`. */
  readonly args?: string
  readonly positionals: { readonly min: number; readonly max: number }
  readonly options: Readonly<Record<string, OptionSpec>>
  /** Adds --bootstrap. */
  readonly connects: boolean
  /** Extra lines at the end of --help (examples, notes). */
  readonly notes?: string
  run(ctx: CommandContext): Promise<number>
}

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092'

const COMMON: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', description: 'print machine-readable JSON on stdout' },
  help: { type: 'boolean', description: 'print this help' },
}
const BOOTSTRAP: Readonly<Record<string, OptionSpec>> = {
  bootstrap: {
    type: 'string',
    value: 'HOST:PORT[,...]',
    description: `brokers to contact first (default ${DEFAULT_BOOTSTRAP})`,
  },
}

export function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.connects ? BOOTSTRAP : {}), ...COMMON }
}

export function helpText(spec: CommandSpec): string {
  const head = `usage: petrel ${spec.path.join(' ')}${spec.args === undefined ? '' : ` ${spec.args}`} [flags]`
  const rows = Object.entries(allOptions(spec)).map(([name, o]) => {
    const left = `  --${name}${o.value === undefined ? '' : ` ${o.value}`}`
    const more = o.multiple === true ? ' (repeatable)' : ''
    return `${left.padEnd(30)} ${o.description}${more}`
  })
  const notes = spec.notes === undefined ? '' : `\n\n${spec.notes}`
  return `${head}\n\n${spec.summary}\n\nflags:\n${rows.join('\n')}${notes}\n`
}

/** One `host:port`: IPv6 literals in brackets, port 1-65535. */
export function parseHostPort(text: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(text)
  const port = m === null ? Number.NaN : Number(m[2])
  if (m === null || !(port >= 1 && port <= 65535)) {
    throw usageError(`--bootstrap: expected host:port, got '${text}'`)
  }
  return text
}

export function parseBootstrap(text: string | undefined): string[] {
  const entries = (text ?? DEFAULT_BOOTSTRAP).split(',').map((s) => s.trim())
  return entries.filter((s) => s !== '').map(parseHostPort)
}

export type Parsed =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly values: OptionValues; readonly positionals: string[] }

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const [name, o] of Object.entries(allOptions(spec))) {
    config[name] = o.multiple === true ? { type: o.type, multiple: true } : { type: o.type }
  }
  let parsed: { values: OptionValues; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true })
  } catch (e) {
    // parseArgs messages are long and mention the API; keep the first sentence.
    const first = (e as Error).message.split('. ')[0] ?? 'bad arguments'
    throw usageError(first)
  }
  if (parsed.values.help === true) return { kind: 'help' }
  const n = parsed.positionals.length
  const { min, max } = spec.positionals
  if (n < min || n > max) {
    const want = spec.args ?? 'no arguments'
    throw usageError(`expected ${want}, got ${n === 0 ? 'none' : `'${parsed.positionals.join(' ')}'`}`)
  }
  return { kind: 'run', values: parsed.values, positionals: parsed.positionals }
}

// ── typed readers for option values ────────────────────────────────────────────────────────

export function optString(values: OptionValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

export function optList(values: OptionValues, name: string): string[] {
  const v = values[name]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return typeof v === 'string' ? [v] : []
}

export function optFlag(values: OptionValues, name: string): boolean {
  return values[name] === true
}

/** `key=value` pairs from a repeatable flag; the value may contain '='. */
export function optPairs(values: OptionValues, name: string): [string, string][] {
  return optList(values, name).map((p) => {
    const eq = p.indexOf('=')
    if (eq <= 0) throw usageError(`--${name} expects key=value, got '${p}'`)
    return [p.slice(0, eq), p.slice(eq + 1)]
  })
}

/** An integer flag within [min, max]; a bad value is a usage error naming the flag. */
export function optInt(
  values: OptionValues,
  name: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const v = optString(values, name)
  if (v === undefined) return undefined
  if (!/^-?\d+$/.test(v)) throw usageError(`--${name} must be an integer, got '${v}'`)
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw usageError(`--${name} must be between ${range.min} and ${range.max}, got ${v}`)
  }
  return n
}
