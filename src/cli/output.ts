/**
 * Output helpers: JSON on stdout for --json (one document, or one object per line for streams),
 * aligned text tables otherwise. Bigints (offsets) print as numbers when safe.
 */
import type { CliIo } from './io.js'

function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
  return v
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, replacer)
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${toJson(value)}\n`)
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '-' : String(c))))
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const lines = cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
  return `${lines.join('\n')}\n`
}
