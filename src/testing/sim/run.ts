/**
 * Running many seeds: the entry point shared by the CLI (scripts/sim.ts) and the tests.
 */
import { RawNode } from '../../raft/index.js'
import type { PlantedBugs } from '../../raft/index.js'
import { addCoverage, type Coverage, emptyCoverage } from './coverage.js'
import type { CoreFactory } from './node.js'
import { runSeed, type Scenario, type SimResult } from './world.js'

export const rawNodeFactory: CoreFactory = (cfg) => new RawNode(cfg)

export interface SeedsOptions {
  readonly firstSeed: number
  readonly count: number
  readonly bugs?: PlantedBugs
  readonly voters?: number
  readonly scenario?: Scenario
  /** Stop at the first violation. */
  readonly stopOnViolation?: boolean
  readonly onResult?: (r: SimResult) => void
}

export interface SeedsSummary {
  readonly seeds: number
  readonly failures: readonly SimResult[]
  readonly simMs: number
  readonly events: number
  readonly wallMs: number
  readonly coverage: Coverage
}

export function runSeeds(o: SeedsOptions, clock: () => number): SeedsSummary {
  const start = clock()
  const failures: SimResult[] = []
  const coverage = emptyCoverage()
  let simMs = 0
  let events = 0
  let seeds = 0
  for (let i = 0; i < o.count; i++) {
    const r = runSeed({
      seed: o.firstSeed + i,
      factory: rawNodeFactory,
      ...(o.bugs === undefined ? {} : { bugs: o.bugs }),
      ...(o.voters === undefined ? {} : { voters: o.voters }),
      ...(o.scenario === undefined ? {} : { scenario: o.scenario }),
    })
    seeds++
    simMs += r.simMs
    events += r.events
    addCoverage(coverage, r.coverage)
    o.onResult?.(r)
    if (r.violation !== undefined) {
      failures.push(r)
      if (o.stopOnViolation === true) break
    }
  }
  return { seeds, failures, simMs, events, wallMs: clock() - start, coverage }
}
