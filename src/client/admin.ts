/**
 * Cluster administration over the Kafka admin APIs. Every call retries retriable errors (with a
 * metadata refresh for leadership ones) up to the client's `retries`, then throws the typed error.
 * Per-item errors (one topic of several failed) throw the first error, naming the item.
 */
import { ApiKey } from '../protocol/kafka/generated/index.js'
import { decodeAssignment } from './assignors.js'
import type { BrokerInfo, Cluster, TopicInfo } from './cluster.js'
import type { BrokerConnection } from './connection.js'
import { PetrelError, throwIfError } from './errors.js'

export interface NewTopic {
  name: string
  partitions?: number
  replicationFactor?: number
  configs?: Record<string, string>
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number }

export interface PartitionOffset {
  partition: number
  offset: number
}

const RESOURCE_TOPIC = 2
const RESOURCE_BROKER = 4

export interface ConfigEntry {
  name: string
  value: string | null
  readOnly: boolean
  isDefault: boolean
  isSensitive: boolean
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new PetrelError('INVALID_ARGUMENT', `${what} must be a non-empty string`, false)
  }
  return name
}

export class Admin {
  constructor(private readonly cluster: Cluster) {}

  async createTopics(
    topics: readonly NewTopic[],
    options: { timeoutMs?: number; validateOnly?: boolean } = {},
  ): Promise<void> {
    const body = {
      topics: topics.map((t) => ({
        name: checkName('topic name', t.name),
        numPartitions: t.partitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: options.timeoutMs ?? 30_000,
      validateOnly: options.validateOnly ?? false,
    }
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.CreateTopics, body),
    )
    for (const t of res.topics) throwIfError(t.errorCode, `create topic '${t.name}'`, t.errorMessage)
  }

  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}): Promise<void> {
    for (const n of names) checkName('topic name', n)
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.DeleteTopics, {
        topicNames: [...names],
        timeoutMs: options.timeoutMs ?? 30_000,
      }),
    )
    for (const t of res.responses) throwIfError(t.errorCode, `delete topic '${t.name}'`, t.errorMessage)
    for (const n of names) this.cluster.invalidate(n)
  }

  /** Names of the topics (internal ones only when asked). */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const res = await this.cluster.withRetry({}, () => this.cluster.refreshMetadata(null))
    return res.topics
      .filter(
        (t) => t.errorCode === 0 && t.name !== null && (options.includeInternal === true || !t.isInternal),
      )
      .map((t) => t.name as string)
      .sort()
  }

  async describeTopics(names: readonly string[]): Promise<TopicInfo[]> {
    const out: TopicInfo[] = []
    for (const n of names) {
      checkName('topic name', n)
      this.cluster.invalidate(n)
      out.push(await this.cluster.withRetry({ topics: [n] }, () => this.cluster.topic(n)))
    }
    return out
  }

  /** Raises a topic's partition count to `count`. */
  async createPartitions(topic: string, count: number, options: { timeoutMs?: number } = {}): Promise<void> {
    checkName('topic', topic)
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.CreatePartitions, {
        topics: [{ name: topic, count, assignments: null }],
        timeoutMs: options.timeoutMs ?? 30_000,
        validateOnly: false,
      }),
    )
    for (const r of res.results) throwIfError(r.errorCode, `create partitions of '${r.name}'`, r.errorMessage)
    this.cluster.invalidate(topic)
  }

  async describeConfigs(
    resource: { type: 'topic' | 'broker'; name: string },
    keys?: readonly string[],
  ): Promise<ConfigEntry[]> {
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.DescribeConfigs, {
        resources: [
          {
            resourceType: resource.type === 'topic' ? RESOURCE_TOPIC : RESOURCE_BROKER,
            resourceName: resource.name,
            configurationKeys: keys === undefined ? null : [...keys],
          },
        ],
      }),
    )
    const r = res.results[0]
    if (r === undefined) throw new PetrelError('PROTOCOL', 'DescribeConfigs answered no resource', false)
    throwIfError(r.errorCode, `describe configs of ${resource.type} '${resource.name}'`, r.errorMessage)
    return r.configs.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      isDefault: c.isDefault || c.configSource === 5,
      isSensitive: c.isSensitive,
    }))
  }

  /** Sets a topic's configs (AlterConfigs replaces the whole set of non-default values). */
  async alterConfigs(
    resource: { type: 'topic' | 'broker'; name: string },
    configs: Record<string, string | null>,
  ): Promise<void> {
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.AlterConfigs, {
        resources: [
          {
            resourceType: resource.type === 'topic' ? RESOURCE_TOPIC : RESOURCE_BROKER,
            resourceName: resource.name,
            configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
        validateOnly: false,
      }),
    )
    for (const r of res.responses)
      throwIfError(r.errorCode, `alter configs of '${r.resourceName}'`, r.errorMessage)
  }

  /** The offset per partition for `spec` (earliest, latest = high watermark, or by timestamp). */
  async listOffsets(topic: string, spec: OffsetSpec = 'latest'): Promise<PartitionOffset[]> {
    checkName('topic', topic)
    const timestamp = spec === 'earliest' ? -2n : spec === 'latest' ? -1n : BigInt(spec.timestamp)
    return this.cluster.withRetry({ topics: [topic] }, async () => {
      const info = await this.cluster.topic(topic)
      const byLeader = new Map<number, number[]>()
      for (const p of info.partitions)
        byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partition])
      const out: PartitionOffset[] = []
      for (const [leader, partitions] of byLeader) {
        const conn = await this.cluster.connection(leader)
        const res = await conn.request(ApiKey.ListOffsets, {
          replicaId: -1,
          topics: [
            {
              name: topic,
              partitions: partitions.map((partitionIndex) => ({
                partitionIndex,
                timestamp,
                currentLeaderEpoch: -1,
              })),
            },
          ],
        })
        for (const t of res.topics) {
          for (const p of t.partitions) {
            throwIfError(p.errorCode, `list offsets of ${topic}/${p.partitionIndex}`)
            out.push({ partition: p.partitionIndex, offset: Number(p.offset) })
          }
        }
      }
      return out.sort((a, b) => a.partition - b.partition)
    })
  }

  /** Deletes records before `offset` per partition; resolves to the new low watermarks. */
  async deleteRecords(topic: string, partitions: readonly PartitionOffset[]): Promise<PartitionOffset[]> {
    checkName('topic', topic)
    return this.cluster.withRetry({ topics: [topic] }, async () => {
      const info = await this.cluster.topic(topic)
      const byLeader = new Map<number, PartitionOffset[]>()
      for (const p of partitions) {
        const leader = info.partitions[p.partition]?.leader
        if (leader === undefined)
          throw new PetrelError(
            'UNKNOWN_TOPIC_OR_PARTITION',
            `partition ${topic}/${p.partition} does not exist`,
            false,
          )
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
      }
      const out: PartitionOffset[] = []
      for (const [leader, list] of byLeader) {
        const conn = await this.cluster.connection(leader)
        const res = await conn.request(ApiKey.DeleteRecords, {
          topics: [
            {
              name: topic,
              partitions: list.map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.offset) })),
            },
          ],
          timeoutMs: 30_000,
        })
        for (const t of res.topics) {
          for (const p of t.partitions) {
            throwIfError(p.errorCode, `delete records of ${topic}/${p.partitionIndex}`)
            out.push({ partition: p.partitionIndex, offset: Number(p.lowWatermark) })
          }
        }
      }
      return out.sort((a, b) => a.partition - b.partition)
    })
  }

  async describeCluster(): Promise<{
    clusterId: string | null
    controllerId: number
    brokers: BrokerInfo[]
  }> {
    const res = await this.cluster.withRetry({}, () => this.cluster.refreshMetadata([]))
    return {
      clusterId: res.clusterId,
      controllerId: res.controllerId,
      brokers: res.brokers
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }))
        .sort((a, b) => a.nodeId - b.nodeId),
    }
  }

  async listGroups(): Promise<{ groupId: string; protocolType: string; state: string }[]> {
    const res = await this.cluster.withRetry({}, async () =>
      (await this.cluster.anyConnection()).request(ApiKey.ListGroups, {}),
    )
    throwIfError(res.errorCode, 'list groups')
    return res.groups
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = []
    for (const groupId of groupIds) {
      const res = await this.cluster.withRetry({}, async () =>
        (await this.coordinator(groupId)).request(ApiKey.DescribeGroups, {
          groups: [checkName('group id', groupId)],
        }),
      )
      for (const g of res.groups) {
        throwIfError(g.errorCode, `describe group '${g.groupId}'`)
        out.push({
          groupId: g.groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment:
              g.protocolType === 'consumer' && m.memberAssignment.length > 0
                ? [...decodeAssignment(m.memberAssignment)].flatMap(([topic, ps]) =>
                    ps.map((partition) => ({ topic, partition })),
                  )
                : [],
          })),
        })
      }
    }
    return out
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      const res = await this.cluster.withRetry({}, async () =>
        (await this.coordinator(groupId)).request(ApiKey.DeleteGroups, {
          groupsNames: [checkName('group id', groupId)],
        }),
      )
      for (const r of res.results) throwIfError(r.errorCode, `delete group '${r.groupId}'`)
    }
  }

  /** A group's committed offsets (all topics, or one topic's partitions); -1 where none. */
  async fetchOffsets(groupId: string, topic?: string): Promise<(PartitionOffset & { topic: string })[]> {
    checkName('group id', groupId)
    const topics =
      topic === undefined
        ? null
        : [
            {
              name: topic,
              partitionIndexes: (await this.cluster.topic(topic)).partitions.map((p) => p.partition),
            },
          ]
    const res = await this.cluster.withRetry({}, async () =>
      (await this.coordinator(groupId)).request(ApiKey.OffsetFetch, { groupId, topics }),
    )
    throwIfError(res.errorCode, `fetch offsets of group '${groupId}'`)
    const out: (PartitionOffset & { topic: string })[] = []
    for (const t of res.topics) {
      for (const p of t.partitions) {
        throwIfError(p.errorCode, `fetch offset of ${t.name}/${p.partitionIndex}`)
        out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset) })
      }
    }
    return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  }

  /**
   * Sets a group's committed offsets of `topic` to earliest, latest or given offsets. The group must
   * have no active members (the coordinator refuses otherwise, as in Kafka's tools).
   */
  async resetOffsets(
    groupId: string,
    topic: string,
    to: 'earliest' | 'latest' | readonly PartitionOffset[],
  ): Promise<void> {
    checkName('group id', groupId)
    const offsets = typeof to === 'string' ? await this.listOffsets(topic, to) : to
    const res = await this.cluster.withRetry({}, async () =>
      (await this.coordinator(groupId)).request(ApiKey.OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [
          {
            name: topic,
            partitions: offsets.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: BigInt(o.offset),
            })),
          },
        ],
      }),
    )
    for (const t of res.topics)
      for (const p of t.partitions) throwIfError(p.errorCode, `reset offset of ${t.name}/${p.partitionIndex}`)
  }

  private async coordinator(groupId: string): Promise<BrokerConnection> {
    const conn = await this.cluster.anyConnection()
    const res = await conn.request(ApiKey.FindCoordinator, { key: groupId, keyType: 0 })
    throwIfError(res.errorCode, `find coordinator of group '${groupId}'`, res.errorMessage)
    return this.cluster.connectionTo({ host: res.host, port: res.port })
  }
}

export interface GroupDescription {
  groupId: string
  state: string
  protocolType: string
  protocol: string
  members: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    assignment: { topic: string; partition: number }[]
  }[]
}
