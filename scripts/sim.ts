/**
 * The simulator's command line.
 *   npm run sim -- --seeds N [--from S]   run N seeds, print seeds/s and simulated s per wall s
 *   npm run sim -- --seed S [--log]       replay one seed exactly (with --log, print its event log)
 *   --bug NAME                            switch on one of the core's planted bugs
 *   --voters 3|5                          fix the cluster size instead of drawing it
 */
import { performance } from 'node:perf_hooks'
import type { PlantedBugs } from '../src/raft/index.js'
import { describeCoverage } from '../src/testing/sim/coverage.js'
import { runSeeds } from '../src/testing/sim/run.js'
import { rawNodeFactory } from '../src/testing/sim/run.js'
import { runSeed, type SimResult } from '../src/testing/sim/world.js'

const BUGS = [
  'commitByCountingOldTerm',
  'replyVoteBeforePersist',
  'grantVoteToShorterLog',
  'truncateOnHeartbeatWithoutConflict',
  'noPreVote',
] as const

function usage(why: string): never {
  process.stderr.write(
    `sim: ${why}\nusage: npm run sim -- (--seeds N [--from S] | --seed S [--log]) [--bug NAME] [--voters 3|5]\n`,
  )
  process.exit(2)
}

function intArg(args: string[], name: string): number | undefined {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = Number(args[i + 1])
  if (!Number.isSafeInteger(v) || v < 0) usage(`${name} needs a non-negative integer`)
  return v
}

function replayLine(r: SimResult, extra: string): string {
  return `npm run sim -- --seed ${r.seed}${extra}`
}

function main(): void {
  const args = process.argv.slice(2)
  const bugName = args.includes('--bug') ? args[args.indexOf('--bug') + 1] : undefined
  if (bugName !== undefined && !(BUGS as readonly string[]).includes(bugName))
    usage(`unknown bug ${bugName}; one of ${BUGS.join(', ')}`)
  const bugs: PlantedBugs | undefined = bugName === undefined ? undefined : { [bugName]: true }
  const voters = intArg(args, '--voters')
  if (voters !== undefined && voters !== 3 && voters !== 5) usage('--voters is 3 or 5')
  const extra = `${bugName === undefined ? '' : ` --bug ${bugName}`}${voters === undefined ? '' : ` --voters ${voters}`}`
  const one = intArg(args, '--seed')
  if (one !== undefined) {
    const r = runSeed({
      seed: one,
      factory: rawNodeFactory,
      keepLog: args.includes('--log'),
      ...(bugs === undefined ? {} : { bugs }),
      ...(voters === undefined ? {} : { voters }),
    })
    for (const line of r.log) process.stdout.write(`${line}\n`)
    const w = r.weather
    process.stdout.write(
      `seed ${one}: ${w.voters} voters, ${w.spares} spares, ${w.clients} clients, drop ${w.net.dropP.toFixed(3)}, dup ${w.net.duplicateP.toFixed(3)}, delay ≤${w.net.delayMaxMs} ms; ${(r.simMs / 1000).toFixed(2)} simulated s, ${r.events} events, ${r.ackedOps} acked ops, ${r.committed} committed entries\n`,
    )
    if (r.violation !== undefined) {
      process.stdout.write(`FAIL ${r.violation.message}\nreplay: ${replayLine(r, extra)}\n`)
      process.exit(1)
    }
    process.stdout.write('ok\n')
    return
  }
  const count = intArg(args, '--seeds') ?? 1000
  const from = intArg(args, '--from') ?? 1
  const s = runSeeds(
    {
      firstSeed: from,
      count,
      ...(bugs === undefined ? {} : { bugs }),
      ...(voters === undefined ? {} : { voters }),
    },
    () => performance.now(),
  )
  const wallS = s.wallMs / 1000
  process.stdout.write(
    `${s.seeds} seeds in ${wallS.toFixed(1)} s: ${(s.seeds / wallS).toFixed(1)} seeds/s, ${(s.simMs / 1000 / wallS).toFixed(1)} simulated s per wall s, ${(s.events / wallS / 1000).toFixed(0)}k events/s; ${s.failures.length} failed\n`,
  )
  process.stdout.write(`exercised: ${describeCoverage(s.coverage)}\n`)
  for (const f of s.failures.slice(0, 20)) {
    process.stdout.write(`FAIL seed ${f.seed}: ${f.violation?.message}\n  replay: ${replayLine(f, extra)}\n`)
  }
  if (s.failures.length > 0) process.exit(1)
}

main()
