/**
 * A small seeded pseudo-random generator (sfc32 seeded through splitmix32). Cores take one of
 * these instead of calling Math.random, so that one seed replays one run exactly.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, bound). */
  int(bound: number): number
  /** An integer in [min, max], both inclusive. */
  range(min: number, max: number): number
  /** True with probability p. */
  chance(p: number): boolean
  /** A new generator whose sequence is independent of this one's future draws. */
  fork(): Prng
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createPrng(seed: number): Prng {
  const init = splitmix32(seed)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) nextU32()
  const prng: Prng = {
    next: () => nextU32() / 0x1_0000_0000,
    int: (bound) => Math.floor((nextU32() / 0x1_0000_0000) * bound),
    range: (min, max) => min + Math.floor((nextU32() / 0x1_0000_0000) * (max - min + 1)),
    chance: (p) => nextU32() / 0x1_0000_0000 < p,
    fork: () => createPrng(nextU32()),
  }
  return prng
}
