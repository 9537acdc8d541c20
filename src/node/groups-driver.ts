/**
 * The group coordinator's driver: one pure GroupCoordinator per node, fed with time and request
 * ids, its records appended to the internal `__consumer_offsets` topic and every answer released
 * only once those records are durable. On start it reads the topic and `load`s the coordinator.
 * One timer at `nextDeadlineMs()` drives `tick`. See README.md "Group coordinator driver".
 */
import { randomBytes } from 'node:crypto'
import { limits } from '../config/limits.js'
import {
  type CoordinatorConfig,
  decodeGroupRecord,
  GroupCoordinator,
  type GroupRecord,
} from '../groups/index.js'
import type { CallContext, DeferredResponse, Step } from '../groups/types.js'
import type { Clock } from '../io/clock.js'
import type { Logger } from '../io/log.js'
import { createPrng } from '../lib/prng.js'
import type { Broker } from '../kafka/broker.js'
import { CONSUMER_OFFSETS_TOPIC, type GroupService } from '../kafka/handlers/group-service.js'
import type { PartitionLog } from '../kafka/partition-log.js'
import { encodeRecordBatch } from '../protocol/records/encode.js'
import { iterateRecordBatches } from '../protocol/records/decode.js'

/** Kafka's offsets.topic.num.partitions default. */
export const CONSUMER_OFFSETS_PARTITIONS_DEFAULT = 50
/** Records per batch the driver writes: well under what a reader accepts (limits.recordsPerBatchMax). */
const RECORDS_PER_BATCH = 1_000
/** Bytes asked of the log per read while loading. */
const LOAD_READ_BYTES = 1024 * 1024

interface Parked {
  resolve(value: unknown): void
  reject(reason: unknown): void
}

/**
 * Kafka creates its offsets topic compacted (the latest commit per group and partition is all that
 * matters) with 100 MiB segments (offsets.topic.segment.bytes), so that segments seal and compact
 * long before the 1 GiB default would.
 */
const OFFSETS_TOPIC_CONFIGS: [string, string][] = [
  ['cleanup.policy', 'compact'],
  ['segment.bytes', String(100 * 1024 * 1024)],
]

/** Java's String.hashCode over UTF-16 code units, as Kafka partitions `__consumer_offsets`. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's `Utils.abs(groupId.hashCode) % partitions` (abs maps MIN_VALUE to 0). */
export function partitionForGroup(groupId: string, partitions: number): number {
  const h = javaStringHash(groupId)
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions
}

export interface GroupsDriverOptions {
  readonly config?: Partial<CoordinatorConfig>
  /** Partitions of `__consumer_offsets` when it is created; an existing topic keeps its count. */
  readonly offsetsTopicPartitions?: number
}

export class GroupsDriver implements GroupService {
  private nextRequestId = 1
  private readonly parked = new Map<number, Parked>()
  /** Settles once every record appended so far is durable (or failed). */
  private tail: Promise<void> = Promise.resolve()
  private cancelTimer: (() => void) | null = null
  private timerAt: number | null = null
  private lastNowMs = 0
  private reloading: Promise<void> | null = null
  private closed = false

  private constructor(
    private coordinator: GroupCoordinator,
    private readonly logs: readonly PartitionLog[],
    private readonly broker: Broker,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly config: Partial<CoordinatorConfig>,
  ) {}

  /** Creates `__consumer_offsets` when missing, opens its partitions and loads the coordinator. */
  static async start(
    broker: Broker,
    clock: Clock,
    log: Logger,
    options: GroupsDriverOptions = {},
  ): Promise<GroupsDriver> {
    let topic = broker.topic(CONSUMER_OFFSETS_TOPIC)
    if (topic === undefined) {
      const partitions = options.offsetsTopicPartitions ?? CONSUMER_OFFSETS_PARTITIONS_DEFAULT
      topic = await broker.createTopic(CONSUMER_OFFSETS_TOPIC, partitions, OFFSETS_TOPIC_CONFIGS)
    }
    const logs: PartitionLog[] = []
    for (let p = 0; p < topic.partitions; p++) {
      const state = await broker.partition(CONSUMER_OFFSETS_TOPIC, p)
      if (state === undefined) throw new Error(`${CONSUMER_OFFSETS_TOPIC}-${p} could not be opened`)
      logs.push(state.log)
    }
    const config = options.config ?? {}
    const driver = new GroupsDriver(
      await loadCoordinator(logs, config, clock.nowMs()),
      logs,
      broker,
      clock,
      log,
      config,
    )
    driver.lastNowMs = clock.nowMs()
    driver.reschedule()
    const view = driver.coordinator.view()
    log.info('groups.loaded', { groups: view.groups.length, offsets: view.offsets.length })
    return driver
  }

  async step<R>(call: (coordinator: GroupCoordinator, ctx: CallContext) => Step<R | null>): Promise<R> {
    if (this.reloading !== null) await this.reloading
    if (this.closed) throw new Error('group coordinator is closed')
    const requestId = this.nextRequestId++
    const step = call(this.coordinator, { nowMs: this.now(), requestId })
    let parked: Promise<R> | null = null
    if (step.response === null) {
      // Registered before the deferred answers are released: a step may answer its own request.
      parked = new Promise<R>((resolve, reject) => {
        this.parked.set(requestId, { resolve: resolve as (v: unknown) => void, reject })
      })
    }
    const durable = this.persist(step.records)
    this.release(step.deferred, durable)
    this.reschedule()
    if (parked !== null) return parked
    const response = step.response as R
    return durable.then(() => response)
  }

  async read<R>(call: (coordinator: GroupCoordinator) => R): Promise<R> {
    if (this.reloading !== null) await this.reloading
    if (this.closed) throw new Error('group coordinator is closed')
    // Read now, answer once everything it may reflect is durable (persist before send).
    const result = call(this.coordinator)
    await this.tail
    return result
  }

  /** Stops the timer; parked requests are left to their connections, which the node closes. */
  close(): void {
    this.closed = true
    this.cancelTimer?.()
    this.cancelTimer = null
    this.timerAt = null
  }

  private now(): number {
    // The coordinator requires time never to go back; the wall clock may.
    this.lastNowMs = Math.max(this.lastNowMs, this.clock.nowMs())
    return this.lastNowMs
  }

  /**
   * Appends records now (offsets are assigned synchronously, so the log keeps the coordinator's
   * order) and returns a promise that settles once they and everything before them are durable.
   */
  private persist(records: readonly GroupRecord[]): Promise<void> {
    if (records.length === 0) return this.tail
    const byPartition = new Map<number, GroupRecord[]>()
    for (const r of records) {
      const decoded = decodeGroupRecord(r.key, r.value)
      // One line per generation, as Kafka logs "Stabilized group ... generation ...": the trail an
      // operator reads when members report rebalances.
      if (decoded.kind === 'group' && decoded.value !== null) {
        this.log.info('group.generation', {
          group: decoded.group,
          generation: decoded.value.generation,
          protocol: decoded.value.protocol,
          leader: decoded.value.leader,
          members: decoded.value.members.length,
        })
      }
      const p = partitionForGroup(decoded.group, this.logs.length)
      let list = byPartition.get(p)
      if (list === undefined) {
        list = []
        byPartition.set(p, list)
      }
      list.push(r)
    }
    const timestamp = this.clock.nowMs()
    const durables: Promise<void>[] = [this.tail]
    for (const [p, list] of byPartition) {
      const log = this.logs[p]
      if (log === undefined) throw new Error(`${CONSUMER_OFFSETS_TOPIC}-${p} is not open`)
      for (let i = 0; i < list.length; i += RECORDS_PER_BATCH) {
        const batch = encodeRecordBatch({
          baseOffset: 0,
          records: list
            .slice(i, i + RECORDS_PER_BATCH)
            .map((r) => ({ key: r.key, value: r.value, timestamp })),
        })
        durables.push(log.append(batch, 0).durable)
      }
    }
    const all = Promise.all(durables).then(() => this.broker.notifyAppend())
    // The tail never rejects: one failure is reported once, by whoever awaits `all`.
    this.tail = all.catch(() => {})
    all.catch((e: unknown) => this.appendFailed(e))
    return all
  }

  private release(deferred: readonly DeferredResponse[], durable: Promise<void>): void {
    if (deferred.length === 0) return
    void durable.then(
      () => {
        for (const d of deferred) {
          const waiter = this.parked.get(d.requestId)
          if (waiter === undefined) continue
          this.parked.delete(d.requestId)
          waiter.resolve(d.response)
        }
      },
      () => {},
    )
  }

  /** One timer, at the coordinator's next deadline; moved whenever that deadline moves. */
  private reschedule(): void {
    if (this.closed || this.reloading !== null) return
    const next = this.coordinator.nextDeadlineMs()
    if (next === this.timerAt) return
    this.cancelTimer?.()
    this.cancelTimer = null
    this.timerAt = next
    if (next === null) return
    this.cancelTimer = this.clock.setTimer(Math.max(0, next - this.clock.nowMs()), () => {
      this.cancelTimer = null
      this.timerAt = null
      if (this.closed || this.reloading !== null) return
      const out = this.coordinator.tick(this.now())
      this.release(out.deferred, this.persist(out.records))
      this.reschedule()
    })
  }

  /**
   * An append failed: the coordinator's memory is ahead of the log. Drop it, fail every parked
   * request, and load a new one from what the log holds (one recovery path, see groups/README).
   */
  private appendFailed(e: unknown): void {
    if (this.reloading !== null || this.closed) return
    this.log.error('groups.append_failed', { error: String(e) })
    for (const waiter of this.parked.values()) waiter.reject(e)
    this.parked.clear()
    this.cancelTimer?.()
    this.cancelTimer = null
    this.timerAt = null
    this.reloading = (async () => {
      await this.tail
      this.coordinator = await loadCoordinator(this.logs, this.config, this.now())
      this.tail = Promise.resolve()
    })().finally(() => {
      this.reloading = null
      this.reschedule()
    })
  }
}

/** Reads every partition of `__consumer_offsets` up to its high watermark and loads from it. */
async function loadCoordinator(
  logs: readonly PartitionLog[],
  config: Partial<CoordinatorConfig>,
  nowMs: number,
): Promise<GroupCoordinator> {
  const records: GroupRecord[] = []
  for (const log of logs) {
    let offset = log.startOffset()
    const end = log.highWatermark()
    while (offset < end) {
      const bytes = await log.read(offset, LOAD_READ_BYTES)
      let advanced = false
      for (const batch of iterateRecordBatches(bytes)) {
        const h = batch.header
        for (const r of batch.records) {
          // Batches from read() may start before `offset`; their earlier records were seen.
          if (r.offset < offset || r.key === null) continue
          records.push({ key: r.key.slice(), value: r.value === null ? null : r.value.slice() })
        }
        const next = h.baseOffset + h.lastOffsetDelta + 1
        if (next > offset) {
          offset = next
          advanced = true
        }
      }
      if (!advanced) throw new Error(`${CONSUMER_OFFSETS_TOPIC}: no progress reading at offset ${offset}`)
    }
  }
  return GroupCoordinator.load(records, {
    nowMs,
    prng: createPrng(randomBytes(4).readUInt32LE(0)),
    config: { groupMembersMax: limits.groupMembersMax, ...config },
  })
}
