/**
 * NATS JetStream through the `nats` package. A "partition" is one stream `<topic>-<i>` with the
 * single subject `<topic>.<i>`, file storage, one replica: a stream is JetStream's unit of ordering
 * and storage, as a partition is Kafka's. Producers (one connection each) publish asynchronously and
 * a send resolves on the stream's PubAck. A consumer is one connection with one durable pull
 * consumer per assigned stream (explicit ack, from the first message), each acked per message.
 * Whether the PubAck follows an fsync is the server's `sync_interval` (servers.ts), not the client's.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type NatsConnection,
  StorageType,
} from 'nats'
import type { Consumer, Driver, Producer } from './types.js'

const PULL_BATCH = 1000
const CONSUMER_NAME = 'bench'

const streamName = (topic: string, p: number): string => `${topic}-${p}`
const subject = (topic: string, p: number): string => `${topic}.${p}`

class JsProducer implements Producer {
  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly topic: string,
  ) {}

  async send(partition: number, payload: Buffer): Promise<void> {
    await this.js.publish(subject(this.topic, partition), payload)
  }

  async close(): Promise<void> {
    await this.nc.drain()
  }
}

export class NatsDriver implements Driver {
  constructor(
    readonly name: string,
    private readonly server: string,
  ) {}

  private async admin<T>(fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.server })
    try {
      return await fn(nc)
    } finally {
      await nc.close()
    }
  }

  createTopic(topic: string, partitions: number): Promise<void> {
    return this.admin(async (nc) => {
      const jsm = await nc.jetstreamManager()
      for (let i = 0; i < partitions; i++) {
        await jsm.streams.add({
          name: streamName(topic, i),
          subjects: [subject(topic, i)],
          storage: StorageType.File,
          num_replicas: 1,
        })
        await jsm.consumers.add(streamName(topic, i), {
          durable_name: CONSUMER_NAME,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
        })
      }
    })
  }

  deleteTopic(topic: string, partitions: number): Promise<void> {
    return this.admin(async (nc) => {
      const jsm = await nc.jetstreamManager()
      for (let i = 0; i < partitions; i++) await jsm.streams.delete(streamName(topic, i))
    })
  }

  async createProducer(topic: string): Promise<Producer> {
    const nc = await connect({ servers: this.server })
    return new JsProducer(nc, nc.jetstream(), topic)
  }

  async createConsumer(
    topic: string,
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const nc = await connect({ servers: this.server })
    const js = nc.jetstream()
    const iters: ConsumerMessages[] = []
    const loops: Promise<void>[] = []
    for (const p of partitions) {
      const c = await js.consumers.get(streamName(topic, p), CONSUMER_NAME)
      const iter = await c.consume({ max_messages: PULL_BATCH })
      iters.push(iter)
      loops.push(
        (async () => {
          for await (const m of iter) {
            onMessage(m.data)
            m.ack()
          }
        })(),
      )
    }
    return {
      async close() {
        for (const it of iters) await it.close()
        await Promise.allSettled(loops)
        await nc.drain()
      },
    }
  }

  async close(): Promise<void> {}
}
