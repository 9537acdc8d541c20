/**
 * `petrel start`: run one node in the foreground. Flags override the `--config` JSON file, which
 * overrides the defaults. Prints one line when ready; logs are JSON lines on stderr. SIGTERM and
 * SIGINT shut down cleanly (queued writes reach the disk first).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type NodeOptions, startNode } from '../node/node.js'

export const START_USAGE = `usage: petrel start [flags]

  --data-dir DIR             data folder (default ./petrel-data)
  --kafka-port P             Kafka listener port, 0 picks a free one (default 9092)
  --host H                   address to bind (default 127.0.0.1)
  --advertised-host H        address clients are told to use (default: --host, or 127.0.0.1)
  --node-id N                this node's id (default 0)
  --default-partitions N     partitions of an auto-created topic (default 1)
  --no-auto-create-topics    do not create unknown topics on Metadata and Produce
  --group-initial-rebalance-delay-ms MS
                             how long a new group's first rebalance waits (default 3000)
  --config FILE              JSON file with any of: dataDir, kafkaPort, host, advertisedHost,
                             nodeId, defaultPartitions, autoCreateTopics,
                             groupInitialRebalanceDelayMs, offsetsTopicPartitions
  --help                     print this help`

const CONFIG_KEYS = new Set([
  'dataDir',
  'kafkaPort',
  'host',
  'advertisedHost',
  'nodeId',
  'defaultPartitions',
  'autoCreateTopics',
  'groupInitialRebalanceDelayMs',
  'offsetsTopicPartitions',
])

function intFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got '${v}'`)
  return Number(v)
}

function readConfig(path: string): NodeOptions {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`--config ${path}: ${(e as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`--config ${path}: expected a JSON object`)
  }
  for (const k of Object.keys(parsed)) {
    if (!CONFIG_KEYS.has(k)) throw new Error(`--config ${path}: unknown setting '${k}'`)
  }
  return parsed as NodeOptions
}

export function parseStartArgs(argv: readonly string[]): NodeOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'kafka-port': { type: 'string' },
      host: { type: 'string' },
      'advertised-host': { type: 'string' },
      'node-id': { type: 'string' },
      'default-partitions': { type: 'string' },
      'no-auto-create-topics': { type: 'boolean' },
      'group-initial-rebalance-delay-ms': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help === true) return 'help'
  const options: NodeOptions = values.config === undefined ? {} : readConfig(values.config)
  const set = <K extends keyof NodeOptions>(k: K, v: NodeOptions[K] | undefined): void => {
    if (v !== undefined) options[k] = v
  }
  set('dataDir', values['data-dir'])
  set('kafkaPort', intFlag('kafka-port', values['kafka-port']))
  set('host', values.host)
  set('advertisedHost', values['advertised-host'])
  set('nodeId', intFlag('node-id', values['node-id']))
  set('defaultPartitions', intFlag('default-partitions', values['default-partitions']))
  set(
    'groupInitialRebalanceDelayMs',
    intFlag('group-initial-rebalance-delay-ms', values['group-initial-rebalance-delay-ms']),
  )
  if (values['no-auto-create-topics'] === true) options.autoCreateTopics = false
  return options
}

export async function runStart(argv: readonly string[]): Promise<number> {
  let options: NodeOptions | 'help'
  try {
    options = parseStartArgs(argv)
  } catch (e) {
    process.stderr.write(`petrel start: ${(e as Error).message}\n`)
    return 2
  }
  if (options === 'help') {
    process.stdout.write(`${START_USAGE}\n`)
    return 0
  }
  const node = await startNode(options)
  process.stdout.write(`listening on ${node.advertisedHost}:${node.kafkaPort}\n`)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      resolve()
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
  await node.close()
  return 0
}
