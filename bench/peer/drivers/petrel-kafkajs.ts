/**
 * Petrel through kafkajs. Producer: acks=-1 (all), no compression, messages gathered for one
 * event-loop turn (at most BATCH_MESSAGES) into one produce call, at most IN_FLIGHT calls
 * outstanding, as a Kafka client's linger and max-in-flight would. Consumer: Petrel has no
 * consumer groups yet, so kafkajs's consumer cannot join one; the consumer here is kafkajs's own
 * Fetch request and record decoding (the calls its consumer makes underneath) over the assigned
 * partitions from offset 0, with no offset commits.
 */
import { Kafka, type Producer as KjsProducer, logLevel } from 'kafkajs'
import type { Consumer, Driver, Producer } from './types.js'

// WINDOW (run.ts) ÷ IN_FLIGHT, so that a full window keeps every in-flight slot busy.
const BATCH_MESSAGES = 200
const IN_FLIGHT = 5
const FETCH_PARTITION_BYTES = 1 << 20
const FETCH_WAIT_MS = 100

interface Pending {
  partition: number
  value: Buffer
  resolve: () => void
  reject: (e: Error) => void
}

interface KjsFetchMessage {
  offset: string
  value: Buffer | null
}

interface KjsBroker {
  fetch(req: {
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    isolationLevel: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<{
    responses: { partitions: { partition: number; errorCode: number; messages: KjsFetchMessage[] }[] }[]
  }>
}

interface KjsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findBroker(q: { nodeId: string }): Promise<KjsBroker>
}

/** kafkajs keeps its cluster factory behind a symbol; the consumer uses the same object. */
function createCluster(kafka: Kafka): KjsCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  if (sym === undefined) throw new Error('kafkajs cluster factory not found')
  const create = (kafka as unknown as Record<symbol, (o: object) => KjsCluster>)[sym]
  if (create === undefined) throw new Error('kafkajs cluster factory not found')
  return create({ allowAutoTopicCreation: false })
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

class FetchConsumer implements Consumer {
  private running = true
  private readonly done: Promise<void>

  constructor(
    private readonly cluster: KjsCluster,
    topic: string,
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ) {
    // A failed fetch ends this consumer; the harness then sees fewer messages consumed.
    this.done = this.loop(topic, partitions, onMessage).catch((e: unknown) => {
      process.stderr.write(`\npetrel-kafkajs consumer stopped: ${(e as Error).message}\n`)
    })
  }

  private async loop(
    topic: string,
    partitions: readonly number[],
    onMessage: (p: Uint8Array) => void,
  ): Promise<void> {
    const next = new Map<number, number>(partitions.map((p) => [p, 0]))
    const broker = await this.cluster.findBroker({ nodeId: '0' })
    while (this.running) {
      const res = await broker.fetch({
        maxWaitTime: FETCH_WAIT_MS,
        minBytes: 1,
        maxBytes: FETCH_PARTITION_BYTES * partitions.length,
        isolationLevel: 1,
        topics: [
          {
            topic,
            partitions: partitions.map((p) => ({
              partition: p,
              fetchOffset: String(next.get(p)),
              maxBytes: FETCH_PARTITION_BYTES,
            })),
          },
        ],
      })
      for (const part of res.responses[0]?.partitions ?? []) {
        if (part.errorCode !== 0)
          throw new Error(`fetch error ${part.errorCode} on partition ${part.partition}`)
        let from = next.get(part.partition) ?? 0
        // A fetch answers whole batches, so records before the fetch offset can come again.
        for (const m of part.messages) {
          const off = Number(m.offset)
          if (off < from || m.value === null) continue
          onMessage(m.value)
          from = off + 1
        }
        next.set(part.partition, from)
      }
    }
  }

  async close(): Promise<void> {
    this.running = false
    await this.done
    await this.cluster.disconnect()
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
    partitions: readonly number[],
    onMessage: (payload: Uint8Array) => void,
  ): Promise<Consumer> {
    const cluster = createCluster(this.kafka)
    await cluster.connect()
    await cluster.addTargetTopic(topic)
    return new FetchConsumer(cluster, topic, partitions, onMessage)
  }

  async close(): Promise<void> {}
}
