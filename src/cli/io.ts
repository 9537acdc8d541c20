/**
 * What a command may touch: its output streams, stdin, whether stdout/stderr are terminals, the
 * clock and a stop signal. Commands take this instead of `process` so that tests run them
 * in-process against a node and read exactly what they printed.
 */
import { addAbortSignal } from 'node:stream'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  /** Chunks of standard input; read only by commands that take data from stdin. */
  readonly stdin: AsyncIterable<Buffer | string>
  /** True when stderr is a terminal: progress bars are drawn there, and only then. */
  readonly errIsTty: boolean
  /** Terminal width for the progress bar. */
  readonly columns: number
  nowMs(): number
  /** Aborted on SIGINT/SIGTERM: long-running commands stop, print their summary, exit 0. */
  readonly signal: AbortSignal
}

/** The real process: stdout/stderr, SIGINT and SIGTERM abort the signal. */
export function processIo(): CliIo {
  const controller = new AbortController()
  const stop = (): void => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    controller.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Ctrl-C must also end a read that waits on a terminal: abort destroys stdin, and a pending
    // `for await` over it then throws (produce treats that as a stop, not a failure).
    stdin: addAbortSignal(controller.signal, process.stdin),
    errIsTty: process.stderr.isTTY === true,
    columns: process.stderr.columns || 80, // 0 under some pseudo-terminals
    nowMs: () => performance.now(),
    signal: controller.signal,
  }
}
