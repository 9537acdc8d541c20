/**
 * The consumer: fetches from the leaders of its partitions and hands messages out through an async
 * iterator. Partitions come from `assign()` (no group) or from group membership (`subscribe()`,
 * see group.ts). Invariants:
 * - per partition, messages are yielded in offset order, each once, unless `seek` moves back;
 * - the position is the next offset to yield; `seek` and a rebalance drop what was fetched but
 *   not yet yielded for that partition;
 * - at most one fetch per broker is outstanding, and the buffer of fetched, unyielded messages is
 *   bounded by maxBufferedMessages (fetching waits until the iterator drains it).
 */
import { limits } from '../config/limits.js'
import { ErrorCode } from '../protocol/kafka/generated/errors.js'
import { ApiKey } from '../protocol/kafka/generated/index.js'
import type { FetchResponse } from '../protocol/kafka/generated/fetch.js'
import { iterateRecordBatches } from '../protocol/records/index.js'
import { type Cluster, sleep } from './cluster.js'
import { type KafkaError, kafkaError, needsMetadataRefresh, PetrelError } from './errors.js'
import { GroupMember, type GroupOptions, groupConfig, groupOptionNames } from './group.js'
import type { ConsumerMessage } from './message.js'
import { checkObject, intOption, oneOf } from './options.js'

export interface ConsumerOptions extends GroupOptions {
  /** Where to start when there is no committed offset: 'earliest' or 'latest' (default). */
  autoOffsetReset?: 'earliest' | 'latest'
  maxWaitMs?: number
  minBytes?: number
  maxBytes?: number
  partitionMaxBytes?: number
  maxBufferedMessages?: number
}

const consumerOptionNames = [
  'autoOffsetReset',
  'maxWaitMs',
  'minBytes',
  'maxBytes',
  'partitionMaxBytes',
  'maxBufferedMessages',
]

export interface TopicPartition {
  topic: string
  partition: number
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number
}

interface Assigned {
  readonly topic: string
  readonly partition: number
  /** Next offset to fetch; null until resolved from the group's commit or the reset policy. */
  fetchPosition: number | null
  /** Offset after the last yielded message; what a commit stores. */
  consumed: number | null
  paused: boolean
  /** Bumped by seek/reassign so that an in-flight fetch's answer for the old position is dropped. */
  epoch: number
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`

export class Consumer implements AsyncIterable<ConsumerMessage> {
  private readonly config
  private readonly assigned = new Map<string, Assigned>()
  private readonly buffer: { a: Assigned; epoch: number; m: ConsumerMessage }[] = []
  private readonly fetching = new Set<number>()
  private readonly wakers: (() => void)[] = []
  private closed = false
  private closing: Promise<void> | null = null
  private pumping = false
  private pumpAgain = false
  private loopError: Error | null = null
  readonly group: GroupMember | null

  constructor(
    private readonly cluster: Cluster,
    options?: ConsumerOptions,
    private readonly internal: { ownsCluster?: boolean } = {},
  ) {
    const all = checkObject('consumer options', options, [...consumerOptionNames, ...groupOptionNames])
    this.config = {
      autoOffsetReset: oneOf<'earliest' | 'latest'>(
        'autoOffsetReset',
        all.autoOffsetReset,
        ['earliest', 'latest'],
        'latest',
      ),
      maxWaitMs: intOption('maxWaitMs', all.maxWaitMs, {
        min: 0,
        max: limits.fetchMaxWaitMsMax,
        fallback: 500,
      }),
      minBytes: intOption('minBytes', all.minBytes, { min: 1, max: 100 * 1024 * 1024, fallback: 1 }),
      maxBytes: intOption('maxBytes', all.maxBytes, {
        min: 1024,
        max: 100 * 1024 * 1024,
        fallback: 50 * 1024 * 1024,
      }),
      partitionMaxBytes: intOption('partitionMaxBytes', all.partitionMaxBytes, {
        min: 1024,
        max: 100 * 1024 * 1024,
        fallback: 1024 * 1024,
      }),
      maxBufferedMessages: intOption('maxBufferedMessages', all.maxBufferedMessages, {
        min: 1,
        max: limits.clientBufferedMessagesMax,
        fallback: 100_000,
      }),
    }
    const g = groupConfig(all)
    this.group =
      g === null
        ? null
        : new GroupMember(cluster, g, {
            onAssigned: (parts) => this.setAssignment(parts),
            committable: () => this.committable(),
          })
  }

  /** Manual mode: consume exactly these partitions, without a group. */
  assign(partitions: readonly (TopicPartition & { offset?: number })[]): void {
    if (this.group !== null)
      throw new PetrelError(
        'INVALID_ARGUMENT',
        'assign() is for consumers without groupId; use subscribe()',
        false,
      )
    this.setAssignment(partitions)
    for (const p of partitions)
      if (p.offset !== undefined) this.seek({ topic: p.topic, partition: p.partition, offset: p.offset })
  }

  /** Group mode: join the group and consume the partitions it assigns of these topics. */
  async subscribe(topics: readonly string[]): Promise<void> {
    if (this.group === null)
      throw new PetrelError('INVALID_ARGUMENT', 'subscribe() needs the groupId option', false)
    await this.group.start(topics)
  }

  assignment(): TopicPartition[] {
    return [...this.assigned.values()].map((a) => ({ topic: a.topic, partition: a.partition }))
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const a = this.assigned.get(key(p.topic, p.partition))
      if (a !== undefined) a.paused = true
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) {
      const a = this.assigned.get(key(p.topic, p.partition))
      if (a !== undefined) a.paused = false
    }
    this.wake()
  }

  /** The next message of that partition will be at `offset`. */
  seek(p: TopicPartitionOffset): void {
    const a = this.assigned.get(key(p.topic, p.partition))
    if (a === undefined)
      throw new PetrelError(
        'INVALID_ARGUMENT',
        `seek: ${p.topic}/${p.partition} is not assigned to this consumer`,
        false,
      )
    if (!Number.isSafeInteger(p.offset) || p.offset < 0)
      throw new PetrelError('INVALID_ARGUMENT', 'seek: offset must be a non-negative integer', false)
    a.fetchPosition = p.offset
    a.consumed = p.offset
    a.epoch++
    this.wake()
  }

  /** The offsets a commit would store now: after the last message yielded, per partition. */
  committable(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = []
    for (const a of this.assigned.values())
      if (a.consumed !== null) out.push({ topic: a.topic, partition: a.partition, offset: a.consumed })
    return out
  }

  /** Commits the given offsets, or what has been consumed so far. Needs a group. */
  async commit(offsets?: readonly TopicPartitionOffset[]): Promise<void> {
    if (this.group === null)
      throw new PetrelError('INVALID_ARGUMENT', 'commit() needs the groupId option', false)
    await this.group.commit(offsets ?? this.committable())
  }

  async next(): Promise<IteratorResult<ConsumerMessage>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined }
      const groupError = this.group?.takeError() ?? null
      if (groupError !== null) throw groupError
      if (this.loopError !== null) {
        const e = this.loopError
        this.loopError = null
        throw e
      }
      const item = this.buffer.shift()
      if (item !== undefined) {
        if (item.epoch !== item.a.epoch || this.assigned.get(key(item.a.topic, item.a.partition)) !== item.a)
          continue
        item.a.consumed = item.m.offset + 1
        // Fetch ahead while the iterator works through what is buffered.
        if (
          this.fetching.size === 0 &&
          !this.pumping &&
          this.buffer.length < this.config.maxBufferedMessages / 2
        )
          this.pump()
        return { done: false, value: item.m }
      }
      this.pump()
      await new Promise<void>((resolve) => this.wakers.push(resolve))
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerMessage> {
    return { next: () => this.next(), return: async () => ({ done: true, value: undefined }) }
  }

  /** Leaves the group (committing first when autoCommit is on) and ends the iterator. */
  /** Idempotent: every call, concurrent or later, resolves when the one close has finished. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    if (this.group !== null) await this.group.stop()
    this.closed = true
    this.wake()
    if (this.internal.ownsCluster === true) await this.cluster.close()
  }

  private setAssignment(parts: readonly TopicPartition[]): void {
    const next = new Map<string, Assigned>()
    for (const p of parts) {
      const k = key(p.topic, p.partition)
      next.set(
        k,
        this.assigned.get(k) ?? {
          topic: p.topic,
          partition: p.partition,
          fetchPosition: null,
          consumed: null,
          paused: false,
          epoch: 0,
        },
      )
    }
    this.assigned.clear()
    for (const [k, v] of next) this.assigned.set(k, v)
    this.wake()
  }

  private wake(): void {
    for (const w of this.wakers.splice(0)) w()
  }

  /** Starts a fetch to every leader that has fetchable partitions and no fetch outstanding. */
  private pump(): void {
    if (this.closed || this.buffer.length >= this.config.maxBufferedMessages) return
    // One pass at a time; a request during a pass runs one more pass after it.
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    void this.pumpAsync()
      .catch((e: unknown) => {
        if (this.closed) return
        this.loopError = e instanceof Error ? e : new Error(String(e))
        this.wake()
      })
      .finally(() => {
        this.pumping = false
        if (this.pumpAgain) {
          this.pumpAgain = false
          this.pump()
        }
      })
  }

  private async pumpAsync(): Promise<void> {
    const byLeader = new Map<number, Assigned[]>()
    for (const a of this.assigned.values()) {
      if (a.paused) continue
      if (a.fetchPosition === null) await this.resolvePosition(a)
      let leader: number
      try {
        leader = (await this.cluster.topic(a.topic)).partitions[a.partition]?.leader ?? -1
      } catch (e) {
        if (e instanceof PetrelError && e.retriable) continue
        throw e
      }
      if (leader < 0 || this.fetching.has(leader)) continue
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), a])
    }
    for (const [leader, parts] of byLeader) {
      this.fetchFrom(leader, parts).catch((e: unknown) => {
        if (this.closed) return
        this.loopError = e instanceof Error ? e : new Error(String(e))
        this.wake()
      })
    }
  }

  private async resolvePosition(a: Assigned): Promise<void> {
    const committed = this.group === null ? null : await this.group.committedOffset(a.topic, a.partition)
    if (committed !== null && committed >= 0) {
      a.fetchPosition = committed
      a.consumed ??= committed
      return
    }
    const timestamp = this.config.autoOffsetReset === 'earliest' ? -2n : -1n
    const offset = await this.cluster.withRetry({ topics: [a.topic] }, async () => {
      const conn = await this.cluster.leaderConnection(a.topic, a.partition)
      const res = await conn.request(ApiKey.ListOffsets, {
        replicaId: -1,
        topics: [
          { name: a.topic, partitions: [{ partitionIndex: a.partition, timestamp, currentLeaderEpoch: -1 }] },
        ],
      })
      const p = res.topics[0]?.partitions[0]
      if (p === undefined) throw new PetrelError('PROTOCOL', 'ListOffsets answered no partition', true)
      const err = kafkaError(p.errorCode, `list offsets of ${a.topic}/${a.partition}`)
      if (err !== null) throw err
      return Number(p.offset)
    })
    if (a.fetchPosition === null) {
      a.fetchPosition = offset
      a.consumed ??= offset
    }
  }

  private async fetchFrom(leader: number, parts: Assigned[]): Promise<void> {
    this.fetching.add(leader)
    const epochs = parts.map((a) => a.epoch)
    try {
      const conn = await this.cluster.connection(leader)
      const topics = new Map<string, Assigned[]>()
      for (const a of parts) topics.set(a.topic, [...(topics.get(a.topic) ?? []), a])
      const res: FetchResponse = await conn.request(
        ApiKey.Fetch,
        {
          replicaId: -1,
          maxWaitMs: this.config.maxWaitMs,
          minBytes: this.config.minBytes,
          maxBytes: this.config.maxBytes,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...topics].map(([topic, list]) => ({
            topic,
            partitions: list.map((a) => ({
              partition: a.partition,
              fetchOffset: BigInt(a.fetchPosition ?? 0),
              partitionMaxBytes: this.config.partitionMaxBytes,
              currentLeaderEpoch: -1,
            })),
          })),
        },
        { timeoutMs: conn.options.requestTimeoutMs + this.config.maxWaitMs },
      )
      await this.onFetch(res, parts, epochs)
    } catch (e) {
      if (!(e instanceof PetrelError) || !e.retriable) throw e
      for (const a of parts) this.cluster.invalidate(a.topic)
      await sleep(this.cluster.backoffMs(1))
    } finally {
      this.fetching.delete(leader)
      this.wake()
    }
  }

  private async onFetch(res: FetchResponse, parts: Assigned[], epochs: number[]): Promise<void> {
    const errorTop = kafkaError(res.errorCode, 'fetch')
    if (errorTop !== null) throw errorTop
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const i = parts.findIndex((a) => a.topic === t.topic && a.partition === p.partitionIndex)
        const a = parts[i]
        if (a === undefined || a.epoch !== epochs[i] || this.assigned.get(key(a.topic, a.partition)) !== a)
          continue
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          a.fetchPosition = null
          a.consumed = null
          continue
        }
        if (p.errorCode !== ErrorCode.NONE) {
          const err = kafkaError(p.errorCode, `fetch ${a.topic}/${a.partition}`) as KafkaError
          if (needsMetadataRefresh(p.errorCode) || err.retriable) {
            this.cluster.invalidate(a.topic)
            continue
          }
          throw err
        }
        if (p.records !== null) this.take(a, p.records)
      }
    }
  }

  private take(a: Assigned, records: Uint8Array): void {
    const position = a.fetchPosition ?? 0
    let next = position
    for (const batch of iterateRecordBatches(records)) {
      if (batch.control) {
        next = Math.max(next, batch.header.baseOffset + batch.header.lastOffsetDelta + 1)
        continue
      }
      for (const r of batch.records) {
        if (r.offset < position) continue
        this.buffer.push({
          a,
          epoch: a.epoch,
          m: {
            topic: a.topic,
            partition: a.partition,
            offset: r.offset,
            timestamp: r.timestamp,
            key: r.key === null ? null : Buffer.from(r.key.buffer, r.key.byteOffset, r.key.byteLength),
            value:
              r.value === null ? null : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
            headers: r.headers.map((h) => ({
              key: h.key,
              value:
                h.value === null ? null : Buffer.from(h.value.buffer, h.value.byteOffset, h.value.byteLength),
            })),
          },
        })
        next = r.offset + 1
      }
      next = Math.max(next, batch.header.baseOffset + batch.header.lastOffsetDelta + 1)
    }
    a.fetchPosition = next
  }
}
