/**
 * Petrel through kafkajs. Producer: acks=-1 (all), no compression, messages gathered for one
 * event-loop turn (at most BATCH_MESSAGES) into one produce call, at most IN_FLIGHT calls
 * outstanding, as a Kafka client's linger and max-in-flight would. Consumer: kafkajs's group
 * consumer (one group per topic, from the beginning, `eachMessage`, automatic offset commits with
 * kafkajs's defaults), as kafkajs users consume. The harness gives each consumer its partitions; in
 * a group the coordinator assigns them instead (the standard workloads have one consumer).
 */
import { Kafka, type Producer as KjsProducer, logLevel } from 'kafkajs'
import type { Consumer, Driver, Producer } from './types.js'

// WINDOW (run.ts) ÷ IN_FLIGHT, so that a full window keeps every in-flight slot busy.
const BATCH_MESSAGES = 200
const IN_FLIGHT = 5

interface Pending {
  partition: number
  value: Buffer
  resolve: () => void
  reject: (e: Error) => void
}

class BatchingProducer implements Producer {
  private readonly queue: Pending[] = []
  private inFlight = 0
  private scheduled = false

  constructor(
    private readonly producer: KjsProducer,
    private readonly topic: string,
  ) {}

  send(partition: number, value: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ partition, value, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => {
          this.scheduled = false
          this.flush()
        })
      }
    })
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < IN_FLIGHT) {
      const batch = this.queue.splice(0, BATCH_MESSAGES)
      this.inFlight++
      this.producer
        .send({
          topic: this.topic,
          acks: -1,
          messages: batch.map((p) => ({ partition: p.partition, value: p.value })),
        })
        .then(
          () => {
            for (const p of batch) p.resolve()
          },
          (e: unknown) => {
            for (const p of batch) p.reject(e as Error)
          },
        )
        .finally(() => {
          this.inFlight--
          this.flush()
        })
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect()
  }
}

export class PetrelKafkajsDriver implements Driver {
  readonly name = 'petrel-kafkajs'
  private readonly kafka: Kafka

  constructor(broker: string) {
    this.kafka = new Kafka({ brokers: [broker], clientId: 'petrel-bench', logLevel: logLevel.NOTHING })
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.kafka.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    })
    await admin.disconnect()
  }

  async deleteTopic(topic: string): Promise<void> {
    const admin = this.kafka.admin()
    await admin.connect()
    await admin.deleteTopics({ topics: [topic] })
    await admin.disconnect()
  }

  async createProducer(topic: string): Promise<Producer> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: IN_FLIGHT })
    await producer.connect()
    return new BatchingProducer(producer, topic)
  }

  async createConsumer(
    topic: string,
    _partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const consumer = this.kafka.consumer({ groupId: `${topic}-group`, allowAutoTopicCreation: false })
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) onMessage(message.value)
      },
    })
    return { close: () => consumer.disconnect() }
  }

  async close(): Promise<void> {}
}
