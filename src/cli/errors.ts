/**
 * The one kind of failure a command reports: a one-line reason and an exit code. Anything else
 * that escapes a command is printed as one line too (its message), with exit code 1.
 */
export const EXIT_FAILURE = 1
/** Bad flags or arguments: the command never ran. */
export const EXIT_USAGE = 2

export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message)
    this.exitCode = exitCode
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

/** One line, whatever was thrown: multi-line messages are folded so scripts can grep them. */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  const folded = text.replace(/\s*\n\s*/g, '; ').trim()
  return folded === '' ? (e instanceof Error ? e.name : 'unknown error') : folded
}
