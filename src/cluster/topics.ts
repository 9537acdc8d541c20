/**
 * Topic metadata: names, partition counts, per-topic configs and the producer-id block, as a pure
 * value with checked transitions. Where it is stored is behind `TopicMetadataStore`: today a
 * checksummed file on the node (node/metadata-file.ts), later the controller's Raft group.
 */
import { limits } from '../config/limits.js'

/** Kafka's cleanup.policy list, normalised: `compact,delete` for both, in that order. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete'

export interface TopicConfig {
  retentionMs: number
  retentionBytes: number
  segmentBytes: number
  maxMessageBytes: number
  cleanupPolicy: CleanupPolicy
  /** Other Kafka topic settings, accepted and reported but not acted on yet. */
  other?: Readonly<Record<string, string>>
}

export interface TopicInfo {
  readonly name: string
  /** The topic id, a UUID in its text form. */
  readonly id: string
  readonly partitions: number
  readonly config: TopicConfig
}

export interface MetadataState {
  readonly topics: ReadonlyMap<string, TopicInfo>
  /** Producer ids below this were handed out (or reserved) before; never reuse them. */
  readonly producerIdNext: number
}

export type TopicErrorCode =
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC'
  | 'INVALID_PARTITIONS'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'LIMIT_EXCEEDED'

export class TopicError extends Error {
  override readonly name = 'TopicError'
  constructor(
    readonly code: TopicErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export const defaultTopicConfig: TopicConfig = {
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: limits.segmentBytesMax,
  maxMessageBytes: limits.recordBatchBytesMax,
  cleanupPolicy: 'delete',
}

export const TOPIC_CONFIG_NAMES = [
  'retention.ms',
  'retention.bytes',
  'segment.bytes',
  'max.message.bytes',
  'cleanup.policy',
] as const

export type TopicConfigName = (typeof TOPIC_CONFIG_NAMES)[number]

/**
 * Kafka topic settings Petrel accepts and reports, kept as strings, so that clients and tools that
 * set them (librdkafka's admin tests set compression.type, for one) keep working. None is acted on
 * yet except `delete.retention.ms` and `min.compaction.lag.ms`, which compaction reads
 * (src/node/storage-log.ts).
 */
export const PASSIVE_CONFIG_NAMES: ReadonlySet<string> = new Set([
  'compression.type',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.storage.enable',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
])

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/

export function checkTopicName(name: string): void {
  if (name.length === 0 || name.length > limits.topicNameLengthMax) {
    throw new TopicError(
      'INVALID_TOPIC',
      `topic name length ${name.length} outside 1..${limits.topicNameLengthMax}`,
    )
  }
  if (name === '.' || name === '..' || !LEGAL_NAME.test(name)) {
    throw new TopicError('INVALID_TOPIC', `topic name '${name}' has characters outside [a-zA-Z0-9._-]`)
  }
}

function intConfig(name: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new TopicError('INVALID_CONFIG', `${name}=${value} must be an integer in [${min}, ${max}]`)
  }
  return n
}

/** Applies one named setting to a config; null restores the default. Unknown names are errors. */
export function applyConfig(config: TopicConfig, name: string, value: string | null): TopicConfig {
  const next = { ...config }
  switch (name) {
    case 'retention.ms':
      next.retentionMs =
        value === null ? defaultTopicConfig.retentionMs : intConfig(name, value, -1, Number.MAX_SAFE_INTEGER)
      return next
    case 'retention.bytes':
      next.retentionBytes =
        value === null
          ? defaultTopicConfig.retentionBytes
          : intConfig(name, value, -1, Number.MAX_SAFE_INTEGER)
      return next
    case 'segment.bytes':
      next.segmentBytes =
        value === null
          ? defaultTopicConfig.segmentBytes
          : intConfig(name, value, limits.segmentBytesMin, limits.segmentBytesMax)
      return next
    case 'max.message.bytes':
      next.maxMessageBytes =
        value === null
          ? defaultTopicConfig.maxMessageBytes
          : intConfig(name, value, 0, limits.recordBatchBytesConfigurableMax)
      return next
    case 'cleanup.policy':
      next.cleanupPolicy = value === null ? defaultTopicConfig.cleanupPolicy : parseCleanupPolicy(value)
      return next
    default: {
      if (!PASSIVE_CONFIG_NAMES.has(name))
        throw new TopicError('INVALID_CONFIG', `unknown topic config '${name}'`)
      const other = { ...(config.other ?? {}) }
      if (value === null) delete other[name]
      else if (value.length > limits.codecStringBytesMax)
        throw new TopicError('INVALID_CONFIG', `${name} is too long`)
      else other[name] = value
      next.other = other
      return next
    }
  }
}

function parseCleanupPolicy(value: string): CleanupPolicy {
  const parts = new Set(value.split(',').map((p) => p.trim().toLowerCase()))
  const known = [...parts].every((p) => p === 'delete' || p === 'compact')
  if (parts.size === 0 || !known) {
    throw new TopicError('INVALID_CONFIG', `cleanup.policy=${value}: expected delete, compact or both`)
  }
  if (parts.has('compact')) return parts.has('delete') ? 'compact,delete' : 'compact'
  return 'delete'
}

/** Whether the topic's log is compacted (cleanup.policy includes compact). */
export function compacts(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'delete'
}

/** Whether time and size retention delete the topic's old segments (cleanup.policy includes delete). */
export function deletes(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'compact'
}

/** A passive integer setting (`other`), or its default when unset or not a safe integer ≥ 0. */
export function otherIntConfig(config: TopicConfig, name: string, fallback: number): number {
  const raw = config.other?.[name]
  const n = raw === undefined ? Number.NaN : Number(raw)
  return Number.isSafeInteger(n) && n >= 0 ? n : fallback
}

export function configValue(config: TopicConfig, name: TopicConfigName): string {
  switch (name) {
    case 'retention.ms':
      return String(config.retentionMs)
    case 'retention.bytes':
      return String(config.retentionBytes)
    case 'segment.bytes':
      return String(config.segmentBytes)
    case 'max.message.bytes':
      return String(config.maxMessageBytes)
    case 'cleanup.policy':
      return config.cleanupPolicy
  }
}

export function checkPartitionCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > limits.partitionsPerTopicMax) {
    throw new TopicError(
      'INVALID_PARTITIONS',
      `partition count ${n} outside 1..${limits.partitionsPerTopicMax}`,
    )
  }
}

/** The durable home of topic metadata. Every mutation is persisted before it resolves. */
export interface TopicMetadataStore {
  state(): MetadataState
  createTopic(topic: TopicInfo): Promise<void>
  deleteTopic(name: string): Promise<void>
  setPartitions(name: string, partitions: number): Promise<void>
  setConfig(name: string, config: TopicConfig): Promise<void>
  /** Reserves `count` producer ids durably and returns the first. */
  reserveProducerIds(count: number): Promise<number>
}

/** Pure transitions shared by every store implementation. */
export const transitions = {
  createTopic(s: MetadataState, t: TopicInfo): MetadataState {
    checkTopicName(t.name)
    checkPartitionCount(t.partitions)
    if (s.topics.has(t.name)) throw new TopicError('TOPIC_ALREADY_EXISTS', `topic '${t.name}' already exists`)
    if (s.topics.size >= limits.topicsMax)
      throw new TopicError('LIMIT_EXCEEDED', `${limits.topicsMax} topics exist`)
    const topics = new Map(s.topics)
    topics.set(t.name, t)
    return { ...s, topics }
  },
  deleteTopic(s: MetadataState, name: string): MetadataState {
    if (!s.topics.has(name))
      throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`)
    const topics = new Map(s.topics)
    topics.delete(name)
    return { ...s, topics }
  },
  setPartitions(s: MetadataState, name: string, partitions: number): MetadataState {
    const t = s.topics.get(name)
    if (t === undefined) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`)
    checkPartitionCount(partitions)
    if (partitions <= t.partitions) {
      throw new TopicError(
        'INVALID_PARTITIONS',
        `topic '${name}' has ${t.partitions} partitions; can only grow`,
      )
    }
    const topics = new Map(s.topics)
    topics.set(name, { ...t, partitions })
    return { ...s, topics }
  },
  setConfig(s: MetadataState, name: string, config: TopicConfig): MetadataState {
    const t = s.topics.get(name)
    if (t === undefined) throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`)
    const topics = new Map(s.topics)
    topics.set(name, { ...t, config })
    return { ...s, topics }
  },
  reserveProducerIds(s: MetadataState, count: number): MetadataState {
    return { ...s, producerIdNext: s.producerIdNext + count }
  },
}

export const emptyMetadata: MetadataState = { topics: new Map(), producerIdNext: 1000 }
