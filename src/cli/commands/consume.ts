/**
 * `petrel consume <topic>`: prints messages (value per line; key and headers on request; one
 * JSON object per line with --json) until --count messages, --idle-ms without one, or Ctrl-C.
 * In a group (--group) offsets are committed to the group; a final rate line goes to stderr.
 */
import { limits } from '../../config/limits.js'
import type { Header, IncomingMessage } from '../cluster-api.js'
import { type CommandSpec, optFlag, optInt, optString, withCluster } from '../command.js'
import { toJson } from '../output.js'
import { Progress, rateLine } from '../progress.js'
import { checkTopicName } from './topic.js'

function headerText(headers: readonly Header[]): string {
  return headers.map((h) => `${h.key}=${h.value.toString()}`).join(',')
}

export function formatMessage(m: IncomingMessage, show: { key: boolean; headers: boolean }): string {
  const parts: string[] = []
  if (show.key) parts.push(m.key === null ? '' : m.key.toString())
  if (show.headers) parts.push(headerText(m.headers))
  parts.push(m.value === null ? '' : m.value.toString())
  return parts.join('\t')
}

export function messageJson(m: IncomingMessage): string {
  return toJson({
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestampMs: m.timestampMs,
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    headers: m.headers.map((h) => ({ key: h.key, value: h.value.toString() })),
  })
}

const consume: CommandSpec = {
  path: ['consume'],
  summary: 'print messages from a topic, alone or as a member of a group',
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    group: { type: 'string', value: 'G', description: 'join consumer group G and commit offsets to it' },
    'from-beginning': { type: 'boolean', description: 'start at the earliest offset when none is committed' },
    count: { type: 'string', value: 'N', description: 'stop after N messages' },
    'idle-ms': { type: 'string', value: 'T', description: 'stop after T ms without a message' },
    'print-key': { type: 'boolean', description: 'print KEY<TAB> before each value' },
    'print-headers': { type: 'boolean', description: 'print k=v,k2=v2<TAB> before each value' },
  },
  notes: 'Stops cleanly on Ctrl-C: offsets are committed (in a group) and the group is left.',
  async run(ctx) {
    const topic = checkTopicName(ctx.positionals[0] ?? '')
    const count = optInt(ctx.values, 'count', { min: 1, max: limits.cliMessageCountMax })
    const idleMs = optInt(ctx.values, 'idle-ms', { min: 1, max: 24 * 3600 * 1000 })
    const group = optString(ctx.values, 'group')
    const show = { key: optFlag(ctx.values, 'print-key'), headers: optFlag(ctx.values, 'print-headers') }
    // One signal for every way to stop: the user's Ctrl-C, the idle timer.
    const stop = new AbortController()
    const onAbort = (): void => stop.abort()
    ctx.io.signal.addEventListener('abort', onAbort)
    let idle: NodeJS.Timeout | undefined
    const armIdle = (): void => {
      if (idleMs === undefined) return
      clearTimeout(idle)
      idle = setTimeout(onAbort, idleMs)
    }
    const progress = new Progress(ctx.io, count)
    try {
      await withCluster(ctx, async (api) => {
        // The idle clock starts once partitions are assigned: joining a group alone takes the
        // coordinator's initial rebalance delay (3 s), which is not idleness.
        const messages = api.consume({
          onReady: armIdle,
          topic,
          ...(group === undefined ? {} : { group }),
          fromBeginning: optFlag(ctx.values, 'from-beginning'),
          signal: stop.signal,
        })
        let seen = 0
        for await (const m of messages) {
          // Stopped while this message was on its way: the consumer (closing since the abort)
          // commits only what was printed, so this one is left for the next reader, unprinted.
          if (stop.signal.aborted) break
          armIdle()
          ctx.io.out(`${ctx.json ? messageJson(m) : formatMessage(m, show)}\n`)
          progress.add(1, (m.value?.length ?? 0) + (m.key?.length ?? 0))
          if (count !== undefined && ++seen >= count) break
        }
      })
    } finally {
      clearTimeout(idle)
      ctx.io.signal.removeEventListener('abort', onAbort)
    }
    ctx.io.err(`${rateLine('consumed', progress.finish())}\n`)
    return 0
  },
}

export const CONSUME_COMMANDS: readonly CommandSpec[] = [consume]
