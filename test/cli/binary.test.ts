/**
 * The built `petrel` binary as a user runs it: --help on every command and group, exit codes and
 * one-line reasons (unknown command, bad flag, unreachable bootstrap), and `petrel start` still
 * answering as documented.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runCli } from '../../src/cli/cli.js'
import { connectClient } from '../../src/cli/client-api.js'
import { COMMANDS } from '../../src/cli/commands/index.js'
import { captureIo } from './capture.js'
import { runBinary } from './harness.js'

test('--help on the root, every group and every command exits 0 with its usage', async () => {
  const root = await runBinary(['--help'])
  assert.equal(root.code, 0)
  for (const c of COMMANDS)
    assert.ok(root.stdout.includes(c.path.join(' ')), `root help lists ${c.path.join(' ')}`)
  const groups = new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0] ?? ''))
  // Every command in-process (a process each would cost seconds on a busy machine), and a few
  // through the binary to show main.ts dispatches them the same way.
  const runs = [...[...groups].map((g) => [g, '--help']), ...COMMANDS.map((c) => [...c.path, '--help'])]
  for (const argv of runs) {
    const io = captureIo()
    const code = await runCli(argv, io, { commands: COMMANDS, version: 'test', connect: connectClient })
    assert.equal(code, 0, argv.join(' '))
    assert.match(io.stdout, /^usage: petrel /, argv.join(' '))
    assert.equal(io.stderr, '')
  }
  const binaryRuns = [
    ['topic', '--help'],
    ['group', 'describe', '--help'],
    ['produce', '--help'],
    ['start', '--help'],
  ]
  const results = await Promise.all(binaryRuns.map((argv) => runBinary(argv)))
  results.forEach((r, i) => {
    const argv = binaryRuns[i] ?? []
    assert.equal(r.code, 0, argv.join(' '))
    assert.match(r.stdout, /^usage: petrel /, argv.join(' '))
    assert.equal(r.stderr, '')
  })
})

test('failures: one line on stderr, nothing on stdout, exit 1 or 2', async () => {
  const cases: [string[], number, RegExp][] = [
    [['frobnicate'], 2, /^petrel: unknown command 'frobnicate' \(see petrel --help\)$/],
    [['topic', 'frobnicate'], 2, /^petrel topic: unknown subcommand 'frobnicate'/],
    [
      ['topic', 'create', 'x', '--partitions', '0'],
      2,
      /^petrel topic create: --partitions must be between 1 and/,
    ],
    [['produce', 't', '--size', '10'], 2, /^petrel produce: --size needs --count$/],
    [
      ['topic', 'list', '--bootstrap', '127.0.0.1:1'],
      1,
      /^petrel topic list: cannot reach the cluster at 127\.0\.0\.1:1: /,
    ],
    [
      ['consume', 't', '--bootstrap', '127.0.0.1:1'],
      1,
      /^petrel consume: cannot reach the cluster at 127\.0\.0\.1:1: /,
    ],
    [
      ['cluster', 'status', '--bootstrap', 'nohost'],
      2,
      /^petrel cluster status: --bootstrap: expected host:port/,
    ],
  ]
  const results = await Promise.all(cases.map(([argv]) => runBinary(argv)))
  results.forEach((r, i) => {
    const [argv, code, reason] = cases[i] ?? [[], 0, /$/]
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr.split('\n').length, 2, `exactly one line: ${r.stderr}`)
    assert.match(r.stderr.trimEnd(), reason)
  })
})
