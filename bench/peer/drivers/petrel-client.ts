/**
 * Petrel through its own client (src/client). Producer: acks -1 (all), idempotent (its default
 * with acks -1), no compression, the client's own batching (linger 5 ms, 64 KiB batches, 5 in
 * flight per partition); each message is one `send` so that its promise is that message's ack.
 * Consumer: a group member (one group per topic) subscribed to the topic from the earliest offset,
 * read with the client's async iterator, committing offsets automatically (every 5 s, on rebalance
 * and on close: the client's defaults, as a Kafka consumer's), so that like the peers' consumers it
 * acknowledges what it read. The harness gives each consumer its partitions; in a group the
 * coordinator assigns them instead (the standard workloads have one consumer).
 */
import { Client } from '../../../src/client/index.js'
import type { Consumer, Driver, Producer } from './types.js'

export class PetrelClientDriver implements Driver {
  readonly name = 'petrel-client'
  private readonly client: Client

  constructor(broker: string) {
    this.client = new Client({ bootstrap: [broker], clientId: 'petrel-bench' })
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.client.admin().createTopics([{ name: topic, partitions, replicationFactor: 1 }])
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.client.admin().deleteTopics([topic])
  }

  async createProducer(topic: string): Promise<Producer> {
    const producer = this.client.producer({ acks: -1, compression: 'none' })
    return {
      async send(partition: number, value: Buffer): Promise<void> {
        await producer.send({ topic, messages: [{ value, partition }] })
      },
      close: () => producer.close(),
    }
  }

  async createConsumer(
    topic: string,
    _partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const consumer = this.client.consumer({ groupId: `${topic}-group`, autoOffsetReset: 'earliest' })
    await consumer.subscribe([topic])
    const loop = (async () => {
      for await (const m of consumer) if (m.value !== null) onMessage(m.value)
    })().catch((e: unknown) => {
      process.stderr.write(`\npetrel-client consumer stopped: ${(e as Error).message}\n`)
    })
    return {
      async close() {
        await consumer.close()
        await loop
      },
    }
  }

  close(): Promise<void> {
    return this.client.close()
  }
}
