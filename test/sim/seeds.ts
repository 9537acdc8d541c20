/**
 * Shared by the seed-sweep tests: runs a range of seeds and fails with the replay command of
 * every failing seed.
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { runSeeds } from '../../src/testing/sim/run.js'

export function sweep(firstSeed: number, count: number): void {
  const s = runSeeds({ firstSeed, count }, () => performance.now())
  const wallS = s.wallMs / 1000
  process.stdout.write(
    `# seeds ${firstSeed}..${firstSeed + count - 1}: ${(s.seeds / wallS).toFixed(1)} seeds/s, ${(s.simMs / 1000 / wallS).toFixed(1)} simulated s per wall s\n`,
  )
  const lines = s.failures.map((f) => `${f.violation?.message}\n  replay: npm run sim -- --seed ${f.seed}`)
  assert.equal(s.seeds, count)
  assert.deepEqual(lines, [], lines.join('\n'))
}

/** The seed count of `npm test` (and the planted-bug test's budget): split over two files. */
export const SEEDS_DEFAULT = 1000
