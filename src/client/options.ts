/**
 * Option checking, done once at construction: each helper names the option, what it must be and
 * what it got, and throws InvalidOptionError. Unknown option names are refused too, so that a
 * typo (`lingerMS`) is an error rather than a silently ignored setting.
 */
import { InvalidOptionError } from './errors.js'

export function checkObject(what: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(`${what} must be an object, got ${describe(value)}`)
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(`${what}: unknown option '${key}' (known: ${known.join(', ')})`)
    }
  }
  return value as Record<string, unknown>
}

export function intOption(
  name: string,
  value: unknown,
  range: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return range.fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InvalidOptionError(
      `${name} must be an integer in [${range.min}, ${range.max}], got ${describe(value)}`,
    )
  }
  return value
}

export function boolOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean')
    throw new InvalidOptionError(`${name} must be a boolean, got ${describe(value)}`)
  return value
}

export function stringOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    throw new InvalidOptionError(
      `${name} must be a non-empty string of at most 255 characters, got ${describe(value)}`,
    )
  }
  return value
}

export function oneOf<T extends string | number>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (!allowed.includes(value as T)) {
    throw new InvalidOptionError(
      `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`,
    )
  }
  return value as T
}

export interface HostPort {
  readonly host: string
  readonly port: number
}

/** 'host:port' strings; IPv6 hosts in brackets ('[::1]:9092'). */
export function brokersOption(value: unknown): HostPort[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(
      `bootstrap must be a non-empty array of 'host:port' strings, got ${describe(value)}`,
    )
  }
  return value.map((entry: unknown) => {
    const m = typeof entry === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry) : null
    const port = m ? Number(m[3]) : 0
    const host = m ? (m[1] ?? m[2]) : undefined
    if (host === undefined || port < 1 || port > 65535) {
      throw new InvalidOptionError(
        `bootstrap entries must be 'host:port' with a port in [1, 65535], got ${describe(entry)}`,
      )
    }
    return { host, port }
  })
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}
