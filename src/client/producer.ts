/**
 * The producer: records are queued per partition into batches, closed by size (`batchBytes`) or
 * age (`lingerMs`), and sent in one Produce request per leader. Idempotent by default (KIP-98):
 * one producer id, a sequence per partition, at most `maxInFlight` (≤ 5) batches in flight per
 * partition. Invariants (see README.md):
 * - a batch gets its sequence once, when first sent, and every retry resends the same bytes;
 * - after a retriable failure a partition enters recovery: nothing new is sent until its in-flight
 *   batches settle, then failed batches go again one at a time in sequence order, so the broker
 *   appends them in the order `send` was called;
 * - every record's promise settles exactly once: with its offset, or an error after `retries`;
 * - queued bytes never exceed `bufferBytesMax` (send waits for room).
 */
import { limits } from '../config/limits.js'
import { ErrorCode } from '../protocol/kafka/generated/errors.js'
import { ApiKey } from '../protocol/kafka/generated/index.js'
import type { ProduceResponse } from '../protocol/kafka/generated/produce.js'
import { type Compression, encodeRecordBatch, type RecordInput } from '../protocol/records/index.js'
import type { Cluster } from './cluster.js'
import { ClosedError, KafkaError, kafkaError, needsMetadataRefresh, PetrelError } from './errors.js'
import { type ProducerMessage, type RecordMetadata, recordBytes, toRecordInput } from './message.js'
import { boolOption, checkObject, intOption, oneOf } from './options.js'
import { NullKeyPartitioner, type NullKeyStrategy, partitionForKey } from './partitioner.js'

export interface ProducerOptions {
  /** 0: no answer; 1: the leader wrote it; -1 / 'all': every in-sync replica has it. Default -1. */
  acks?: 0 | 1 | -1 | 'all'
  /** Default true when acks is -1; requires acks -1. */
  idempotent?: boolean
  compression?: Compression
  lingerMs?: number
  batchBytes?: number
  /** Batches in flight per partition, 1..5. Default 5. */
  maxInFlight?: number
  retries?: number
  /** How long the broker may wait for replicas (acks -1). */
  ackTimeoutMs?: number
  partitioner?: NullKeyStrategy
  bufferBytesMax?: number
}

const producerOptionNames = [
  'acks',
  'idempotent',
  'compression',
  'lingerMs',
  'batchBytes',
  'maxInFlight',
  'retries',
  'ackTimeoutMs',
  'partitioner',
  'bufferBytesMax',
]

interface Config {
  acks: 0 | 1 | -1
  idempotent: boolean
  compression: Compression
  lingerMs: number
  batchBytes: number
  maxInFlight: number
  retries: number
  ackTimeoutMs: number
  partitioner: NullKeyStrategy
  bufferBytesMax: number
}

export function producerConfig(options: unknown, defaultRetries: number): Config {
  const o = checkObject('producer options', options, producerOptionNames)
  const acksRaw = oneOf<number | string>('acks', o.acks, [0, 1, -1, 'all'], -1)
  const acks = acksRaw === 'all' ? -1 : (acksRaw as 0 | 1 | -1)
  const idempotent = boolOption('idempotent', o.idempotent, acks === -1)
  if (idempotent && acks !== -1) {
    throw new PetrelError(
      'INVALID_OPTION',
      `idempotent: true requires acks -1 ('all'), got acks ${String(acksRaw)}`,
      false,
    )
  }
  return {
    acks,
    idempotent,
    compression: oneOf<Compression>(
      'compression',
      o.compression,
      ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
      'none',
    ),
    lingerMs: intOption('lingerMs', o.lingerMs, { min: 0, max: 60_000, fallback: 5 }),
    batchBytes: intOption('batchBytes', o.batchBytes, {
      min: 1,
      max: limits.recordBatchBytesConfigurableMax,
      fallback: 64 * 1024,
    }),
    maxInFlight: intOption('maxInFlight', o.maxInFlight, { min: 1, max: 5, fallback: 5 }),
    retries: intOption('retries', o.retries, { min: 0, max: 1_000_000, fallback: defaultRetries }),
    ackTimeoutMs: intOption('ackTimeoutMs', o.ackTimeoutMs, { min: 1, max: 3_600_000, fallback: 30_000 }),
    partitioner: oneOf<NullKeyStrategy>('partitioner', o.partitioner, ['sticky', 'round-robin'], 'sticky'),
    bufferBytesMax: intOption('bufferBytesMax', o.bufferBytesMax, {
      min: 1024,
      max: 2 ** 40,
      fallback: 64 * 1024 * 1024,
    }),
  }
}

interface Pending {
  readonly record: RecordInput
  readonly bytes: number
  readonly resolve: (m: RecordMetadata) => void
  readonly reject: (e: Error) => void
}

interface Batch {
  readonly records: Pending[]
  bytes: number
  readonly createdAt: number
  encoded: Uint8Array | null
  baseSequence: number
  attempts: number
}

interface PartitionQueue {
  readonly topic: string
  readonly partition: number
  open: Batch | null
  readonly ready: Batch[]
  readonly inflight: Set<Batch>
  retryAt: number
  nextSequence: number
  recovering: boolean
  /** After a batch failed for good: the sequence the broker expects next. */
  resequenceFrom: number | null
}

export class Producer {
  private readonly config: Config
  private readonly queues = new Map<string, PartitionQueue>()
  private readonly nullKeys: NullKeyPartitioner
  private producerId = -1n
  private producerEpoch = -1
  private initializing: Promise<void> | null = null
  private bufferedBytes = 0
  private readonly roomWaiters: (() => void)[] = []
  private readonly settledWaiters: (() => void)[] = []
  private unsettled = 0
  private lingerTimer: NodeJS.Timeout | null = null
  private drainTimer: NodeJS.Timeout | null = null
  private draining = false
  private drainAgain = false
  private closed = false

  constructor(
    private readonly cluster: Cluster,
    options?: ProducerOptions,
  ) {
    this.config = producerConfig(options, cluster.config.retries)
    this.nullKeys = new NullKeyPartitioner(this.config.partitioner)
  }

  /** Queues messages for `topic`; resolves to one offset per message, in the order given. */
  async send(input: { topic: string; messages: readonly ProducerMessage[] }): Promise<RecordMetadata[]> {
    if (this.closed) throw new ClosedError('producer')
    if (typeof input?.topic !== 'string' || !Array.isArray(input.messages)) {
      throw new PetrelError(
        'INVALID_ARGUMENT',
        'send takes { topic: string, messages: ProducerMessage[] }',
        false,
      )
    }
    const now = Date.now()
    const records = input.messages.map((m) => toRecordInput(m, now))
    const topic = await this.cluster.withRetry({ topics: [input.topic] }, () =>
      this.cluster.topic(input.topic),
    )
    const count = topic.partitions.length
    const results: Promise<RecordMetadata>[] = []
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as RecordInput
      const explicit = input.messages[i]?.partition
      if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 0 || explicit >= count)) {
        throw new PetrelError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `partition ${explicit} of '${input.topic}' does not exist (it has ${count})`,
          false,
        )
      }
      const partition =
        explicit ??
        (record.key !== null
          ? partitionForKey(record.key, count)
          : this.nullKeys.partition(input.topic, count))
      const bytes = recordBytes(record)
      if (bytes + 61 > limits.recordBatchBytesConfigurableMax) {
        throw new PetrelError(
          'MESSAGE_TOO_LARGE',
          `a record of ${bytes} bytes exceeds the largest batch a node accepts`,
          false,
        )
      }
      // Bounded by bufferBytesMax: wait for in-flight batches to settle before queueing more.
      while (this.bufferedBytes + bytes > this.config.bufferBytesMax && this.bufferedBytes > 0) {
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve))
        if (this.closed) throw new ClosedError('producer')
      }
      results.push(this.enqueue(input.topic, partition, count, record, bytes))
    }
    return Promise.all(results)
  }

  /** Sends everything queued now and resolves when all of it is acknowledged or failed. */
  async flush(): Promise<void> {
    for (const q of this.queues.values()) this.closeOpenBatch(q)
    this.scheduleDrain()
    while (this.unsettled > 0) await new Promise<void>((resolve) => this.settledWaiters.push(resolve))
  }

  /** Flushes, then refuses further sends. */
  async close(): Promise<void> {
    if (this.closed) return
    await this.flush()
    this.closed = true
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer)
    if (this.drainTimer !== null) clearTimeout(this.drainTimer)
    for (const w of this.roomWaiters.splice(0)) w()
  }

  private enqueue(
    topic: string,
    partition: number,
    count: number,
    record: RecordInput,
    bytes: number,
  ): Promise<RecordMetadata> {
    const key = `${topic}\u0000${partition}`
    let q = this.queues.get(key)
    if (q === undefined) {
      q = {
        topic,
        partition,
        open: null,
        ready: [],
        inflight: new Set(),
        retryAt: 0,
        nextSequence: 0,
        recovering: false,
        resequenceFrom: null,
      }
      this.queues.set(key, q)
    }
    if (
      q.open !== null &&
      (q.open.bytes + bytes > this.config.batchBytes || q.open.records.length >= limits.recordsPerBatchMax)
    ) {
      this.closeOpenBatch(q)
      this.nullKeys.batchClosed(topic, partition, count)
    }
    if (q.open === null)
      q.open = { records: [], bytes: 61, createdAt: Date.now(), encoded: null, baseSequence: -1, attempts: 0 }
    const batch = q.open
    this.bufferedBytes += bytes
    this.unsettled++
    const p = new Promise<RecordMetadata>((resolve, reject) =>
      batch.records.push({ record, bytes, resolve, reject }),
    )
    batch.bytes += bytes
    if (batch.bytes >= this.config.batchBytes || this.config.lingerMs === 0) {
      this.closeOpenBatch(q)
      this.scheduleDrain()
    } else if (this.lingerTimer === null) {
      this.lingerTimer = setTimeout(() => this.onLinger(), this.config.lingerMs)
    }
    return p
  }

  private onLinger(): void {
    this.lingerTimer = null
    const now = Date.now()
    let earliest = Number.POSITIVE_INFINITY
    for (const q of this.queues.values()) {
      if (q.open === null) continue
      if (now - q.open.createdAt >= this.config.lingerMs) this.closeOpenBatch(q)
      else earliest = Math.min(earliest, q.open.createdAt + this.config.lingerMs)
    }
    if (earliest !== Number.POSITIVE_INFINITY)
      this.lingerTimer = setTimeout(() => this.onLinger(), Math.max(1, earliest - now))
    this.scheduleDrain()
  }

  private closeOpenBatch(q: PartitionQueue): void {
    if (q.open === null || q.open.records.length === 0) return
    q.ready.push(q.open)
    q.open = null
  }

  private scheduleDrain(): void {
    if (this.draining) {
      this.drainAgain = true
      return
    }
    this.draining = true
    queueMicrotask(() => {
      this.drain()
        .catch(() => {
          // drain settles each batch itself; an error here is already delivered to its records.
        })
        .finally(() => {
          this.draining = false
          if (this.drainAgain) {
            this.drainAgain = false
            this.scheduleDrain()
          }
        })
    })
  }

  private async ensureProducerId(): Promise<void> {
    if (!this.config.idempotent || this.producerId >= 0n) return
    this.initializing ??= this.cluster
      .withRetry({}, async () => {
        const conn = await this.cluster.anyConnection()
        const res = await conn.request(ApiKey.InitProducerId, {
          transactionalId: null,
          transactionTimeoutMs: 60_000,
        })
        const err = kafkaError(res.errorCode, 'InitProducerId')
        if (err !== null) throw err
        this.producerId = res.producerId
        this.producerEpoch = res.producerEpoch
      })
      .finally(() => {
        this.initializing = null
      })
    await this.initializing
  }

  /** Picks sendable batches, groups them by leader and sends one request per leader. */
  private async drain(): Promise<void> {
    const now = Date.now()
    const byLeader = new Map<number, { q: PartitionQueue; batch: Batch }[]>()
    let wakeAt = Number.POSITIVE_INFINITY
    const picked: { q: PartitionQueue; batch: Batch }[] = []
    for (const q of this.queues.values()) {
      if (q.ready.length === 0) continue
      if (q.retryAt > now) {
        wakeAt = Math.min(wakeAt, q.retryAt)
        continue
      }
      const cap = q.recovering ? 1 : this.config.maxInFlight
      while (q.ready.length > 0 && q.inflight.size < cap) {
        const batch = q.ready.shift() as Batch
        q.inflight.add(batch)
        picked.push({ q, batch })
      }
    }
    if (wakeAt !== Number.POSITIVE_INFINITY) this.wakeAt(wakeAt - now)
    if (picked.length === 0) return
    try {
      await this.ensureProducerId()
    } catch (e) {
      for (const { q, batch } of picked) this.failBatch(q, batch, e)
      return
    }
    for (const item of picked) {
      try {
        this.encode(item.q, item.batch)
        const info = await this.cluster.topic(item.q.topic)
        const leader = info.partitions[item.q.partition]?.leader ?? -1
        if (leader < 0)
          throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${item.q.topic}/${item.q.partition}`)
        const list = byLeader.get(leader) ?? []
        list.push(item)
        byLeader.set(leader, list)
      } catch (e) {
        this.failBatch(item.q, item.batch, e)
      }
    }
    for (const [leader, items] of byLeader) this.sendTo(leader, items)
  }

  private wakeAt(ms: number): void {
    if (this.drainTimer !== null) return
    this.drainTimer = setTimeout(
      () => {
        this.drainTimer = null
        this.scheduleDrain()
      },
      Math.max(1, ms),
    )
  }

  private encode(q: PartitionQueue, batch: Batch): void {
    if (batch.encoded !== null) return
    if (this.config.idempotent) {
      batch.baseSequence = q.nextSequence
      q.nextSequence = (q.nextSequence + batch.records.length) % 2 ** 31
    }
    batch.encoded = encodeRecordBatch({
      baseOffset: 0,
      compression: this.config.compression,
      producerId: this.config.idempotent ? Number(this.producerId) : -1,
      producerEpoch: this.config.idempotent ? this.producerEpoch : -1,
      baseSequence: this.config.idempotent ? batch.baseSequence : -1,
      records: batch.records.map((p) => p.record),
    })
  }

  private sendTo(leader: number, items: { q: PartitionQueue; batch: Batch }[]): void {
    const topics = new Map<string, { index: number; records: Uint8Array }[]>()
    for (const { q, batch } of items) {
      const list = topics.get(q.topic) ?? []
      list.push({ index: q.partition, records: batch.encoded as Uint8Array })
      topics.set(q.topic, list)
    }
    const body = {
      transactionalId: null,
      acks: this.config.acks,
      timeoutMs: this.config.ackTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    }
    const noResponse = this.config.acks === 0
    this.cluster
      .connection(leader)
      .then((conn) =>
        conn.request(ApiKey.Produce, body, {
          noResponse,
          timeoutMs: conn.options.requestTimeoutMs + this.config.ackTimeoutMs,
        }),
      )
      .then(
        (res) => this.onResponse(items, noResponse ? null : res),
        (e: unknown) => {
          for (const { q, batch } of items) this.failBatch(q, batch, e)
        },
      )
      .finally(() => this.scheduleDrain())
  }

  private onResponse(items: { q: PartitionQueue; batch: Batch }[], res: ProduceResponse | null): void {
    for (const { q, batch } of items) {
      if (res === null) {
        this.succeed(q, batch, -1)
        continue
      }
      const pr = res.responses
        .find((t) => t.name === q.topic)
        ?.partitionResponses.find((p) => p.index === q.partition)
      if (pr === undefined) {
        this.failBatch(
          q,
          batch,
          new PetrelError('PROTOCOL', `Produce answer lacks ${q.topic}/${q.partition}`, true),
        )
        continue
      }
      if (pr.errorCode === ErrorCode.NONE) this.succeed(q, batch, Number(pr.baseOffset))
      else
        this.failBatch(
          q,
          batch,
          kafkaError(pr.errorCode, `produce to ${q.topic}/${q.partition}`, pr.errorMessage),
        )
    }
  }

  private succeed(q: PartitionQueue, batch: Batch, baseOffset: number): void {
    q.inflight.delete(batch)
    for (let i = 0; i < batch.records.length; i++) {
      const p = batch.records[i] as Pending
      p.resolve({ topic: q.topic, partition: q.partition, offset: baseOffset < 0 ? -1 : baseOffset + i })
    }
    this.release(batch)
    this.maybeEndRecovery(q)
  }

  /** A retriable failure puts the batch back in sequence order; anything else fails its records. */
  private failBatch(q: PartitionQueue, batch: Batch, e: unknown): void {
    q.inflight.delete(batch)
    const err = e instanceof PetrelError ? e : new PetrelError('PROTOCOL', String(e), false, { cause: e })
    const code = err instanceof KafkaError ? err.kafkaCode : null
    // A later batch refused because an earlier one failed: it goes again once that one is in.
    const followsFailure = code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && q.recovering
    batch.attempts++
    if ((err.retriable || followsFailure) && batch.attempts <= this.config.retries && !this.closed) {
      if (code !== null && needsMetadataRefresh(code)) this.cluster.invalidate(q.topic)
      const at = q.ready.findIndex((b) => b.encoded === null || b.baseSequence > batch.baseSequence)
      q.ready.splice(at < 0 ? q.ready.length : at, 0, batch)
      q.recovering = this.config.idempotent
      q.retryAt = Date.now() + this.cluster.backoffMs(batch.attempts)
      this.wakeAt(q.retryAt - Date.now())
      return
    }
    for (const p of batch.records) p.reject(err)
    this.release(batch)
    if (this.config.idempotent && batch.encoded !== null) {
      // The broker never appended it: later batches must take over its sequence numbers.
      q.recovering = true
      q.resequenceFrom = Math.min(q.resequenceFrom ?? batch.baseSequence, batch.baseSequence)
    }
    this.maybeEndRecovery(q)
  }

  private maybeEndRecovery(q: PartitionQueue): void {
    if (!q.recovering || q.inflight.size > 0) return
    if (q.resequenceFrom !== null) {
      q.nextSequence = q.resequenceFrom
      q.resequenceFrom = null
      for (const b of q.ready) b.encoded = null
    }
    if (q.ready.every((b) => b.encoded === null)) q.recovering = false
  }

  private release(batch: Batch): void {
    this.bufferedBytes -= batch.bytes - 61
    this.unsettled -= batch.records.length
    for (const w of this.roomWaiters.splice(0)) w()
    if (this.unsettled === 0) for (const w of this.settledWaiters.splice(0)) w()
  }
}
