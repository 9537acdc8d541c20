/** A checker found the system under test misbehaving. The runner catches it and reports the seed. */
/** `crash`: the code under test (or the simulator) threw instead of running to completion. */
export type ViolationKind = 'safety' | 'liveness' | 'history' | 'crash'

export class SimViolation extends Error {
  override readonly name = 'SimViolation'
  constructor(
    readonly kind: ViolationKind,
    readonly invariant: string,
    detail: string,
  ) {
    super(`${kind} violation (${invariant}): ${detail}`)
  }
}

export function violated(kind: ViolationKind, invariant: string, detail: string): never {
  throw new SimViolation(kind, invariant, detail)
}
