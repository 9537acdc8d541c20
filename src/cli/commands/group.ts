/** `petrel group list|describe|reset-offsets`. */
import { type CommandSpec, type OptionValues, optFlag, optInt, optString, withCluster } from '../command.js'
import type { ClusterApi, GroupAdmin, OffsetTarget, PartitionLag } from '../cluster-api.js'
import { CliError, usageError } from '../errors.js'
import { printJson, table } from '../output.js'
import { checkTopicName } from './topic.js'

function lagTable(offsets: readonly PartitionLag[]): string {
  const sorted = [...offsets].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  )
  const rows = sorted.map((o) => [o.topic, o.partition, o.committedOffset, o.latestOffset, o.lag])
  return table(['TOPIC', 'PARTITION', 'COMMITTED', 'LATEST', 'LAG'], rows)
}

function groupAdmin(api: ClusterApi): GroupAdmin {
  if (api.groups === null) throw new CliError('this client has no group administration')
  return api.groups
}

function groupArg(positionals: readonly string[]): string {
  const g = positionals[0] ?? ''
  if (g === '') throw usageError('the group id is empty')
  return g
}

const list: CommandSpec = {
  path: ['group', 'list'],
  summary: 'list consumer groups and their states',
  positionals: { min: 0, max: 0 },
  connects: true,
  options: {},
  async run(ctx) {
    const groups = await withCluster(ctx, (api) => groupAdmin(api).listGroups())
    groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
    if (ctx.json) printJson(ctx.io, groups)
    else
      ctx.io.out(
        table(
          ['GROUP', 'STATE', 'TYPE'],
          groups.map((g) => [g.groupId, g.state, g.protocolType]),
        ),
      )
    return 0
  },
}

const describe: CommandSpec = {
  path: ['group', 'describe'],
  summary: "show a group's state, members and lag per partition",
  args: '<group>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {},
  async run(ctx) {
    const id = groupArg(ctx.positionals)
    const g = await withCluster(ctx, (api) => groupAdmin(api).describeGroup(id))
    if (ctx.json) {
      const totalLag = g.offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0)
      printJson(ctx.io, { ...g, totalLag })
      return 0
    }
    ctx.io.out(`group ${g.groupId}: ${g.state}, ${g.members.length} member(s)`)
    ctx.io.out(g.protocol === '' ? '\n' : `, assignor ${g.protocol}\n`)
    if (g.members.length > 0) {
      const rows = g.members.map((m) => [
        m.memberId,
        m.clientId,
        m.host,
        m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' '),
      ])
      ctx.io.out(`\n${table(['MEMBER', 'CLIENT', 'HOST', 'PARTITIONS'], rows)}`)
    }
    if (g.offsets.length > 0) ctx.io.out(`\n${lagTable(g.offsets)}`)
    return 0
  },
}

function target(values: OptionValues): OffsetTarget {
  const offset = optInt(values, 'to-offset', { min: 0, max: Number.MAX_SAFE_INTEGER })
  const chosen: OffsetTarget[] = []
  if (optFlag(values, 'to-earliest')) chosen.push({ kind: 'earliest' })
  if (optFlag(values, 'to-latest')) chosen.push({ kind: 'latest' })
  if (offset !== undefined) chosen.push({ kind: 'offset', offset })
  const only = chosen[0]
  if (chosen.length !== 1 || only === undefined) {
    throw usageError('give exactly one of --to-earliest, --to-latest, --to-offset N')
  }
  return only
}

const resetOffsets: CommandSpec = {
  path: ['group', 'reset-offsets'],
  summary: "move a group's committed offsets on every partition of a topic",
  args: '<group>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    topic: { type: 'string', value: 'T', description: 'the topic whose offsets move (required)' },
    'to-earliest': { type: 'boolean', description: 'to the first offset still stored' },
    'to-latest': { type: 'boolean', description: 'to the end (skip everything not yet read)' },
    'to-offset': { type: 'string', value: 'N', description: 'to offset N on every partition' },
  },
  notes: 'The group must have no active members (Kafka refuses to move offsets under a live group).',
  async run(ctx) {
    const id = groupArg(ctx.positionals)
    const topicFlag = optString(ctx.values, 'topic')
    if (topicFlag === undefined) throw usageError('--topic is required')
    const topic = checkTopicName(topicFlag)
    const to = target(ctx.values)
    const offsets = await withCluster(ctx, (api) => groupAdmin(api).resetGroupOffsets(id, topic, to))
    if (ctx.json) printJson(ctx.io, { groupId: id, topic, offsets })
    else ctx.io.out(`reset group ${id} on ${topic}\n\n${lagTable(offsets)}`)
    return 0
  },
}

export const GROUP_COMMANDS: readonly CommandSpec[] = [list, describe, resetOffsets]
