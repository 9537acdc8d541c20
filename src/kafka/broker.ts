/**
 * The state one node's Kafka front door works on: topic metadata, open partition logs with their
 * producer state, producer-id allocation and the wake-up signal for parked fetches. Handlers call
 * into it; it owns no sockets. Everything here runs on the single event-loop thread, and a method
 * that awaits says what it re-checks afterwards.
 */
import { randomUUID } from 'node:crypto'
import {
  applyConfig,
  defaultTopicConfig,
  type TopicConfig,
  TopicError,
  type TopicInfo,
  type TopicMetadataStore,
} from '../cluster/topics.js'
import { limits } from '../config/limits.js'
import type { Clock } from '../io/clock.js'
import type { Logger } from '../io/log.js'
import type { AclStore } from './acls.js'
import type { BrokerConfigStore } from './broker-configs.js'
import type { PartitionLog, PartitionLogs } from './partition-log.js'
import type { ProducerStateTable } from './producer-state.js'
import { type ErrorCode, KafkaError } from './errors.js'
import { type GroupService, isInternalTopic } from './handlers/group-service.js'

export interface BrokerSettings {
  nodeId: number
  advertisedHost: string
  advertisedPort: number
  clusterId: string
  autoCreateTopics: boolean
  defaultPartitions: number
}

export interface PartitionState {
  readonly topic: string
  readonly partition: number
  readonly log: PartitionLog
  readonly producers: ProducerStateTable
}

/** The leader epoch every partition reports on a single node (no elections yet). */
export const LEADER_EPOCH = 0

const PRODUCER_ID_BLOCK = 1000

export class Broker {
  private readonly partitions = new Map<string, Promise<PartitionState>>()
  private readonly appendListeners = new Set<() => void>()
  private producerIdNext = 0
  private producerIdEnd = 0
  /** The group coordinator's driver, set by the node once `__consumer_offsets` is loaded. */
  groups: GroupService | null = null

  constructor(
    readonly settings: BrokerSettings,
    readonly topics: TopicMetadataStore,
    /** ACL bindings, stored only: nothing enforces them on requests yet (the security issue). */
    readonly acls: AclStore,
    /** Dynamic broker configs, stored and reported only (broker-configs.ts). */
    readonly brokerConfigs: BrokerConfigStore,
    private readonly logs: PartitionLogs,
    readonly clock: Clock,
    readonly log: Logger,
  ) {}

  topic(name: string): TopicInfo | undefined {
    return this.topics.state().topics.get(name)
  }

  allTopics(): TopicInfo[] {
    return [...this.topics.state().topics.values()]
  }

  async createTopic(
    name: string,
    partitions: number,
    configs: readonly [string, string | null][],
  ): Promise<TopicInfo> {
    let config: TopicConfig = defaultTopicConfig
    for (const [k, v] of configs) config = applyConfig(config, k, v)
    const info: TopicInfo = { name, id: randomUUID(), partitions, config }
    await this.topics.createTopic(info)
    this.log.info('topic.created', { topic: name, partitions })
    return info
  }

  /** The topic, auto-created when allowed; an error code when it does not exist. */
  async topicOrCreate(name: string, allowAutoCreate: boolean): Promise<TopicInfo | ErrorCode> {
    const t = this.topic(name)
    if (t !== undefined) return t
    if (!allowAutoCreate || !this.settings.autoCreateTopics) return 'UNKNOWN_TOPIC_OR_PARTITION'
    try {
      return await this.createTopic(name, this.settings.defaultPartitions, [])
    } catch (e) {
      if (!(e instanceof TopicError)) throw e
      // Two requests raced to create it: the other one won, which is what we wanted.
      const again = this.topic(name)
      if (again !== undefined) return again
      return e.code === 'INVALID_TOPIC' ? 'INVALID_TOPIC' : 'UNKNOWN_TOPIC_OR_PARTITION'
    }
  }

  async deleteTopic(name: string): Promise<void> {
    const t = this.topic(name)
    if (t === undefined) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${name}' does not exist`)
    if (isInternalTopic(name)) throw new KafkaError('INVALID_TOPIC', `topic '${name}' is internal`)
    await this.topics.deleteTopic(name)
    for (let p = 0; p < t.partitions; p++) this.partitions.delete(key(name, p))
    await this.logs.removeTopic(name, t.partitions)
    this.log.info('topic.deleted', { topic: name })
  }

  /** The open partition, or undefined when the topic or partition does not exist. */
  async partition(topic: string, partition: number): Promise<PartitionState | undefined> {
    const t = this.topic(topic)
    if (t === undefined || !Number.isInteger(partition) || partition < 0 || partition >= t.partitions) {
      return undefined
    }
    const k = key(topic, partition)
    let p = this.partitions.get(k)
    if (p === undefined) {
      p = this.openPartition(topic, partition)
      this.partitions.set(k, p)
    }
    return p
  }

  private async openPartition(topic: string, partition: number): Promise<PartitionState> {
    const log = await this.logs.open(topic, partition)
    return { topic, partition, log, producers: log.producers() }
  }

  async allocateProducerId(): Promise<number> {
    if (this.producerIdNext >= this.producerIdEnd) {
      // Reserved durably before use, so a restart never hands out an id twice.
      const first = await this.topics.reserveProducerIds(PRODUCER_ID_BLOCK)
      // After the await another caller may have refilled the block; both blocks are valid.
      if (this.producerIdNext >= this.producerIdEnd) {
        this.producerIdNext = first
        this.producerIdEnd = first + PRODUCER_ID_BLOCK
      }
    }
    return this.producerIdNext++
  }

  /** Registers a one-shot wake-up for the next durable append; false when too many are parked. */
  onNextAppend(cb: () => void): (() => void) | null {
    if (this.appendListeners.size >= limits.parkedFetchesMax) return null
    this.appendListeners.add(cb)
    return () => this.appendListeners.delete(cb)
  }

  notifyAppend(): void {
    const listeners = [...this.appendListeners]
    this.appendListeners.clear()
    for (const cb of listeners) cb()
  }

  /** Forgets open partitions; the logs themselves are closed by whoever opened PartitionLogs. */
  close(): void {
    this.partitions.clear()
    this.notifyAppend()
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}
