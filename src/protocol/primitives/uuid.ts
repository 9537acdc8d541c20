/**
 * UUIDs travel as 16 raw bytes. In memory they are canonical lower-case strings
 * ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"): a string compares with ===, keys a Map directly and
 * prints readably, which is what handlers do with topic ids; a Uint8Array would need a helper for
 * each of those. The cost, 36 characters built per decode, only falls on the few APIs that carry ids.
 */
import { CodecError } from '../codec-error.js'

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

const HEX: string[] = []
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'))

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The canonical form of the 16 bytes of `buf` starting at `at` (the caller checked they exist). */
export function uuidToString(buf: Uint8Array, at: number): string {
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[buf[at + i] as number]
  }
  return s
}

export function isUuid(s: string): boolean {
  return UUID_RE.test(s)
}

/** Writes the 16 bytes of a canonical uuid string into `buf` at `at`; anything else is rejected. */
export function uuidWrite(s: string, buf: Uint8Array, at: number): void {
  if (!UUID_RE.test(s)) throw new CodecError('INVALID_VALUE', `'${s}' is not a canonical lower-case uuid`)
  let j = 0
  for (let i = 0; i < 16; i++) {
    if (s.charCodeAt(j) === 0x2d) j++
    buf[at + i] = Number.parseInt(s.slice(j, j + 2), 16)
    j += 2
  }
}
