/**
 * The composition root of one node: opens the data folder, the metadata store and the partition
 * logs, builds the Kafka front door on a real socket and returns a handle that shuts it all down
 * in order (stop accepting, drop connections, let queued writes reach the disk, close files).
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkPartitionCount } from '../cluster/topics.js'
import { systemClock } from '../io/impl/clock.js'
import { jsonLogger } from '../io/impl/log.js'
import { NodeNetServer } from '../io/impl/net.js'
import type { Logger } from '../io/log.js'
import { Broker } from '../kafka/broker.js'
import { serveKafka } from '../kafka/front-door.js'
import { allHandlers } from '../kafka/handlers/index.js'
import { Router } from '../kafka/router.js'
import { AclFile } from './acl-file.js'
import { BrokerConfigFile } from './broker-config-file.js'
import { StorageLogs } from './storage-log.js'
import { GroupsDriver } from './groups-driver.js'
import { MetadataFile } from './metadata-file.js'

export interface NodeOptions {
  /** How often retention runs over the open logs, in ms. Default 300000 (Kafka's). */
  retentionCheckIntervalMs?: number
  /** Where topics, logs and the cluster id live. Default ./petrel-data. */
  dataDir?: string
  /** Address the Kafka listener binds. Default 127.0.0.1. */
  host?: string
  /** Kafka listener port; 0 picks a free one. Default 9092. */
  kafkaPort?: number
  /** Host clients are told to connect to. Default: `host`, or 127.0.0.1 when binding all addresses. */
  advertisedHost?: string
  nodeId?: number
  /** Create unknown topics on Metadata and Produce. Default true, as in Kafka. */
  autoCreateTopics?: boolean
  /** Partitions an auto-created topic gets. Default 1, as in Kafka. */
  defaultPartitions?: number
  /** group.initial.rebalance.delay.ms: how long a new group's first rebalance waits. Default 3000. */
  groupInitialRebalanceDelayMs?: number
  /** Partitions of `__consumer_offsets` when this node creates it. Default 50, as in Kafka. */
  offsetsTopicPartitions?: number
  logger?: Logger
}

export interface RunningNode {
  readonly host: string
  readonly kafkaPort: number
  readonly advertisedHost: string
  readonly dataDir: string
  close(): Promise<void>
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', ''])

async function clusterIdOf(dataDir: string): Promise<string> {
  const path = join(dataDir, 'cluster-id')
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    const id = randomUUID()
    await writeFile(path, `${id}\n`)
    return id
  }
}

export async function startNode(options: NodeOptions = {}): Promise<RunningNode> {
  const dataDir = options.dataDir ?? './petrel-data'
  const host = options.host ?? '127.0.0.1'
  const port = options.kafkaPort ?? 9092
  const nodeId = options.nodeId ?? 0
  const defaultPartitions = options.defaultPartitions ?? 1
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`kafka port ${port} is not a port number`)
  if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > 0x7fffffff)
    throw new Error(`node id ${nodeId} is not an int32 >= 0`)
  checkPartitionCount(defaultPartitions)
  const log = options.logger ?? jsonLogger()
  await mkdir(dataDir, { recursive: true })
  const clusterId = await clusterIdOf(dataDir)
  const metadata = await MetadataFile.open(join(dataDir, 'metadata'))
  const logs = new StorageLogs({
    dataDir,
    log,
    configOf: (topic) => metadata.state().topics.get(topic)?.config,
    nowMs: () => systemClock.nowMs(),
    ...(options.retentionCheckIntervalMs === undefined
      ? {}
      : { retentionCheckIntervalMs: options.retentionCheckIntervalMs }),
  })
  const server = new NodeNetServer()
  const advertisedHost = options.advertisedHost ?? (WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host)
  const settings = {
    nodeId,
    advertisedHost,
    advertisedPort: port,
    clusterId,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions,
  }
  const acls = await AclFile.open(join(dataDir, 'metadata'))
  const brokerConfigs = await BrokerConfigFile.open(join(dataDir, 'metadata'))
  const broker = new Broker(settings, metadata, acls, brokerConfigs, logs, systemClock, log)
  const router: Router = new Router(
    allHandlers(() => router.ranges()),
    broker,
    log,
  )
  // Loaded before the listener opens, so no client sees COORDINATOR_NOT_AVAILABLE from a healthy node.
  const groups = await GroupsDriver.start(broker, systemClock, log, {
    config: { initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 3000 },
    ...(options.offsetsTopicPartitions === undefined
      ? {}
      : { offsetsTopicPartitions: options.offsetsTopicPartitions }),
  })
  broker.groups = groups
  serveKafka(server, router, log)
  const bound = await server.listen(host, port)
  // Port 0 is only known after binding; clients must be told the real one.
  settings.advertisedPort = bound
  log.info('node.started', { nodeId, host, kafkaPort: bound, advertisedHost, dataDir, clusterId })
  let closing: Promise<void> | null = null
  return {
    host,
    kafkaPort: bound,
    advertisedHost,
    dataDir,
    close() {
      closing ??= (async () => {
        await server.close()
        groups.close()
        broker.close()
        await logs.closeAll()
        log.info('node.stopped', { nodeId })
      })()
      return closing
    },
  }
}
