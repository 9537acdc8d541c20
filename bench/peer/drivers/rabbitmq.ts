/**
 * RabbitMQ through amqplib. A "partition" is one durable queue `<topic>.<i>` on the default
 * exchange, quorum or classic by the driver's kind. Producers publish persistent messages on a
 * confirm channel (one connection each) and a send resolves on the broker's confirm, which RabbitMQ
 * sends for a persistent message in a durable queue only after it is written and fsynced (quorum:
 * after the Raft WAL fsync). A consumer is one connection and one channel consuming every queue
 * it is assigned, with manual acks, one per message, and a prefetch per queue.
 */
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib'
import type { Consumer, Driver, Producer } from './types.js'

export type QueueKind = 'quorum' | 'classic'

const PREFETCH_PER_QUEUE = 1000

function queueName(topic: string, partition: number): string {
  return `${topic}.${partition}`
}

class ConfirmProducer implements Producer {
  constructor(
    private readonly conn: ChannelModel,
    private readonly ch: ConfirmChannel,
    private readonly topic: string,
  ) {}

  send(partition: number, payload: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ch.sendToQueue(queueName(this.topic, partition), payload, { persistent: true }, (err: unknown) =>
        err === null || err === undefined ? resolve() : reject(new Error(`nack: ${String(err)}`)),
      )
    })
  }

  async close(): Promise<void> {
    await this.ch.close()
    await this.conn.close()
  }
}

export class RabbitmqDriver implements Driver {
  readonly name: string

  constructor(
    private readonly url: string,
    private readonly kind: QueueKind,
  ) {
    this.name = `rabbitmq-${kind}`
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const conn = await connect(this.url)
    const ch = await conn.createChannel()
    for (let i = 0; i < partitions; i++) {
      await ch.assertQueue(queueName(topic, i), { durable: true, arguments: { 'x-queue-type': this.kind } })
    }
    await conn.close()
  }

  async deleteTopic(topic: string, partitions: number): Promise<void> {
    const conn = await connect(this.url)
    const ch = await conn.createChannel()
    for (let i = 0; i < partitions; i++) await ch.deleteQueue(queueName(topic, i))
    await conn.close()
  }

  async createProducer(topic: string): Promise<Producer> {
    const conn = await connect(this.url)
    const ch = await conn.createConfirmChannel()
    return new ConfirmProducer(conn, ch, topic)
  }

  async createConsumer(
    topic: string,
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const conn = await connect(this.url)
    const ch = await conn.createChannel()
    // Per-consumer (not global) prefetch: each queue's subscription has this many unacked at most.
    await ch.prefetch(PREFETCH_PER_QUEUE, false)
    for (const p of partitions) {
      await ch.consume(
        queueName(topic, p),
        (msg) => {
          if (msg === null) return
          onMessage(msg.content)
          ch.ack(msg)
        },
        { noAck: false },
      )
    }
    return {
      async close() {
        await ch.close()
        await conn.close()
      },
    }
  }

  async close(): Promise<void> {}
}
