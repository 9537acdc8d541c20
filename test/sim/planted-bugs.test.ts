/**
 * The checkers can fail: with each of the core's planted bugs switched on, the simulator reports
 * a violation within the default seed count. Seeds are tried in order and the search stops at
 * the first violation, so the test is deterministic and usually short.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PlantedBugs } from '../../src/raft/index.js'
import { runSeeds } from '../../src/testing/sim/run.js'
import type { ViolationKind } from '../../src/testing/sim/violation.js'
import { SEEDS_DEFAULT } from './seeds.js'

const cases: readonly { bug: keyof PlantedBugs; kinds: readonly ViolationKind[] }[] = [
  { bug: 'commitByCountingOldTerm', kinds: ['safety'] },
  { bug: 'replyVoteBeforePersist', kinds: ['safety'] },
  { bug: 'grantVoteToShorterLog', kinds: ['safety'] },
  { bug: 'truncateOnHeartbeatWithoutConflict', kinds: ['safety'] },
  { bug: 'noPreVote', kinds: ['liveness'] },
]

for (const { bug, kinds } of cases) {
  test(`planted bug ${bug} is caught within ${SEEDS_DEFAULT} seeds`, () => {
    let clock = 0
    const s = runSeeds(
      { firstSeed: 1, count: SEEDS_DEFAULT, bugs: { [bug]: true }, stopOnViolation: true },
      () => clock++,
    )
    const f = s.failures[0]
    assert.ok(f?.violation !== undefined, `no violation in ${SEEDS_DEFAULT} seeds with ${bug}`)
    process.stdout.write(`# ${bug}: seed ${f.seed} (${s.seeds} seeds tried): ${f.violation.message}\n`)
    assert.ok(kinds.includes(f.violation.kind), `${bug} gave ${f.violation.message}`)
  })
}
