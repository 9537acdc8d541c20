/**
 * Splits a stream of chunks into lines without holding more than one line plus one chunk: each
 * chunk's complete lines come out together (so interactive input is sent as typed, and piped
 * input in chunk-sized groups), and a line longer than the limit is an error, not growth.
 */
import { limits } from '../config/limits.js'
import { CliError } from './errors.js'

export async function* lineGroups(
  chunks: AsyncIterable<Buffer | string>,
  lineBytesMax: number = limits.cliLineBytesMax,
): AsyncGenerator<Buffer[]> {
  let partial: Buffer = Buffer.alloc(0)
  let lineNumber = 0
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    const lines: Buffer[] = []
    let start = 0
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      let line =
        partial.length === 0 ? buf.subarray(start, nl) : Buffer.concat([partial, buf.subarray(start, nl)])
      partial = Buffer.alloc(0)
      lineNumber++
      if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1)
      if (line.length > lineBytesMax) throw tooLong(lineNumber, lineBytesMax)
      lines.push(line)
      start = nl + 1
    }
    if (start < buf.length) {
      // Copy: the chunk's memory may be reused by the stream after we yield.
      partial = Buffer.concat([partial, buf.subarray(start)])
      if (partial.length > lineBytesMax) throw tooLong(lineNumber + 1, lineBytesMax)
    }
    if (lines.length > 0) yield lines
  }
  if (partial.length > 0) {
    const last = partial[partial.length - 1] === 13 ? partial.subarray(0, partial.length - 1) : partial
    yield [last]
  }
}

function tooLong(line: number, max: number): CliError {
  return new CliError(`line ${line} is longer than ${max} bytes`)
}
