/**
 * Invariant checks. A failed assertion is a programmer error: it throws, and a node lets it
 * crash the process rather than carry on with state it no longer understands.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError'
}

export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new AssertionError(why)
}

/** Marks a switch as exhaustive: the compiler rejects a missing case, the runtime reports it. */
export function unreachable(value: never, what = 'value'): never {
  throw new AssertionError(`unreachable ${what}: ${String(value)}`)
}
