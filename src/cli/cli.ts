/**
 * The dispatcher: finds the command named by the leading words of argv, parses its flags, runs
 * it, and turns any failure into one line on stderr and a non-zero exit code. `petrel start`
 * keeps its own parser (src/cli/start.ts) exactly as documented in docs/quickstart.md.
 */
import { type CommandSpec, helpText, parseBootstrap, parseCommandArgs } from './command.js'
import type { Connect } from './cluster-api.js'
import { CliError, EXIT_FAILURE, EXIT_USAGE, oneLine } from './errors.js'
import type { CliIo } from './io.js'

export interface CliOptions {
  readonly commands: readonly CommandSpec[]
  /** How cluster commands reach a cluster (the Petrel client in the real binary). */
  readonly connect: Connect
  readonly version: string
  /** `petrel start`, which owns the process (signals, stdout) and so is not run through CliIo. */
  readonly start?: (argv: readonly string[]) => Promise<number>
}

function usage(commands: readonly CommandSpec[]): string {
  const rows = [['start', 'run a node (petrel start --help)']]
  for (const c of commands) rows.push([c.path.join(' '), c.summary])
  rows.push(['--version', 'print the version'], ['--help', 'print this help'])
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length)) + 2
  const lines = rows.map(([name, what]) => `  ${(name ?? '').padEnd(width)}${what}`)
  return (
    `usage: petrel <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Every command takes --help and --json; cluster commands take --bootstrap host:port.\n'
  )
}

/** The command whose path is the longest prefix of argv, and the words it did not consume. */
function resolve(
  commands: readonly CommandSpec[],
  argv: readonly string[],
): { spec: CommandSpec; rest: string[] } | undefined {
  let best: CommandSpec | undefined
  for (const c of commands) {
    const matches = c.path.every((w, i) => argv[i] === w)
    if (matches && (best === undefined || c.path.length > best.path.length)) best = c
  }
  return best === undefined ? undefined : { spec: best, rest: argv.slice(best.path.length) }
}

/** `petrel topic` or `petrel topic --help`: the subcommands of one group. */
function groupHelp(commands: readonly CommandSpec[], word: string): string | undefined {
  const members = commands.filter((c) => c.path[0] === word && c.path.length > 1)
  if (members.length === 0) return undefined
  const width = Math.max(...members.map((c) => c.path.join(' ').length)) + 2
  const lines = members.map((c) => `  ${c.path.join(' ').padEnd(width)}${c.summary}`)
  return `usage: petrel ${word} <subcommand> [flags]\n\nsubcommands:\n${lines.join('\n')}\n`
}

export async function runCli(argv: readonly string[], io: CliIo, options: CliOptions): Promise<number> {
  const first = argv[0]
  if (first === undefined || first === '--help' || first === 'help') {
    io.out(usage(options.commands))
    return first === undefined ? EXIT_USAGE : 0
  }
  if (first === '--version' || first === 'version') {
    io.out(`petrel ${options.version}\n`)
    return 0
  }
  if (first === 'start' && options.start !== undefined) return options.start(argv.slice(1))
  const found = resolve(options.commands, argv)
  if (found === undefined) {
    const group = groupHelp(options.commands, first)
    if (group !== undefined) {
      const asked = argv[1] === undefined || argv[1] === '--help'
      if (asked) io.out(group)
      else io.err(`petrel ${first}: unknown subcommand '${argv[1]}' (see petrel ${first} --help)\n`)
      return argv[1] === '--help' ? 0 : EXIT_USAGE
    }
    io.err(`petrel: unknown command '${first}' (see petrel --help)\n`)
    return EXIT_USAGE
  }
  const { spec, rest } = found
  const name = `petrel ${spec.path.join(' ')}`
  try {
    const parsed = parseCommandArgs(spec, rest)
    if (parsed.kind === 'help') {
      io.out(helpText(spec))
      return 0
    }
    const bootstrap = spec.connects ? parseBootstrap(parsed.values.bootstrap as string | undefined) : []
    return await spec.run({
      io,
      values: parsed.values,
      positionals: parsed.positionals,
      json: parsed.values.json === true,
      bootstrap,
      connect: options.connect,
    })
  } catch (e) {
    io.err(`${name}: ${oneLine(e)}\n`)
    return e instanceof CliError ? e.exitCode : EXIT_FAILURE
  }
}
