/** Sizes of entries, as counted against message and in-flight byte limits. */
import type { Entry } from './types.js'

/** Bytes a conf change entry counts for: small and fixed, but never zero. */
const confChangeEntryBytes = 16

export function entryBytes(e: Entry): number {
  return e.kind === 'normal' ? e.data.length : confChangeEntryBytes
}

export function entriesBytes(es: readonly Entry[]): number {
  let n = 0
  for (const e of es) n += entryBytes(e)
  return n
}
