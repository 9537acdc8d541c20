/**
 * Petrel through its own client (src/client). Producer: acks -1 (all), idempotent (its default
 * with acks -1), no compression, the client's own batching (linger 5 ms, 64 KiB batches, 5 in
 * flight per partition); each message is one `send` so that its promise is that message's ack.
 * Consumer: manual assignment (no group) of the given partitions from offset 0, read with the
 * client's async iterator; offsets are not committed.
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
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const consumer = this.client.consumer({ autoOffsetReset: 'earliest' })
    consumer.assign(partitions.map((partition) => ({ topic, partition, offset: 0 })))
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
