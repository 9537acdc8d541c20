#!/usr/bin/env node
/**
 * The `petrel` command. Subcommands arrive with their issues (start: the single-node issue;
 * topic/produce/consume/group: the client issue). Unknown commands exit non-zero with one line.
 */
import { readFileSync } from 'node:fs'
import { runStart } from './start.js'

const USAGE = `usage: petrel <command> [flags]

commands:
  start         run a node (petrel start --help)
  --version     print the version
  --help        print this help`

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0]
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return command === undefined ? 1 : 0
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`petrel ${version()}\n`)
    return 0
  }
  if (command === 'start') return runStart(argv.slice(1))
  process.stderr.write(`petrel: unknown command '${command}' (see petrel --help)\n`)
  return 2
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`petrel: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  },
)
