/**
 * Swarm testing (as TigerBeetle's VOPR does): each seed first draws its own fault rates, so that
 * across seeds the simulator explores calm runs, stormy runs and everything between, instead of
 * one average weather that never pushes any single fault hard.
 */
import type { Prng } from '../../lib/prng.js'
import type { DiskWeather } from './disk.js'
import type { NetWeather, PartitionKind } from './net.js'

/** Time, election and heartbeat settings shared by every scenario (stated in the README). */
export const timing = {
  /** Nominal length of one Raft tick; each node's own tick period drifts around it. */
  tickMs: 10,
  electionTicks: 10,
  heartbeatTicks: 1,
} as const

export interface Weather {
  readonly voters: number
  /** Nodes not in the initial membership that the nemesis may add (ids are never reused). */
  readonly spares: number
  readonly clients: number
  readonly net: NetWeather
  readonly disk: DiskWeather
  /** Per node: ms per tick, drawn around timing.tickMs (clock drift). */
  readonly tickPeriodsMs: readonly number[]
  /** Longest a simulated fsync takes (ms); messages wait for it. */
  readonly fsyncMaxMs: number
  /** Between two nemesis actions (ms). */
  readonly nemesisGapMinMs: number
  readonly nemesisGapMaxMs: number
  /** Relative weights of the nemesis actions. */
  readonly actionWeights: Readonly<Record<NemesisAction, number>>
  /** How long a crashed node stays down (ms). */
  readonly downMaxMs: number
  /** Take a local snapshot and compact after this many applied entries (0: never). */
  readonly snapshotEveryEntries: number
  /** Raft's per-message entry byte limit: small values (a command is at most ~45 bytes, and no entry may
   * exceed it) split appends into many messages. */
  readonly maxMsgBytes: number
  readonly maxInflightMsgs: number
  /** Entry bytes in flight to one follower (0: only the message count limits). */
  readonly maxInflightBytes: number
  /** Probability that a node granting a vote is bounced right after sending the grant. */
  readonly bounceAfterVoteP: number
  /** Length of the fault phase (ms of simulated time). */
  readonly chaosMs: number
  /** Reads use ReadIndex (half the seeds) or go through the log. */
  readonly readIndexReads: boolean
  /** Whether the run ends with the flapping-follower phase (half the seeds, to keep runs short). */
  readonly flap: boolean
}

/**
 * `bounce`: crash a node and restart it at once (a process restart, not a long outage).
 * `powerCut`: every node crashes at once and all restart together (a rack losing power), which
 * also makes their election timers race, as at a cluster's first start.
 */
export type NemesisAction =
  | PartitionKind
  | 'rolling'
  | 'crash'
  | 'bounce'
  | 'powerCut'
  | 'membership'
  | 'transfer'

export interface WeatherOptions {
  /** Fixed number of voters (3 or 5); drawn from the seed when absent. */
  readonly voters?: number
  readonly chaosMs?: number
}

export function drawWeather(prng: Prng, opts: WeatherOptions = {}): Weather {
  const voters = opts.voters ?? (prng.chance(0.6) ? 3 : 5)
  const spares = prng.range(0, 2)
  const stormy = prng.chance(0.5)
  const net: NetWeather = {
    dropP: stormy ? prng.next() * 0.25 : prng.next() * 0.03,
    duplicateP: prng.chance(0.5) ? prng.next() * 0.1 : 0,
    delayMinMs: 1,
    delayMaxMs: prng.range(2, stormy ? 60 : 15),
  }
  const driftMax = prng.chance(0.5) ? 0.2 : 0.05
  const tickPeriodsMs: number[] = []
  for (let i = 0; i < voters + spares; i++) {
    tickPeriodsMs.push(Math.round(timing.tickMs * (1 + (prng.next() * 2 - 1) * driftMax) * 10) / 10)
  }
  const w = (p: number): number => (prng.chance(p) ? prng.range(1, 10) : 0)
  return {
    voters,
    spares,
    clients: prng.range(1, 4),
    net,
    disk: { tornWriteP: prng.next() * 0.5, corruptP: prng.next() * 0.3 },
    tickPeriodsMs,
    fsyncMaxMs: prng.range(0, 15),
    nemesisGapMinMs: 20,
    nemesisGapMaxMs: prng.range(100, 600),
    actionWeights: {
      heal: prng.range(1, 5),
      split: w(0.7),
      isolate: w(0.7),
      oneWay: w(0.5),
      bridge: w(0.4),
      rolling: w(0.4),
      crash: w(0.8),
      bounce: w(0.5),
      powerCut: w(0.3),
      membership: spares > 0 || voters === 5 ? w(0.6) : 0,
      transfer: w(0.3),
    },
    downMaxMs: prng.range(20, 800),
    snapshotEveryEntries: prng.chance(0.5) ? prng.range(4, 30) : 0,
    maxMsgBytes: prng.chance(0.7) ? prng.range(50, 100) : prng.range(256, 4096),
    maxInflightMsgs: prng.range(1, 64),
    maxInflightBytes: prng.chance(0.5) ? 0 : prng.range(100, 2000),
    bounceAfterVoteP: prng.chance(0.5) ? prng.next() : 0,
    chaosMs: opts.chaosMs ?? prng.range(600, 2000),
    flap: prng.chance(0.5),
    readIndexReads: prng.chance(0.5),
  }
}

export function pickAction(prng: Prng, weights: Readonly<Record<NemesisAction, number>>): NemesisAction {
  const entries = Object.entries(weights) as [NemesisAction, number][]
  let total = 0
  for (const [, v] of entries) total += v
  let r = prng.next() * total
  for (const [k, v] of entries) {
    r -= v
    if (r < 0) return k
  }
  return 'heal'
}
