#!/usr/bin/env node
/**
 * The `petrel` command: `start` runs a node (src/cli/start.ts); the other commands are declared
 * in src/cli/commands/ and dispatched by src/cli/cli.ts. Failures exit non-zero with one line.
 */
import { readFileSync } from 'node:fs'
import { runCli } from './cli.js'
import { connectClient } from './client-api.js'
import { COMMANDS } from './commands/index.js'
import { oneLine } from './errors.js'
import { processIo } from './io.js'
import { runStart } from './start.js'

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

const argv = process.argv.slice(2)
const run =
  argv[0] === 'start'
    ? runStart(argv.slice(1)) // installs its own signal handlers and owns the process
    : runCli(argv, processIo(), {
        commands: COMMANDS,
        version: version(),
        connect: connectClient,
      })
run.then(
  (code) => {
    process.exitCode = code
    // A socket or a stdin reader left open must not keep a finished command alive; exit once
    // stdout has taken everything written to it.
    if (argv[0] !== 'start') process.stdout.write('', () => process.exit(code))
  },
  (e: unknown) => {
    process.stderr.write(`petrel: ${oneLine(e)}\n`)
    process.exitCode = 1
  },
)
