/** `petrel topic create|list|describe|delete|alter-config`. */
import { limits } from '../../config/limits.js'
import { type CommandSpec, optInt, optList, optPairs, withCluster } from '../command.js'
import { usageError } from '../errors.js'
import { printJson, table } from '../output.js'

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/

/** Kafka's rule for topic names, checked before a round trip so the reason is precise. */
export function checkTopicName(name: string): string {
  if (name === '.' || name === '..' || name.length > limits.topicNameLengthMax || !TOPIC_NAME.test(name)) {
    throw usageError(
      `invalid topic name '${name}': 1-${limits.topicNameLengthMax} characters of a-z A-Z 0-9 . _ -`,
    )
  }
  return name
}

function topicArg(positionals: readonly string[]): string {
  return checkTopicName(positionals[0] ?? '')
}

const create: CommandSpec = {
  path: ['topic', 'create'],
  summary: 'create a topic',
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    partitions: { type: 'string', value: 'N', description: 'number of partitions (default 1)' },
    'replication-factor': { type: 'string', value: 'R', description: 'copies of each partition (default 1)' },
    config: {
      type: 'string',
      value: 'K=V',
      description: 'topic setting, e.g. retention.ms=60000',
      multiple: true,
    },
  },
  async run(ctx) {
    const name = topicArg(ctx.positionals)
    const partitions = optInt(ctx.values, 'partitions', { min: 1, max: limits.partitionsPerTopicMax }) ?? 1
    const replicationFactor = optInt(ctx.values, 'replication-factor', { min: 1, max: 32_767 }) ?? 1
    const configs = Object.fromEntries(optPairs(ctx.values, 'config'))
    await withCluster(ctx, (api) => api.createTopic({ name, partitions, replicationFactor, configs }))
    if (ctx.json) printJson(ctx.io, { topic: name, partitions, replicationFactor, configs })
    else ctx.io.out(`created topic ${name} with ${partitions} partition${partitions === 1 ? '' : 's'}\n`)
    return 0
  },
}

const list: CommandSpec = {
  path: ['topic', 'list'],
  summary: 'list topics and their partition counts',
  positionals: { min: 0, max: 0 },
  connects: true,
  options: {},
  async run(ctx) {
    const topics = await withCluster(ctx, (api) => api.listTopics())
    topics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    if (ctx.json) printJson(ctx.io, topics)
    else
      ctx.io.out(
        table(
          ['TOPIC', 'PARTITIONS'],
          topics.map((t) => [t.name, t.partitions]),
        ),
      )
    return 0
  },
}

const describe: CommandSpec = {
  path: ['topic', 'describe'],
  summary: 'show a topic: partitions, leaders, replicas, offsets and settings',
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {},
  async run(ctx) {
    const name = topicArg(ctx.positionals)
    const d = await withCluster(ctx, (api) => api.describeTopic(name))
    if (ctx.json) {
      printJson(ctx.io, d)
      return 0
    }
    const rows = d.partitions.map((p) => [
      p.partition,
      p.leader,
      p.replicas.join(','),
      p.isr.join(','),
      p.earliestOffset,
      p.latestOffset,
      p.latestOffset - p.earliestOffset,
    ])
    ctx.io.out(`topic ${d.name}, ${d.partitions.length} partitions\n\n`)
    ctx.io.out(table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'MESSAGES'], rows))
    const configs = Object.entries(d.configs).sort(([a], [b]) => (a < b ? -1 : 1))
    if (configs.length > 0) ctx.io.out(`\n${table(['SETTING', 'VALUE'], configs)}`)
    return 0
  },
}

const remove: CommandSpec = {
  path: ['topic', 'delete'],
  summary: 'delete a topic and all its messages',
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {},
  async run(ctx) {
    const name = topicArg(ctx.positionals)
    await withCluster(ctx, (api) => api.deleteTopic(name))
    if (ctx.json) printJson(ctx.io, { topic: name, deleted: true })
    else ctx.io.out(`deleted topic ${name}\n`)
    return 0
  },
}

const alterConfig: CommandSpec = {
  path: ['topic', 'alter-config'],
  summary: "change a topic's settings (others keep their values)",
  args: '<topic>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    set: { type: 'string', value: 'K=V', description: 'set a setting', multiple: true },
    delete: { type: 'string', value: 'K', description: 'return a setting to its default', multiple: true },
  },
  notes: 'example: petrel topic alter-config orders --set retention.ms=3600000 --delete segment.bytes',
  async run(ctx) {
    const name = topicArg(ctx.positionals)
    const set = Object.fromEntries(optPairs(ctx.values, 'set'))
    const del = optList(ctx.values, 'delete')
    if (Object.keys(set).length === 0 && del.length === 0)
      throw usageError('give at least one --set or --delete')
    for (const k of del) if (k in set) throw usageError(`'${k}' is both set and deleted`)
    await withCluster(ctx, (api) => api.alterTopicConfig(name, set, del))
    if (ctx.json) printJson(ctx.io, { topic: name, set, deleted: del })
    else ctx.io.out(`updated ${Object.keys(set).length + del.length} setting(s) of topic ${name}\n`)
    return 0
  },
}

export const TOPIC_COMMANDS: readonly CommandSpec[] = [create, list, describe, remove, alterConfig]
