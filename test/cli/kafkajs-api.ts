/**
 * A ClusterApi on kafkajs, for testing the commands against a real node independently of the
 * Petrel client: the same end-to-end tests run through both implementations. Group-less
 * consume is not offered by kafkajs (it has no assign mode); group commands go through the
 * Petrel client only (test/cli/group.test.ts).
 */
import { type Admin, Kafka, logLevel } from 'kafkajs'
import type { ClusterApi, ConsumeOptions, IncomingMessage } from '../../src/cli/cluster-api.js'

function reason(e: unknown, topic?: string): Error {
  const err = e as { type?: string; message?: string }
  if (err.type === 'UNKNOWN_TOPIC_OR_PARTITION' && topic !== undefined)
    return new Error(`unknown topic '${topic}'`)
  return new Error(err.message ?? String(e))
}

export function kafkajsConnect(bootstrap: readonly string[]): ClusterApi {
  const kafka = new Kafka({
    brokers: [...bootstrap],
    clientId: 'petrel-cli-test',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // kafkajs needs a retry to find a group coordinator on a fresh connection.
    retry: { retries: 2, initialRetryTime: 100 },
  })
  const admin = kafka.admin()
  let connected: Promise<void> | undefined
  const ready = async (): Promise<Admin> => {
    connected ??= admin.connect()
    await connected
    return admin
  }
  const call = async <T>(fn: (a: Admin) => Promise<T>, topic?: string): Promise<T> => {
    try {
      return await fn(await ready())
    } catch (e) {
      throw reason(e, topic)
    }
  }
  return {
    createTopic: (t) =>
      call(async (a) => {
        const configEntries = Object.entries(t.configs).map(([name, value]) => ({ name, value }))
        const ok = await a.createTopics({
          topics: [
            {
              topic: t.name,
              numPartitions: t.partitions,
              replicationFactor: t.replicationFactor,
              configEntries,
            },
          ],
        })
        if (!ok) throw new Error(`topic '${t.name}' already exists`)
      }),
    listTopics: () =>
      call(async (a) => {
        const md = await a.fetchTopicMetadata()
        return md.topics.map((t) => ({ name: t.name, partitions: t.partitions.length, internal: false }))
      }),
    describeTopic: (name) =>
      call(async (a) => {
        const md = await a.fetchTopicMetadata({ topics: [name] })
        const offsets = await a.fetchTopicOffsets(name)
        const cfg = await a.describeConfigs({ resources: [{ type: 2, name }], includeSynonyms: false })
        const entries = cfg.resources[0]?.configEntries ?? []
        return {
          name,
          partitions: (md.topics[0]?.partitions ?? [])
            .map((p) => {
              const o = offsets.find((x) => x.partition === p.partitionId)
              return {
                partition: p.partitionId,
                leader: p.leader,
                replicas: p.replicas,
                isr: p.isr,
                earliestOffset: Number(o?.low ?? 0),
                latestOffset: Number(o?.high ?? 0),
              }
            })
            .sort((x, y) => x.partition - y.partition),
          configs: Object.fromEntries(entries.map((e) => [e.configName, e.configValue])),
        }
      }, name),
    deleteTopic: (name) => call((a) => a.deleteTopics({ topics: [name] }), name),
    alterTopicConfig: (name, set, remove) =>
      call(async (a) => {
        if (remove.length > 0) throw new Error('kafkajs has no incremental delete')
        const configEntries = Object.entries(set).map(([n, value]) => ({ name: n, value }))
        await a.alterConfigs({ validateOnly: false, resources: [{ type: 2, name, configEntries }] })
      }, name),
    clusterStatus: () =>
      call(async (a) => {
        const c = await a.describeCluster()
        const md = await a.fetchTopicMetadata()
        const partitions = md.topics.reduce((n, t) => n + t.partitions.length, 0)
        return {
          clusterId: c.clusterId,
          controllerId: c.controller ?? -1,
          brokers: c.brokers,
          topics: md.topics.length,
          partitions,
        }
      }),
    groups: null,
    producer: async ({ acks }) => {
      const p = kafka.producer({
        idempotent: acks === -1,
        allowAutoTopicCreation: true,
        retry: { retries: 5 },
      })
      await p.connect()
      return {
        async send(topic, messages, partition) {
          await p.send({
            topic,
            acks,
            messages: messages.map((m) => ({
              key: m.key,
              value: m.value,
              headers: Object.fromEntries(m.headers.map((h) => [h.key, h.value])),
              ...(partition === undefined ? {} : { partition }),
            })),
          })
        },
        close: () => p.disconnect(),
      }
    },
    consume: (o: ConsumeOptions): AsyncIterable<IncomingMessage> => {
      throw new Error(`kafkajs consume needs a group (topic ${o.topic})`)
    },
    close: async () => {
      if (connected !== undefined) await admin.disconnect()
    },
  }
}
