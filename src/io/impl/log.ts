/** JSON-lines logging to a writable stream (stderr by default). */
import type { Logger } from '../log.js'

export function jsonLogger(
  write: (line: string) => void = (l) => process.stderr.write(l),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (level: string, event: string, fields?: Record<string, unknown>): void => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields })}\n`)
  }
  return {
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  }
}
