/**
 * RabbitMQ through amqplib. A "partition" is one durable queue `<topic>.<i>` on the default
 * exchange, quorum or classic by the driver's kind. Producers publish persistent messages on a
 * confirm channel (one connection each) and a send resolves on the broker's confirm, which RabbitMQ
 * sends for a persistent message in a durable queue only after it is written and fsynced (quorum:
 * after the Raft WAL fsync). A consumer is one connection and one channel consuming every queue
 * it is assigned, with manual acks, one per message, and a prefetch per queue.
 */
import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib'
import type { Consumer, Driver, Producer } from './types.js'

export type QueueKind = 'quorum' | 'classic'

const PREFETCH_PER_QUEUE = 1000

function queueName(topic: string, partition: number): string {
  return `${topic}.${partition}`
}

/**
 * amqplib emits 'error' on a connection or channel the server closes (e.g. 541 INTERNAL_ERROR);
 * without a listener that would end the whole harness. `onFault` gets the first one.
 */
function watch(conn: ChannelModel, ch: ConfirmChannel | Channel, onFault: (e: Error) => void): void {
  let seen = false
  const fault = (e: unknown) => {
    if (seen) return
    seen = true
    onFault(e instanceof Error ? e : new Error(String(e)))
  }
  conn.on('error', fault)
  ch.on('error', fault)
  conn.on('close', () => fault(new Error('connection closed by the server')))
}

class ConfirmProducer implements Producer {
  /** Sends not yet confirmed: rejected at once if the connection fails, so no send hangs. */
  private readonly pending = new Set<(e: Error) => void>()
  private fault: Error | null = null
  private closing = false

  constructor(
    private readonly conn: ChannelModel,
    private readonly ch: ConfirmChannel,
    private readonly topic: string,
  ) {
    watch(conn, ch, (e) => {
      if (this.closing) return
      this.fault = e
      for (const reject of this.pending) reject(e)
      this.pending.clear()
    })
  }

  send(partition: number, payload: Buffer): Promise<void> {
    if (this.fault !== null) return Promise.reject(this.fault)
    return new Promise((resolve, reject) => {
      this.pending.add(reject)
      this.ch.sendToQueue(queueName(this.topic, partition), payload, { persistent: true }, (err: unknown) => {
        if (!this.pending.delete(reject)) return
        err === null || err === undefined ? resolve() : reject(new Error(`nack: ${String(err)}`))
      })
    })
  }

  async close(): Promise<void> {
    this.closing = true
    if (this.fault !== null) return
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
    conn.on('error', () => {}) // a failed call below rejects; the event alone would end the harness
    const ch = await conn.createChannel()
    for (let i = 0; i < partitions; i++) {
      await ch.assertQueue(queueName(topic, i), { durable: true, arguments: { 'x-queue-type': this.kind } })
    }
    await conn.close()
  }

  async deleteTopic(topic: string, partitions: number): Promise<void> {
    const conn = await connect(this.url)
    conn.on('error', () => {}) // a failed call below rejects; the event alone would end the harness
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
    let closing = false
    watch(conn, ch, (e) => {
      if (!closing) process.stderr.write(`\n${this.name} consumer stopped: ${e.message}\n`)
    })
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
        closing = true
        await ch.close()
        await conn.close()
      },
    }
  }

  async close(): Promise<void> {}
}
