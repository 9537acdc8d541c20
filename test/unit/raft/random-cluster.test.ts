/**
 * Seeded random clusters: safety after every step under message loss, duplication, reordering,
 * crashes, compaction and a membership change; liveness once faults stop. A failure names its
 * seed; rerun one with RAFT_SEED=S.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RandomCluster } from './random-cluster.js'

const only = process.env.RAFT_SEED === undefined ? undefined : Number(process.env.RAFT_SEED)
/** Seeds as a share of the defaults; npm run mutate:raft lowers it so each mutant runs quickly. */
const scale = Number(process.env.RAFT_RANDOM_SCALE ?? 1)

function runSeeds(voters: number, seeds: number, steps: number): void {
  const count = Math.max(1, Math.round(seeds * scale))
  const list = only === undefined ? Array.from({ length: count }, (_, i) => i + 1) : [only]
  let commits = 0
  for (const seed of list) {
    const r = new RandomCluster({ seed, voters, steps }).run()
    assert.equal(r.violation, undefined, `seed ${seed} (RAFT_SEED=${seed}): ${r.violation}`)
    assert.ok(r.livenessOk, `seed ${seed} (RAFT_SEED=${seed}): no new commit after healing`)
    commits += r.commits
  }
  assert.ok(commits > list.length, 'the runs commit entries')
}

test('random 3-voter clusters stay safe and live', () => runSeeds(3, 100, 3000))
test('random 5-voter clusters stay safe and live', () => runSeeds(5, 40, 3000))
