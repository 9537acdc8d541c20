/**
 * Dynamic broker configs (AlterConfigs / IncrementalAlterConfigs on a BROKER resource), as Kafka
 * keeps them: per broker (resource name = the node id) or cluster-wide defaults (empty name).
 * Petrel accepts, stores and reports them but acts on none yet, as it does for the passive topic
 * settings; a setting Kafka can only change in its config file is refused as Kafka refuses it.
 */
import { limits } from '../config/limits.js'

/** Where a node keeps them. `scope` is '' (cluster default) or a node id in decimal. */
export interface BrokerConfigStore {
  brokerConfigs(scope: string): Readonly<Record<string, string>>
  /** Replaces a scope's whole set; durable before it resolves. */
  setBrokerConfigs(scope: string, configs: Readonly<Record<string, string>>): Promise<void>
}

/**
 * Broker settings Kafka marks read-only (changed only in server.properties, with a restart); an
 * AlterConfigs naming one fails with INVALID_REQUEST. The ones a client is likely to try; Kafka
 * accepts names it does not know, and so do we.
 */
export const STATIC_BROKER_CONFIG_NAMES: ReadonlySet<string> = new Set([
  'broker.id',
  'node.id',
  'process.roles',
  'log.dir',
  'log.dirs',
  'zookeeper.connect',
  'controller.quorum.voters',
  'controller.listener.names',
  'inter.broker.listener.name',
  'broker.rack',
  'auto.create.topics.enable',
  'num.partitions',
  'default.replication.factor',
  'delete.topic.enable',
  'offsets.topic.num.partitions',
  'offsets.topic.replication.factor',
  'group.initial.rebalance.delay.ms',
])

/** The scope a BROKER resource name stands for, or why Kafka would refuse it. */
export function brokerScope(resourceName: string, nodeId: number): { scope: string } | { invalid: string } {
  if (resourceName === '') return { scope: '' }
  if (!/^-?\d+$/.test(resourceName))
    return { invalid: `broker id must be an integer, but it is: ${resourceName}` }
  if (Number(resourceName) !== nodeId) {
    return {
      invalid: `unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`,
    }
  }
  return { scope: String(nodeId) }
}

/** Why this set of dynamic configs cannot be stored, or null. */
export function invalidBrokerConfigs(configs: Readonly<Record<string, string>>): string | null {
  const names = Object.keys(configs)
  const fixed = names.filter((n) => STATIC_BROKER_CONFIG_NAMES.has(n))
  if (fixed.length > 0) return `cannot update these configs dynamically: ${fixed.join(', ')}`
  if (names.some((n) => n === '')) return 'a config name is empty'
  if (names.length > limits.brokerDynamicConfigsMax) {
    return `at most ${limits.brokerDynamicConfigsMax} dynamic broker configs per scope`
  }
  return null
}
