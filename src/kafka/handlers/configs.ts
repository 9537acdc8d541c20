/** Shared by the three config handlers: topic resources, their values and their sources. */
import {
  applyConfig,
  configValue,
  defaultTopicConfig,
  TOPIC_CONFIG_NAMES,
  type TopicConfig,
  type TopicConfigName,
  TopicError,
} from '../../cluster/topics.js'
import type { Broker } from '../broker.js'
import { brokerScope, invalidBrokerConfigs } from '../broker-configs.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import type { DescribeConfigsResourceResult } from '../../protocol/kafka/generated/describe-configs.js'

export const RESOURCE_TOPIC = 2
export const RESOURCE_BROKER = 4

const SOURCE_DYNAMIC_TOPIC = 1
const SOURCE_DYNAMIC_BROKER = 2
const SOURCE_DYNAMIC_DEFAULT_BROKER = 3
const SOURCE_DEFAULT = 5
const TYPE_STRING = 2
const TYPE_INT = 3
const TYPE_LONG = 5
const TYPE_LIST = 7

function typeOf(name: TopicConfigName): number {
  if (name === 'cleanup.policy') return TYPE_LIST
  if (name === 'segment.bytes' || name === 'max.message.bytes') return TYPE_INT
  return TYPE_LONG
}

export function describeTopicConfigs(
  config: TopicConfig,
  keys: readonly string[] | null,
  version: number,
): Encodable<DescribeConfigsResourceResult>[] {
  const names = TOPIC_CONFIG_NAMES.filter((n) => keys === null || keys.includes(n))
  const others = Object.entries(config.other ?? {})
    .filter(([n]) => keys === null || keys.includes(n))
    .map(([name, value]) => ({
      name,
      value,
      readOnly: false,
      isDefault: false,
      configSource: version >= 1 ? SOURCE_DYNAMIC_TOPIC : -1,
      isSensitive: false,
      configType: version >= 3 ? TYPE_STRING : 0,
    }))
  const served = names.map((name) => {
    const value = configValue(config, name)
    const isDefault = value === configValue(defaultTopicConfig, name)
    return {
      name,
      value,
      readOnly: false,
      isDefault: version === 0 ? isDefault : false,
      configSource: version >= 1 ? (isDefault ? SOURCE_DEFAULT : SOURCE_DYNAMIC_TOPIC) : -1,
      isSensitive: false,
      configType: version >= 3 ? typeOf(name) : 0,
    }
  })
  return [...served, ...others]
}

/**
 * A BROKER resource's dynamic configs: the cluster-wide defaults, overridden by this node's own
 * when the resource names it. Static settings (the node's flags) are not listed yet.
 */
export function describeBrokerConfigs(
  broker: Broker,
  resourceName: string,
  keys: readonly string[] | null,
  version: number,
): { error: ErrorCode; message: string | null; configs: Encodable<DescribeConfigsResourceResult>[] } {
  const scope = brokerScope(resourceName, broker.settings.nodeId)
  if ('invalid' in scope) return { error: 'INVALID_REQUEST', message: scope.invalid, configs: [] }
  const merged = new Map<string, { value: string; source: number }>()
  for (const [name, value] of Object.entries(broker.brokerConfigs.brokerConfigs(''))) {
    merged.set(name, { value, source: SOURCE_DYNAMIC_DEFAULT_BROKER })
  }
  if (scope.scope !== '') {
    for (const [name, value] of Object.entries(broker.brokerConfigs.brokerConfigs(scope.scope))) {
      merged.set(name, { value, source: SOURCE_DYNAMIC_BROKER })
    }
  }
  const configs = [...merged]
    .filter(([name]) => keys === null || keys.includes(name))
    .map(([name, { value, source }]) => ({
      name,
      value,
      readOnly: false,
      isDefault: false,
      configSource: version >= 1 ? source : -1,
      isSensitive: false,
      configType: version >= 3 ? TYPE_STRING : 0,
    }))
  return { error: 'NONE', message: null, configs }
}

export interface ResourceResult {
  error: ErrorCode
  message: string | null
}

/** Applies `change` to a topic's config and stores it unless validating only. */
export async function alterTopicConfig(
  broker: Broker,
  type: number,
  name: string,
  validateOnly: boolean,
  change: (c: TopicConfig) => TopicConfig,
): Promise<ResourceResult> {
  if (type !== RESOURCE_TOPIC)
    return { error: 'INVALID_REQUEST', message: 'only topic configs can be altered' }
  const t = broker.topic(name)
  if (t === undefined) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `no topic '${name}'` }
  try {
    const next = change(t.config)
    if (!validateOnly) await broker.topics.setConfig(name, next)
    return { error: 'NONE', message: null }
  } catch (e) {
    if (!(e instanceof TopicError)) throw e
    return {
      error: e.code === 'INVALID_CONFIG' ? 'INVALID_CONFIG' : 'UNKNOWN_TOPIC_OR_PARTITION',
      message: e.message,
    }
  }
}

/**
 * Applies `change` to a BROKER resource's dynamic configs (this node's, or the cluster-wide
 * defaults for an empty name) and stores them unless validating only.
 */
export async function alterBrokerConfig(
  broker: Broker,
  name: string,
  validateOnly: boolean,
  change: (c: Map<string, string>) => Map<string, string>,
): Promise<ResourceResult> {
  const scope = brokerScope(name, broker.settings.nodeId)
  if ('invalid' in scope) return { error: 'INVALID_REQUEST', message: scope.invalid }
  const store = broker.brokerConfigs
  try {
    const next = Object.fromEntries(change(new Map(Object.entries(store.brokerConfigs(scope.scope)))))
    const why = invalidBrokerConfigs(next)
    if (why !== null)
      return { error: 'INVALID_REQUEST', message: `invalid config for broker '${name}': ${why}` }
    if (!validateOnly) await store.setBrokerConfigs(scope.scope, next)
    return { error: 'NONE', message: null }
  } catch (e) {
    if (!(e instanceof TopicError)) throw e
    return { error: 'INVALID_CONFIG', message: e.message }
  }
}

export function resourceAnswer(
  type: number,
  name: string,
  r: ResourceResult,
): { errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string } {
  return {
    errorCode: kafkaErrorCode(r.error),
    errorMessage: r.message,
    resourceType: type,
    resourceName: name,
  }
}

export { applyConfig, defaultTopicConfig }
