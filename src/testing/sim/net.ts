/**
 * The simulated network between nodes. Each directed link can be cut (partitions are sets of cut
 * links, so they can be symmetric, one-way or partial), and every message that is not cut may be
 * dropped, duplicated and delayed by a random amount, which also reorders messages. All choices
 * come from the PRNG handed in, so one seed gives one run.
 */
import type { Prng } from '../../lib/prng.js'

export interface NetWeather {
  /** Probability that one message is lost. */
  readonly dropP: number
  /** Probability that one message is delivered twice (each copy with its own delay). */
  readonly duplicateP: number
  readonly delayMinMs: number
  readonly delayMaxMs: number
}

export const calmNet: NetWeather = { dropP: 0, duplicateP: 0, delayMinMs: 1, delayMaxMs: 5 }

export type PartitionKind = 'heal' | 'split' | 'isolate' | 'oneWay' | 'bridge'

export class SimNet {
  private readonly cut = new Set<number>()
  weather: NetWeather = calmNet

  constructor(
    private readonly prng: Prng,
    private readonly nodeCountMax: number,
  ) {}

  private key(from: number, to: number): number {
    return from * (this.nodeCountMax + 1) + to
  }

  isCut(from: number, to: number): boolean {
    return this.cut.has(this.key(from, to))
  }

  /** Delivery delays (ms from now) for one message: none if cut or dropped, two if duplicated. */
  delaysFor(from: number, to: number): number[] {
    if (from === to) return [0]
    if (this.isCut(from, to)) return []
    const w = this.weather
    if (this.prng.chance(w.dropP)) return []
    const first = this.prng.range(w.delayMinMs, w.delayMaxMs)
    if (!this.prng.chance(w.duplicateP)) return [first]
    return [first, this.prng.range(w.delayMinMs, w.delayMaxMs)]
  }

  healAll(): void {
    this.cut.clear()
  }

  cutLink(from: number, to: number): void {
    this.cut.add(this.key(from, to))
  }

  /** Cuts both directions between every node of `a` and every node of `b`. */
  cutBetween(a: readonly number[], b: readonly number[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cutLink(x, y)
        this.cutLink(y, x)
      }
    }
  }

  /** Cuts every link into and out of `node`. */
  isolate(node: number, all: readonly number[]): void {
    this.cutBetween(
      [node],
      all.filter((n) => n !== node),
    )
  }

  /**
   * Replaces the current partition with a new random one of the given kind and returns a short
   * description for the event log. `bridge`: two halves that only one node hears on both sides.
   */
  partition(kind: PartitionKind, nodes: readonly number[]): string {
    this.healAll()
    const shuffled = shuffle(this.prng, nodes)
    switch (kind) {
      case 'heal':
        return 'heal'
      case 'isolate': {
        const victim = shuffled[0] as number
        this.isolate(victim, nodes)
        return `isolate ${victim}`
      }
      case 'split': {
        const k = this.prng.range(1, Math.max(1, Math.floor(nodes.length / 2)))
        const left = shuffled.slice(0, k)
        const right = shuffled.slice(k)
        this.cutBetween(left, right)
        return `split ${left.join(',')} | ${right.join(',')}`
      }
      case 'oneWay': {
        const from = shuffled[0] as number
        const targets = shuffled.slice(1, 1 + this.prng.range(1, Math.max(1, nodes.length - 1)))
        for (const t of targets) this.cutLink(from, t)
        return `oneWay ${from} -/-> ${targets.join(',')}`
      }
      case 'bridge': {
        const bridgeNode = shuffled[0] as number
        const rest = shuffled.slice(1)
        const half = Math.floor(rest.length / 2)
        this.cutBetween(rest.slice(0, half), rest.slice(half))
        return `bridge ${bridgeNode} between ${rest.slice(0, half).join(',')} | ${rest.slice(half).join(',')}`
      }
    }
  }
}

export function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1)
    const a = out[i] as T
    out[i] = out[j] as T
    out[j] = a
  }
  return out
}
