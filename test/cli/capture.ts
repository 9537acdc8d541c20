/**
 * A CliIo that records what a command printed, for running commands in-process: stdin from a
 * string, a settable terminal flag and a clock the test moves.
 */
import type { CliIo } from '../../src/cli/io.js'

export interface CapturedIo extends CliIo {
  stdout: string
  stderr: string
  clockMs: number
  readonly controller: AbortController
}

export function captureIo(options: { stdin?: string; tty?: boolean; columns?: number } = {}): CapturedIo {
  const controller = new AbortController()
  const input = options.stdin ?? ''
  const io: CapturedIo = {
    stdout: '',
    stderr: '',
    clockMs: 0,
    controller,
    out(t) {
      io.stdout += t
    },
    err(t) {
      io.stderr += t
    },
    stdin: (async function* () {
      // Split into two chunks so that line assembly across chunk edges is exercised.
      const mid = Math.floor(input.length / 2)
      yield Buffer.from(input.slice(0, mid))
      yield Buffer.from(input.slice(mid))
    })(),
    errIsTty: options.tty ?? false,
    columns: options.columns ?? 80,
    nowMs: () => io.clockMs,
    signal: controller.signal,
  }
  return io
}
