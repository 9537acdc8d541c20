/**
 * What the client knows about the cluster: one connection per broker (reopened with exponential
 * back-off after it fails), the metadata cache (brokers, topics, partition leaders), and the retry
 * loop every component uses. Invariants:
 * - at most one connection (open or opening) per broker address;
 * - a leadership or unknown-topic error drops the cached entry, so the next attempt asks again;
 * - every retry loop is bounded by `retries` and sleeps base·2^n·jitter, capped at retryBackoffMaxMs.
 */
import type { MetadataResponse } from '../protocol/kafka/generated/metadata.js'
import { ApiKey } from '../protocol/kafka/generated/index.js'
import { BrokerConnection } from './connection.js'
import {
  ClosedError,
  ConnectionError,
  KafkaError,
  needsMetadataRefresh,
  PetrelError,
  kafkaError,
} from './errors.js'
import type { HostPort } from './options.js'

export interface ClusterConfig {
  readonly bootstrap: readonly HostPort[]
  readonly clientId: string
  readonly connectTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly retries: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly metadataMaxAgeMs: number
}

export interface PartitionInfo {
  readonly partition: number
  readonly leader: number
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly errorCode: number
}

export interface TopicInfo {
  readonly name: string
  readonly topicId: string
  readonly isInternal: boolean
  readonly partitions: readonly PartitionInfo[]
}

export interface BrokerInfo {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

interface Slot {
  conn: Promise<BrokerConnection> | null
  failures: number
  retryAt: number
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export class Cluster {
  private readonly slots = new Map<string, Slot>()
  readonly brokers = new Map<number, BrokerInfo>()
  private readonly topics = new Map<string, { info: TopicInfo; fetchedAt: number }>()
  clusterId: string | null = null
  controllerId = -1
  private closed = false

  constructor(readonly config: ClusterConfig) {}

  /** The connection to a broker by node id, opening it (after any back-off) when needed. */
  async connection(nodeId: number): Promise<BrokerConnection> {
    const b = this.brokers.get(nodeId)
    if (b === undefined) {
      await this.refreshMetadata([])
      const again = this.brokers.get(nodeId)
      if (again === undefined)
        throw new PetrelError('BROKER_NOT_AVAILABLE', `no broker with node id ${nodeId}`, true)
      return this.connectionTo(again)
    }
    return this.connectionTo(b)
  }

  /** Any broker that answers: known brokers first, then the bootstrap list. */
  async anyConnection(): Promise<BrokerConnection> {
    const candidates: HostPort[] = [...this.brokers.values(), ...this.config.bootstrap]
    let last: unknown = null
    for (const c of candidates) {
      try {
        return await this.connectionTo(c)
      } catch (e) {
        last = e
      }
    }
    throw last instanceof PetrelError ? last : new ConnectionError('no broker reachable', last)
  }

  async connectionTo(addr: HostPort): Promise<BrokerConnection> {
    if (this.closed) throw new ClosedError('client')
    const key = `${addr.host}:${addr.port}`
    let slot = this.slots.get(key)
    if (slot === undefined) {
      slot = { conn: null, failures: 0, retryAt: 0 }
      this.slots.set(key, slot)
    }
    if (slot.conn !== null) {
      const existing = slot.conn
      try {
        const c = await existing
        if (c.isOpen) return c
      } catch {
        // Failed opening: fall through to a new attempt (after back-off).
      }
      // Someone else may have started a new attempt while we awaited: share it.
      if (slot.conn === existing) slot.conn = null
      else if (slot.conn !== null) return slot.conn
    }
    {
      const wait = slot.retryAt - Date.now()
      const s = slot
      const opening = (async () => {
        if (wait > 0) await sleep(wait)
        try {
          const c = await BrokerConnection.open({
            host: addr.host,
            port: addr.port,
            clientId: this.config.clientId,
            connectTimeoutMs: this.config.connectTimeoutMs,
            requestTimeoutMs: this.config.requestTimeoutMs,
          })
          s.failures = 0
          if (this.closed) c.close()
          return c
        } catch (e) {
          s.failures += 1
          s.retryAt = Date.now() + this.backoffMs(s.failures)
          throw e
        }
      })()
      s.conn = opening
      return opening
    }
  }

  /** Exponential back-off with ±20% jitter, so that many clients do not retry in step. */
  backoffMs(attempt: number): number {
    const base = Math.min(
      this.config.retryBackoffMaxMs,
      this.config.retryBackoffMs * 2 ** Math.min(attempt - 1, 20),
    )
    return Math.round(base * (0.8 + 0.4 * Math.random()))
  }

  /** Asks any broker for metadata of `topics` (all topics when null) and updates the cache. */
  async refreshMetadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    const conn = await this.anyConnection()
    const v = conn.version(ApiKey.Metadata) ?? 1
    const res = await conn.request(ApiKey.Metadata, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      ...(v >= 4 ? { allowAutoTopicCreation: false } : {}),
    })
    this.brokers.clear()
    for (const b of res.brokers)
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })
    this.clusterId = res.clusterId
    this.controllerId = res.controllerId
    const now = Date.now()
    for (const t of res.topics) {
      if (t.name === null) continue
      if (t.errorCode !== 0) {
        this.topics.delete(t.name)
        continue
      }
      const partitions = t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition)
      this.topics.set(t.name, {
        info: { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions },
        fetchedAt: now,
      })
    }
    return res
  }

  /** Cached metadata of a topic, fetched when missing or older than metadataMaxAgeMs. */
  async topic(name: string): Promise<TopicInfo> {
    const cached = this.topics.get(name)
    if (cached !== undefined && Date.now() - cached.fetchedAt < this.config.metadataMaxAgeMs)
      return cached.info
    const res = await this.refreshMetadata([name])
    const t = res.topics.find((x) => x.name === name)
    const err = kafkaError(t?.errorCode ?? 3, `topic '${name}'`)
    if (err !== null) throw err
    const info = this.topics.get(name)?.info
    if (info === undefined) throw kafkaError(3, `topic '${name}'`) as KafkaError
    return info
  }

  /** Forgets a topic's cached metadata (after NOT_LEADER, UNKNOWN_TOPIC_OR_PARTITION, …). */
  invalidate(topic: string): void {
    this.topics.delete(topic)
  }

  async leaderConnection(topic: string, partition: number): Promise<BrokerConnection> {
    const info = await this.topic(topic)
    const p = info.partitions[partition]
    if (p === undefined || p.partition !== partition) {
      this.invalidate(topic)
      throw kafkaError(3, `partition ${topic}/${partition}`) as KafkaError
    }
    if (p.leader < 0) {
      this.invalidate(topic)
      throw kafkaError(5, `partition ${topic}/${partition}`) as KafkaError
    }
    return this.connection(p.leader)
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-retriable error, or `retries` retries are
   * spent. Errors that mean stale metadata drop the named topics' cache entries first.
   */
  async withRetry<T>(what: { topics?: readonly string[] }, attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n)
      } catch (e) {
        if (!(e instanceof PetrelError) || !e.retriable || n >= this.config.retries || this.closed) throw e
        if (e instanceof KafkaError && needsMetadataRefresh(e.kafkaCode)) {
          for (const t of what.topics ?? []) this.invalidate(t)
        }
        await sleep(this.backoffMs(n + 1))
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const slots = [...this.slots.values()]
    this.slots.clear()
    for (const s of slots) {
      if (s.conn === null) continue
      try {
        ;(await s.conn).close()
      } catch {
        // It never opened: nothing to close.
      }
    }
  }
}
