/**
 * Group membership for one consumer, over the classic protocol: FindCoordinator, JoinGroup (with
 * the MEMBER_ID_REQUIRED second round), SyncGroup (the leader runs the assignor), Heartbeat,
 * OffsetCommit/OffsetFetch, LeaveGroup. Invariants:
 * - the consumer is told of an assignment only after SyncGroup of the generation it belongs to;
 * - before rejoining, the member commits what it consumed (autoCommit) and drops its assignment,
 *   so two members never fetch one partition in the same generation from our side;
 * - one join runs at a time; heartbeats stop while it runs; REBALANCE_IN_PROGRESS,
 *   ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID send the member back to join;
 *   NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE make it look the coordinator up again.
 */
import { ErrorCode } from '../protocol/kafka/generated/errors.js'
import { ApiKey } from '../protocol/kafka/generated/index.js'
import {
  type AssignorName,
  assign,
  assignorNames,
  decodeAssignment,
  isAssignorName,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './assignors.js'
import { BrokerConnection } from './connection.js'
import { type Cluster, sleep } from './cluster.js'
import { InvalidOptionError, KafkaError, kafkaError, PetrelError } from './errors.js'
import { boolOption, intOption, oneOf, stringOption } from './options.js'

export interface GroupOptions {
  groupId?: string
  groupInstanceId?: string
  sessionTimeoutMs?: number
  rebalanceTimeoutMs?: number
  heartbeatIntervalMs?: number
  autoCommit?: boolean
  autoCommitIntervalMs?: number
  /** Assignors offered, in preference order. Default ['range', 'roundrobin'] (Kafka's names);
   * add 'RoundRobinAssigner' to share a group with kafkajs's default. */
  assignors?: AssignorName[]
}

export const groupOptionNames = [
  'groupId',
  'groupInstanceId',
  'sessionTimeoutMs',
  'rebalanceTimeoutMs',
  'heartbeatIntervalMs',
  'autoCommit',
  'autoCommitIntervalMs',
  'assignors',
]

export interface GroupConfig {
  groupId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  heartbeatIntervalMs: number
  autoCommit: boolean
  autoCommitIntervalMs: number
  assignors: AssignorName[]
}

export function groupConfig(o: Record<string, unknown>): GroupConfig | null {
  if (o.groupId === undefined) {
    for (const n of groupOptionNames) {
      if (o[n] !== undefined) throw new InvalidOptionError(`${n} needs groupId`)
    }
    return null
  }
  const sessionTimeoutMs = intOption('sessionTimeoutMs', o.sessionTimeoutMs, {
    min: 1000,
    max: 3_600_000,
    fallback: 30_000,
  })
  const assignorsRaw = o.assignors ?? ['range', 'roundrobin']
  if (!Array.isArray(assignorsRaw) || assignorsRaw.length === 0) {
    throw new PetrelError(
      'INVALID_OPTION',
      "assignors must be a non-empty array of 'range' | 'roundrobin' | 'RoundRobinAssigner'",
      false,
    )
  }
  return {
    groupId: stringOption('groupId', o.groupId, ''),
    groupInstanceId:
      o.groupInstanceId === undefined ? null : stringOption('groupInstanceId', o.groupInstanceId, ''),
    sessionTimeoutMs,
    rebalanceTimeoutMs: intOption('rebalanceTimeoutMs', o.rebalanceTimeoutMs, {
      min: 1000,
      max: 3_600_000,
      fallback: 60_000,
    }),
    heartbeatIntervalMs: intOption('heartbeatIntervalMs', o.heartbeatIntervalMs, {
      min: 10,
      max: sessionTimeoutMs - 1,
      fallback: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
    }),
    autoCommit: boolOption('autoCommit', o.autoCommit, true),
    autoCommitIntervalMs: intOption('autoCommitIntervalMs', o.autoCommitIntervalMs, {
      min: 1,
      max: 3_600_000,
      fallback: 5_000,
    }),
    assignors: assignorsRaw.map((a: unknown) =>
      oneOf<AssignorName>('assignors[]', a, assignorNames, 'range'),
    ),
  }
}

export interface GroupHooks {
  onAssigned(parts: { topic: string; partition: number }[]): void
  committable(): { topic: string; partition: number; offset: number }[]
}

export class GroupMember {
  memberId = ''
  generationId = -1
  private topics: string[] = []
  private coordinator: BrokerConnection | null = null
  private coordinatorOpening: Promise<BrokerConnection> | null = null
  private committed = new Map<string, number>()
  private joining: Promise<void> | null = null
  private heartbeatTimer: NodeJS.Timeout | null = null
  private commitTimer: NodeJS.Timeout | null = null
  private stopped = false
  private stopping: Promise<void> | null = null
  private lastError: Error | null = null

  constructor(
    private readonly cluster: Cluster,
    readonly config: GroupConfig,
    private readonly hooks: GroupHooks,
  ) {}

  async start(topics: readonly string[]): Promise<void> {
    this.topics = [...topics].sort()
    await this.rejoin()
    if (this.config.autoCommit) {
      this.commitTimer = setInterval(() => {
        if (this.joining !== null) return
        void this.commit(this.hooks.committable()).catch((e: unknown) => this.noteError(e))
      }, this.config.autoCommitIntervalMs)
    }
  }

  /** The error that stopped the background loop, if any (read once). */
  takeError(): Error | null {
    const e = this.lastError
    this.lastError = null
    return e
  }

  async committedOffset(topic: string, partition: number): Promise<number | null> {
    if (this.joining !== null) await this.joining
    return this.committed.get(`${topic}\u0000${partition}`) ?? null
  }

  /** Idempotent: concurrent and later calls share the one stop. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce()
    return this.stopping
  }

  private async stopOnce(): Promise<void> {
    if (this.joining !== null) await this.joining.catch(() => undefined)
    this.stopped = true
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer)
    if (this.commitTimer !== null) clearInterval(this.commitTimer)
    if (this.memberId === '') return
    try {
      if (this.config.autoCommit) await this.commitOnce(this.hooks.committable())
    } catch {
      // Best effort on close: the group will rebalance and others resume from the last commit.
    }
    // A static member (groupInstanceId) does not leave on close, as Kafka's consumer does not
    // (KIP-345): a restart within the session timeout gets its partitions back with no rebalance.
    if (this.config.groupInstanceId === null) {
      try {
        const conn = await this.coordinatorConnection()
        // v0-2 name the member; v3+ carry a list of members (KIP-345's batch leave).
        const v = conn.version(ApiKey.LeaveGroup) ?? 0
        await conn.request(
          ApiKey.LeaveGroup,
          v >= 3
            ? {
                groupId: this.config.groupId,
                members: [
                  { memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is closing' },
                ],
              }
            : { groupId: this.config.groupId, memberId: this.memberId },
        )
      } catch {
        // Leaving is a courtesy; the session timeout removes us anyway.
      }
    }
    this.hooks.onAssigned([])
    this.coordinator?.close()
    this.coordinator = null
  }

  async commit(offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    if (offsets.length === 0) return
    await this.cluster.withRetry({}, () => this.commitOnce(offsets))
  }

  private async commitOnce(
    offsets: readonly { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    const conn = await this.coordinatorConnection()
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint }[]>()
    for (const o of offsets) {
      byTopic.set(o.topic, [
        ...(byTopic.get(o.topic) ?? []),
        { partitionIndex: o.partition, committedOffset: BigInt(o.offset) },
      ])
    }
    const res = await conn.request(ApiKey.OffsetCommit, {
      groupId: this.config.groupId,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      ...(this.config.groupInstanceId !== null ? { groupInstanceId: this.config.groupInstanceId } : {}),
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    })
    for (const t of res.topics) {
      for (const p of t.partitions) {
        this.checkGroupError(p.errorCode, `commit ${t.name}/${p.partitionIndex}`)
      }
    }
    for (const o of offsets) this.committed.set(`${o.topic}\u0000${o.partition}`, o.offset)
  }

  /** Raises the error; group-state errors also schedule a rejoin, coordinator errors a new lookup. */
  private checkGroupError(code: number, what: string): void {
    const err = kafkaError(code, what)
    if (err === null) return
    if (this.joining !== null) {
      // An answer about a generation we are already leaving: the join under way settles it.
      throw new KafkaError(err.kafkaCode, err.code, err.message, true)
    }
    if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE)
      this.coordinator = null
    if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
    if (
      code === ErrorCode.REBALANCE_IN_PROGRESS ||
      code === ErrorCode.ILLEGAL_GENERATION ||
      code === ErrorCode.UNKNOWN_MEMBER_ID
    ) {
      void this.rejoin().catch((e: unknown) => this.noteError(e))
      // The rejoin resolves it; the caller may retry after it.
      throw new KafkaError(err.kafkaCode, err.code, err.message, true)
    }
    throw err
  }

  private noteError(e: unknown): void {
    if (this.stopped) return
    this.lastError = e instanceof Error ? e : new Error(String(e))
  }

  private async coordinatorConnection(): Promise<BrokerConnection> {
    if (this.coordinator?.isOpen) return this.coordinator
    // Concurrent callers (heartbeat, commit, join) share one lookup and one connection.
    this.coordinatorOpening ??= this.openCoordinator().finally(() => {
      this.coordinatorOpening = null
    })
    return this.coordinatorOpening
  }

  private async openCoordinator(): Promise<BrokerConnection> {
    this.coordinator?.close()
    this.coordinator = null
    const found = await this.cluster.withRetry({}, async () => {
      const conn = await this.cluster.anyConnection()
      const res = await conn.request(ApiKey.FindCoordinator, { key: this.config.groupId, keyType: 0 })
      const err = kafkaError(
        res.errorCode,
        `find coordinator of group '${this.config.groupId}'`,
        res.errorMessage,
      )
      if (err !== null) throw err
      // A connection of our own: a JoinGroup or SyncGroup parks on the broker, and responses on
      // one connection leave in request order, so a shared one would stall heartbeats, fetches,
      // and other members' joins behind it.
      return BrokerConnection.open({
        host: res.host,
        port: res.port,
        clientId: this.cluster.config.clientId,
        connectTimeoutMs: this.cluster.config.connectTimeoutMs,
        requestTimeoutMs: this.cluster.config.requestTimeoutMs,
      })
    })
    if (this.stopped) found.close()
    this.coordinator = found
    return found
  }

  /** Joins (or rejoins) the group; concurrent callers share one join. */
  rejoin(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    this.joining ??= this.joinLoop().finally(() => {
      this.joining = null
    })
    return this.joining
  }

  private async joinLoop(): Promise<void> {
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = null
    if (this.config.autoCommit && this.generationId >= 0) {
      try {
        await this.commitOnce(this.hooks.committable())
      } catch {
        // The generation may already be gone; the offsets are then re-consumed by the new owner.
      }
    }
    this.hooks.onAssigned([])
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return
      try {
        await this.joinOnce()
        this.scheduleHeartbeat()
        return
      } catch (e) {
        const retriable =
          e instanceof KafkaError &&
          (e.retriable ||
            e.kafkaCode === ErrorCode.MEMBER_ID_REQUIRED ||
            e.kafkaCode === ErrorCode.REBALANCE_IN_PROGRESS ||
            e.kafkaCode === ErrorCode.UNKNOWN_MEMBER_ID ||
            e.kafkaCode === ErrorCode.ILLEGAL_GENERATION)
        const transport = e instanceof PetrelError && e.retriable
        if ((!retriable && !transport) || attempt >= this.cluster.config.retries + 5) throw e
        if (e instanceof KafkaError && e.kafkaCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = ''
        if (e instanceof KafkaError && e.kafkaCode === ErrorCode.MEMBER_ID_REQUIRED) continue
        if (!(e instanceof KafkaError)) this.coordinator = null
        await sleep(this.cluster.backoffMs(Math.min(attempt + 1, 5)))
      }
    }
  }

  private async joinOnce(): Promise<void> {
    const conn = await this.coordinatorConnection()
    const metadata = encodeSubscription(this.topics)
    const join = await conn.request(
      ApiKey.JoinGroup,
      {
        groupId: this.config.groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs: this.config.rebalanceTimeoutMs,
        memberId: this.memberId,
        ...(this.config.groupInstanceId !== null ? { groupInstanceId: this.config.groupInstanceId } : {}),
        protocolType: 'consumer',
        protocols: this.config.assignors.map((name) => ({ name, metadata })),
      },
      { timeoutMs: this.config.rebalanceTimeoutMs + conn.options.requestTimeoutMs },
    )
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      // KIP-394: the coordinator hands out the id and expects us back with it.
      this.memberId = join.memberId
    }
    const joinErr = kafkaError(join.errorCode, `join group '${this.config.groupId}'`)
    if (joinErr !== null) {
      if (
        join.errorCode === ErrorCode.NOT_COORDINATOR ||
        join.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE
      )
        this.coordinator = null
      throw joinErr
    }
    this.memberId = join.memberId
    this.generationId = join.generationId
    const assignments =
      join.leader === join.memberId ? await this.leaderAssign(join.protocolName ?? 'range', join.members) : []
    const sync = await conn.request(
      ApiKey.SyncGroup,
      {
        groupId: this.config.groupId,
        generationId: join.generationId,
        memberId: this.memberId,
        ...(this.config.groupInstanceId !== null ? { groupInstanceId: this.config.groupInstanceId } : {}),
        ...(conn.version(ApiKey.SyncGroup) !== null && (conn.version(ApiKey.SyncGroup) as number) >= 5
          ? { protocolType: 'consumer', protocolName: join.protocolName }
          : {}),
        assignments,
      },
      { timeoutMs: this.config.rebalanceTimeoutMs + conn.options.requestTimeoutMs },
    )
    const syncErr = kafkaError(sync.errorCode, `sync group '${this.config.groupId}'`)
    if (syncErr !== null) throw syncErr
    const mine = decodeAssignment(sync.assignment)
    const parts = [...mine].flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })))
    await this.fetchCommitted(conn, mine)
    this.hooks.onAssigned(parts)
  }

  private async leaderAssign(
    protocol: string,
    members: readonly { memberId: string; metadata: Uint8Array }[],
  ): Promise<{ memberId: string; assignment: Uint8Array }[]> {
    const subs = new Map<string, string[]>()
    for (const m of members) subs.set(m.memberId, decodeSubscription(m.metadata).topics)
    const topics = [...new Set([...subs.values()].flat())]
    const counts = new Map<string, number>()
    for (const t of topics) {
      try {
        this.cluster.invalidate(t)
        counts.set(t, (await this.cluster.topic(t)).partitions.length)
      } catch (e) {
        // A subscribed topic that does not exist gets no partitions, as in Kafka.
        if (!(e instanceof KafkaError) || e.kafkaCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw e
      }
    }
    const plan = assign(isAssignorName(protocol) ? protocol : 'range', {
      members: subs,
      partitionCounts: counts,
    })
    return [...plan].map(([memberId, a]) => ({ memberId, assignment: encodeAssignment(a) }))
  }

  private async fetchCommitted(conn: BrokerConnection, mine: Map<string, number[]>): Promise<void> {
    this.committed.clear()
    if (mine.size === 0) return
    const res = await conn.request(ApiKey.OffsetFetch, {
      groupId: this.config.groupId,
      topics: [...mine].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
    })
    const top = kafkaError(res.errorCode, `fetch offsets of group '${this.config.groupId}'`)
    if (top !== null) throw top
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === 0 && p.committedOffset >= 0n)
          this.committed.set(`${t.name}\u0000${p.partitionIndex}`, Number(p.committedOffset))
      }
    }
  }

  private scheduleHeartbeat(): void {
    if (this.stopped) return
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null
      void this.heartbeat()
    }, this.config.heartbeatIntervalMs)
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped || this.joining !== null) return
    try {
      const conn = await this.coordinatorConnection()
      const res = await conn.request(ApiKey.Heartbeat, {
        groupId: this.config.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        ...(this.config.groupInstanceId !== null ? { groupInstanceId: this.config.groupInstanceId } : {}),
      })
      this.checkGroupError(res.errorCode, `heartbeat of group '${this.config.groupId}'`)
      this.scheduleHeartbeat()
    } catch (e) {
      // Group-state errors already started a rejoin (which reschedules heartbeats).
      if (this.joining !== null) return
      if (e instanceof PetrelError && e.retriable) {
        this.coordinator = null
        this.scheduleHeartbeat()
        return
      }
      this.noteError(e)
    }
  }
}
