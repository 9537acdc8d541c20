/**
 * `petrel produce <topic>`: one message per stdin line, or `--count N --size B` generated
 * messages. A progress bar on a terminal, then one rate line (or a JSON summary with --json).
 */
import { limits } from '../../config/limits.js'
import type { Header, OutgoingMessage, ProducerHandle } from '../cluster-api.js'
import {
  type CommandContext,
  type CommandSpec,
  optInt,
  optPairs,
  optString,
  withCluster,
} from '../command.js'
import { CliError, usageError } from '../errors.js'
import { lineGroups } from '../lines.js'
import { printJson } from '../output.js'
import { Progress, rateLine } from '../progress.js'
import { checkTopicName } from './topic.js'

interface Shape {
  readonly key: Buffer | null
  readonly separator: string | undefined
  readonly headers: readonly Header[]
}

/** A value of `size` printable bytes; one buffer shared by every generated message. */
export function generatedValue(size: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = 97 + (i % 26)
  return b
}

function toMessage(line: Buffer, shape: Shape, lineNumber: number): OutgoingMessage {
  if (shape.separator === undefined) return { key: shape.key, value: line, headers: shape.headers }
  const at = line.indexOf(shape.separator)
  if (at === -1) throw new CliError(`line ${lineNumber} has no key separator '${shape.separator}'`)
  return {
    key: line.subarray(0, at),
    value: line.subarray(at + Buffer.byteLength(shape.separator)),
    headers: shape.headers,
  }
}

async function sendAll(
  producer: ProducerHandle,
  topic: string,
  partition: number | undefined,
  messages: readonly OutgoingMessage[],
  progress: Progress,
): Promise<void> {
  for (let i = 0; i < messages.length; i += limits.cliSendMessagesMax) {
    const part = messages.slice(i, i + limits.cliSendMessagesMax)
    await producer.send(topic, part, partition)
    progress.add(
      part.length,
      part.reduce((n, m) => n + m.value.length + (m.key?.length ?? 0), 0),
    )
  }
}

async function fromStdin(ctx: CommandContext, run: Run): Promise<void> {
  let lineNumber = 0
  try {
    for await (const group of lineGroups(ctx.io.stdin)) {
      if (ctx.io.signal.aborted) return
      const messages = group.map((line) => toMessage(line, run.shape, ++lineNumber))
      await sendAll(run.producer, run.topic, run.partition, messages, run.progress)
    }
  } catch (e) {
    if (ctx.io.signal.aborted) return // stdin destroyed by Ctrl-C: a stop, with the summary
    throw e
  }
}

async function generated(ctx: CommandContext, run: Run, count: number, size: number): Promise<void> {
  const value = generatedValue(size)
  const message: OutgoingMessage = { key: run.shape.key, value, headers: run.shape.headers }
  // Keep a few sends in flight so the producer can fill batches while earlier ones are acked.
  const inflight: Promise<void>[] = []
  for (let sent = 0; sent < count && !ctx.io.signal.aborted; ) {
    const n = Math.min(limits.cliSendMessagesMax, count - sent)
    const messages = new Array<OutgoingMessage>(n).fill(message)
    const sending = sendAll(run.producer, run.topic, run.partition, messages, run.progress)
    // Marked handled now; the failure is rethrown when this send is awaited below.
    sending.catch(() => {})
    inflight.push(sending)
    sent += n
    if (inflight.length >= 4) await inflight.shift()
  }
  await Promise.all(inflight)
}

interface Run {
  readonly topic: string
  readonly partition: number | undefined
  readonly shape: Shape
  readonly producer: ProducerHandle
  readonly progress: Progress
}

const produce: CommandSpec = {
  path: ['produce'],
  summary: 'send messages: one per stdin line, or --count N generated ones',
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    key: { type: 'string', value: 'K', description: 'key of every message (default: none)' },
    'key-separator': { type: 'string', value: 'S', description: 'each line is KEY<S>VALUE' },
    header: { type: 'string', value: 'K=V', description: 'a header on every message', multiple: true },
    partition: { type: 'string', value: 'P', description: 'send to this partition (default: by key)' },
    count: { type: 'string', value: 'N', description: 'send N generated messages instead of stdin' },
    size: { type: 'string', value: 'B', description: 'bytes per generated message (default 100)' },
    acks: { type: 'string', value: 'A', description: '-1 (all, default), 1 (leader) or 0 (none)' },
  },
  notes: 'examples:\n  seq 1 10 | petrel produce hello\n  petrel produce hello --count 100000 --size 1024',
  async run(ctx) {
    const topic = checkTopicName(ctx.positionals[0] ?? '')
    const count = optInt(ctx.values, 'count', { min: 1, max: limits.cliMessageCountMax })
    const size = optInt(ctx.values, 'size', { min: 0, max: limits.recordBatchBytesMax })
    if (size !== undefined && count === undefined) throw usageError('--size needs --count')
    const partition = optInt(ctx.values, 'partition', { min: 0, max: limits.partitionsPerTopicMax - 1 })
    const acks = optInt(ctx.values, 'acks', { min: -1, max: 1 }) ?? -1
    const key = optString(ctx.values, 'key')
    const separator = optString(ctx.values, 'key-separator')
    if (key !== undefined && separator !== undefined)
      throw usageError('--key and --key-separator exclude each other')
    if (separator === '') throw usageError('--key-separator is empty')
    if (separator !== undefined && count !== undefined)
      throw usageError('--key-separator reads stdin; not with --count')
    const headers = optPairs(ctx.values, 'header').map(([k, v]) => ({ key: k, value: Buffer.from(v) }))
    const shape: Shape = { key: key === undefined ? null : Buffer.from(key), separator, headers }
    const summary = await withCluster(ctx, async (api) => {
      const producer = await api.producer({ acks: acks as -1 | 0 | 1 })
      const progress = new Progress(ctx.io, count)
      try {
        const run: Run = { topic, partition, shape, producer, progress }
        if (count === undefined) await fromStdin(ctx, run)
        else await generated(ctx, run, count, size ?? 100)
      } finally {
        await producer.close()
      }
      return progress.finish()
    })
    if (ctx.json) printJson(ctx.io, { topic, ...summary })
    else ctx.io.out(`${rateLine('produced', summary)}\n`)
    return 0
  },
}

export const PRODUCE_COMMANDS: readonly CommandSpec[] = [produce]
