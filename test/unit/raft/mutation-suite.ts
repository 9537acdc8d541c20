/**
 * Every raft unit test in one process, for `npm run mutate:raft`: the Stryker tap runner starts
 * one process per test file and per mutant, and one process instead of seven is most of its cost.
 * Not a *.test.ts file, so `npm test` does not run these twice.
 */
import './interaction.test.js'
import './memory-storage.test.js'
import './planted-bugs.test.js'
import './progress.test.js'
import './raft-log.test.js'
import './raw-node.test.js'
// Last: the slowest, and with the tap runner's forceBail a mutant killed earlier skips it.
import './random-cluster.test.js'
