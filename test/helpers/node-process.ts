/**
 * Runs a real `petrel start` process on loopback for compatibility and chaos tests: port 0, a
 * fresh (or given) data folder, stdout parsed for the ready line, stderr kept for inspection.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from './repo.js'

export interface NodeProcess {
  readonly port: number
  readonly broker: string
  readonly dataDir: string
  readonly proc: ChildProcess
  /** Everything the node wrote to stderr so far (its JSON-lines log). */
  logs(): string
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>
}

export function tempDataDir(prefix = 'petrel-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

export async function startNodeProcess(
  options: { dataDir?: string; args?: string[] } = {},
): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? tempDataDir()
  const main = join(repoRoot(), 'dist', 'src', 'cli', 'main.js')
  const proc = spawn(
    process.execPath,
    [main, 'start', '--data-dir', dataDir, '--kafka-port', '0', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  proc.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`node did not start: ${stderr}`)), 15_000)
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /listening on [^:\s]+:(\d+)/.exec(out)
      if (m !== null) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`node exited with ${code} before listening: ${stderr}`))
    })
  })
  return {
    port,
    broker: `127.0.0.1:${port}`,
    dataDir,
    proc,
    logs: () => stderr,
    async stop() {
      proc.kill('SIGTERM')
      return exited
    },
    async kill() {
      proc.kill('SIGKILL')
      await exited
    },
  }
}
