/**
 * Runs `petrel` commands in-process against a node started with startNode() on port 0, through
 * a given ClusterApi implementation, and returns what they printed.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { runCli } from '../../src/cli/cli.js'
import type { Connect } from '../../src/cli/cluster-api.js'
import { COMMANDS } from '../../src/cli/commands/index.js'
import { type RunningNode, startNode } from '../../src/index.js'
import { silentLogger } from '../../src/io/log.js'
import { removeDir, tempDataDir } from '../helpers/node-process.js'
import { repoRoot } from '../helpers/repo.js'
import { captureIo } from './capture.js'

export interface RunningBinary {
  readonly child: ChildProcess
  /** What it has printed on stdout so far. */
  stdout(): string
  readonly result: Promise<Result>
}

/** Starts the built `petrel` binary (dist/src/cli/main.js) as a child process. */
export function spawnBinary(
  argv: readonly string[],
  options: { stdin?: string; keepStdinOpen?: boolean } = {},
): RunningBinary {
  const main = join(repoRoot(), 'dist', 'src', 'cli', 'main.js')
  const child = spawn(process.execPath, [main, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString()
  })
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  if (options.keepStdinOpen === true) child.stdin.write(options.stdin ?? '')
  else child.stdin.end(options.stdin ?? '')
  const result = new Promise<Result>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  )
  return { child, stdout: () => stdout, result }
}

export function runBinary(argv: readonly string[], options: { stdin?: string } = {}): Promise<Result> {
  return spawnBinary(argv, options).result
}

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface Harness {
  readonly node: RunningNode
  readonly bootstrap: string
  petrel(argv: readonly string[], options?: { stdin?: string; tty?: boolean }): Promise<Result>
  /** Like petrel(), with --bootstrap and --json added, and stdout parsed (asserting exit 0). */
  json(argv: readonly string[], options?: { stdin?: string }): Promise<unknown>
  close(): Promise<void>
}

export async function startHarness(connect: Connect): Promise<Harness> {
  const dataDir = tempDataDir('petrel-cli-')
  const node = await startNode({ dataDir, kafkaPort: 0, logger: silentLogger })
  const bootstrap = `127.0.0.1:${node.kafkaPort}`
  const petrel = async (argv: readonly string[], options: { stdin?: string; tty?: boolean } = {}) => {
    const io = captureIo(options)
    const code = await runCli(argv, io, { commands: COMMANDS, version: 'test', connect })
    return { code, stdout: io.stdout, stderr: io.stderr }
  }
  return {
    node,
    bootstrap,
    petrel,
    async json(argv, options = {}) {
      const r = await petrel([...argv, '--bootstrap', bootstrap, '--json'], options)
      if (r.code !== 0) throw new Error(`petrel ${argv.join(' ')} exited ${r.code}: ${r.stderr}`)
      return JSON.parse(r.stdout) as unknown
    },
    async close() {
      await node.close()
      removeDir(dataDir)
    },
  }
}
