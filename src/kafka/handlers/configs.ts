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
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import type { DescribeConfigsResourceResult } from '../../protocol/kafka/generated/describe-configs.js'

export const RESOURCE_TOPIC = 2
export const RESOURCE_BROKER = 4

const SOURCE_DYNAMIC_TOPIC = 1
const SOURCE_DEFAULT = 5
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
  return names.map((name) => {
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
