/**
 * Failover time in simulation: with 3 and 5 voters, a calm network (1–5 ms per message, no loss)
 * and no clock drift, the leader crashes once it has committed; the figure is the simulated time
 * from the crash until a new leader commits its first entry (its own empty entry). Printed as
 * p50/p99/max over the seeds.   npm run sim:failover [-- --seeds N]
 */
import { runSeeds } from '../src/testing/sim/run.js'
import { phases } from '../src/testing/sim/world.js'
import { timing } from '../src/testing/sim/weather.js'

function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)] as number
}

const args = process.argv.slice(2)
const seedsArg = args.indexOf('--seeds')
const count = seedsArg >= 0 ? Number(args[seedsArg + 1]) : 1000
if (!Number.isSafeInteger(count) || count <= 0) {
  process.stderr.write('sim:failover: --seeds needs a positive integer\n')
  process.exit(2)
}

process.stdout.write(
  `tick ${timing.tickMs} ms, election timeout ${timing.electionTicks} ticks (randomized in [${timing.electionTicks}, ${2 * timing.electionTicks}) ticks), heartbeat ${timing.heartbeatTicks} tick, pre-vote and check-quorum on; ${count} seeds per size; bound ${phases.failoverBoundMs} ms\n`,
)
let failed = false
for (const voters of [3, 5]) {
  const times: number[] = []
  const s = runSeeds(
    {
      firstSeed: 1,
      count,
      voters,
      scenario: 'failover',
      onResult: (r) => {
        if (r.failoverMs !== undefined) times.push(r.failoverMs)
      },
    },
    () => 0,
  )
  times.sort((a, b) => a - b)
  const fmt = (v: number): string => v.toFixed(0)
  process.stdout.write(
    `${voters} voters: failover to a new leader's first commit p50 ${fmt(percentile(times, 50))} ms, p99 ${fmt(percentile(times, 99))} ms, max ${fmt(times[times.length - 1] ?? Number.NaN)} ms (${times.length} seeds)\n`,
  )
  for (const f of s.failures.slice(0, 5)) {
    failed = true
    process.stdout.write(
      `FAIL seed ${f.seed}: ${f.violation?.message}\n  replay: npm run sim -- --seed ${f.seed} --voters ${voters}\n`,
    )
  }
}
if (failed) process.exit(1)
