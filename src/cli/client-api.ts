/**
 * The ClusterApi on the Petrel client (src/client/): what the real `petrel` binary uses. Errors
 * come out as one-line reasons the user can act on; everything else is a thin translation.
 */
import { Client } from '../client/client.js'
import type { ConsumerMessage } from '../client/message.js'
import { PetrelError } from '../client/errors.js'
import type { Admin } from '../client/admin.js'
import type {
  ConsumeOptions,
  Connect,
  GroupAdmin,
  GroupDescription,
  IncomingMessage,
  OffsetTarget,
  PartitionLag,
  TopicDescription,
} from './cluster-api.js'
import { CliError } from './errors.js'

/** The CLI fails fast on an unreachable cluster: a couple of retries, not the SDK's patience. */
const CLI_RETRIES = 2
const CLI_CONNECT_TIMEOUT_MS = 5_000

/** A one-line reason for a client error, naming the topic where the code is about one. */
export function reasonOf(e: unknown, bootstrap: readonly string[], topic?: string): Error {
  if (!(e instanceof PetrelError)) return e instanceof Error ? e : new Error(String(e))
  const subject = topic === undefined ? '' : ` '${topic}'`
  switch (e.code) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'UNKNOWN_TOPIC_ID':
      return new CliError(`unknown topic${subject}`)
    case 'TOPIC_ALREADY_EXISTS':
      return new CliError(`topic${subject} already exists`)
    case 'CONNECTION':
    case 'TIMEOUT':
      return new CliError(`cannot reach the cluster at ${bootstrap.join(',')}: ${e.message}`)
    default:
      return new CliError(`${e.message} (${e.code})`)
  }
}

function incoming(m: ConsumerMessage): IncomingMessage {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestampMs: m.timestamp,
    key: m.key,
    value: m.value,
    headers: m.headers.map((h) => ({ key: h.key, value: h.value ?? Buffer.alloc(0) })),
  }
}

async function describeTopic(admin: Admin, name: string): Promise<TopicDescription> {
  const [info] = await admin.describeTopics([name])
  if (info === undefined) throw new CliError(`unknown topic '${name}'`)
  const earliest = await admin.listOffsets(name, 'earliest')
  const latest = await admin.listOffsets(name, 'latest')
  const configs = await admin.describeConfigs({ type: 'topic', name })
  return {
    name,
    partitions: info.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      earliestOffset: earliest.find((o) => o.partition === p.partition)?.offset ?? 0,
      latestOffset: latest.find((o) => o.partition === p.partition)?.offset ?? 0,
    })),
    configs: Object.fromEntries(
      configs.filter((c) => c.value !== null && !c.isSensitive).map((c) => [c.name, c.value ?? '']),
    ),
  }
}

/**
 * Set and delete some settings, keeping the others: AlterConfigs replaces the topic's whole set
 * of non-default values, so the current ones are read first and sent back with the changes.
 */
async function alterTopicConfig(
  admin: Admin,
  name: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[],
): Promise<void> {
  const current = await admin.describeConfigs({ type: 'topic', name })
  const next: Record<string, string> = {}
  for (const c of current) if (!c.isDefault && !c.readOnly && c.value !== null) next[c.name] = c.value
  for (const k of remove) delete next[k]
  Object.assign(next, set)
  await admin.alterConfigs({ type: 'topic', name }, next)
}

/** Committed offsets of a group (all topics, or one) with the latest offset and the lag. */
async function lagOf(admin: Admin, groupId: string, topic?: string): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets(groupId, topic)
  const latest = new Map<string, Map<number, number>>()
  for (const t of new Set(committed.map((c) => c.topic))) {
    latest.set(t, new Map((await admin.listOffsets(t, 'latest')).map((o) => [o.partition, o.offset])))
  }
  return committed.map((c) => {
    const end = latest.get(c.topic)?.get(c.partition) ?? 0
    const committedOffset = c.offset < 0 ? null : c.offset
    return {
      topic: c.topic,
      partition: c.partition,
      committedOffset,
      latestOffset: end,
      lag: committedOffset === null ? null : Math.max(0, end - committedOffset),
    }
  })
}

function groupAdmin(admin: Admin, call: <T>(fn: () => Promise<T>, topic?: string) => Promise<T>): GroupAdmin {
  return {
    listGroups: () => call(() => admin.listGroups()),
    describeGroup: (groupId) =>
      call(async (): Promise<GroupDescription> => {
        const [d] = await admin.describeGroups([groupId])
        const members = (d?.members ?? []).map((m) => {
          const byTopic = new Map<string, number[]>()
          for (const a of m.assignment) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition])
          const assignment = [...byTopic].map(([topic, partitions]) => ({
            topic,
            partitions: partitions.sort(),
          }))
          return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment }
        })
        const offsets = (await lagOf(admin, groupId)).filter((o) => o.committedOffset !== null)
        return {
          groupId,
          state: d?.state ?? 'Dead',
          protocolType: d?.protocolType ?? '',
          protocol: d?.protocol ?? '',
          members,
          offsets,
        }
      }),
    resetGroupOffsets: (groupId, topic, target: OffsetTarget) =>
      call(async () => {
        if (target.kind === 'offset') {
          const [info] = await admin.describeTopics([topic])
          const to = (info?.partitions ?? []).map((p) => ({ partition: p.partition, offset: target.offset }))
          await admin.resetOffsets(groupId, topic, to)
        } else {
          await admin.resetOffsets(groupId, topic, target.kind)
        }
        return lagOf(admin, groupId, topic)
      }, topic),
  }
}

export const connectClient: Connect = (bootstrap) => {
  const client = new Client({
    bootstrap: [...bootstrap],
    clientId: 'petrel-cli',
    retries: CLI_RETRIES,
    connectTimeoutMs: CLI_CONNECT_TIMEOUT_MS,
  })
  const admin = client.admin()
  const call = async <T>(fn: () => Promise<T>, topic?: string): Promise<T> => {
    try {
      return await fn()
    } catch (e) {
      throw reasonOf(e, bootstrap, topic)
    }
  }

  async function* consume(o: ConsumeOptions): AsyncGenerator<IncomingMessage> {
    const consumer = client.consumer({
      autoOffsetReset: o.fromBeginning ? 'earliest' : 'latest',
      ...(o.group === undefined ? {} : { groupId: o.group }),
    })
    // Closing ends the consumer's iterator; in a group it commits and leaves first. A second
    // Consumer.close() returns before the first has finished, so every caller awaits the first.
    let closing: Promise<void> | undefined
    const closeOnce = (): Promise<void> => {
      closing ??= consumer.close()
      return closing
    }
    const stop = (): void => void closeOnce()
    o.signal.addEventListener('abort', stop)
    try {
      if (o.group !== undefined) await call(() => consumer.subscribe([o.topic]), o.topic)
      else {
        const [info] = await call(() => admin.describeTopics([o.topic]), o.topic)
        consumer.assign((info?.partitions ?? []).map((p) => ({ topic: o.topic, partition: p.partition })))
      }
      if (o.signal.aborted) return
      o.onReady?.()
      const messages = consumer[Symbol.asyncIterator]()
      for (;;) {
        const next = await call(() => messages.next(), o.topic)
        if (next.done === true) return
        yield incoming(next.value)
      }
    } finally {
      o.signal.removeEventListener('abort', stop)
      await closeOnce()
    }
  }

  return {
    createTopic: (t) =>
      call(
        () =>
          admin.createTopics([
            {
              name: t.name,
              partitions: t.partitions,
              replicationFactor: t.replicationFactor,
              configs: { ...t.configs },
            },
          ]),
        t.name,
      ),
    listTopics: () =>
      call(async () => {
        const names = await admin.listTopics({ includeInternal: true })
        const infos = names.length === 0 ? [] : await admin.describeTopics(names)
        return infos.map((t) => ({ name: t.name, partitions: t.partitions.length, internal: t.isInternal }))
      }),
    describeTopic: (name) => call(() => describeTopic(admin, name), name),
    deleteTopic: (name) => call(() => admin.deleteTopics([name]), name),
    alterTopicConfig: (name, set, remove) => call(() => alterTopicConfig(admin, name, set, remove), name),
    clusterStatus: () =>
      call(async () => {
        const c = await admin.describeCluster()
        const names = await admin.listTopics({ includeInternal: true })
        const infos = names.length === 0 ? [] : await admin.describeTopics(names)
        const partitions = infos.reduce((n, t) => n + t.partitions.length, 0)
        return {
          clusterId: c.clusterId,
          controllerId: c.controllerId,
          brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
          topics: infos.length,
          partitions,
        }
      }),
    groups: groupAdmin(admin, call),
    producer: async ({ acks }) => {
      const producer = client.producer({ acks, idempotent: acks === -1 })
      return {
        async send(topic, messages, partition) {
          const batch = messages.map((m) => ({
            key: m.key,
            value: m.value,
            headers: m.headers.map((h) => [h.key, h.value] as const),
            ...(partition === undefined ? {} : { partition }),
          }))
          await call(() => producer.send({ topic, messages: batch }), topic)
        },
        close: () => call(() => producer.close()),
      }
    },
    consume: (o) => consume(o),
    close: () => client.close(),
  }
}
