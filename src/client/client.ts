/**
 * The entry point: `new Client({ bootstrap: ['127.0.0.1:9092'] })`, then `client.producer()`,
 * `client.consumer(...)`, `client.admin()`. One Client shares its connections and metadata among
 * everything it creates; `close()` closes them all.
 */
import { Admin } from './admin.js'
import { Cluster } from './cluster.js'
import { Consumer, type ConsumerOptions } from './consumer.js'
import { brokersOption, checkObject, intOption, stringOption } from './options.js'
import { Producer, type ProducerOptions } from './producer.js'

export interface ClientOptions {
  /** 'host:port' of one or more brokers to learn the cluster from. */
  bootstrap: string[]
  clientId?: string
  connectTimeoutMs?: number
  requestTimeoutMs?: number
  /** Retries of a retriable error before it reaches the caller. */
  retries?: number
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
  metadataMaxAgeMs?: number
}

const clientOptionNames = [
  'bootstrap',
  'clientId',
  'connectTimeoutMs',
  'requestTimeoutMs',
  'retries',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'metadataMaxAgeMs',
]

export class Client {
  /** @internal shared by the producers, consumers and admins of this client. */
  readonly cluster: Cluster
  private readonly owned = new Set<{ close(): Promise<void> }>()

  constructor(options: ClientOptions) {
    const o = checkObject('client options', options, clientOptionNames)
    const retryBackoffMs = intOption('retryBackoffMs', o.retryBackoffMs, {
      min: 1,
      max: 60_000,
      fallback: 100,
    })
    this.cluster = new Cluster({
      bootstrap: brokersOption(o.bootstrap),
      clientId: stringOption('clientId', o.clientId, 'petrel'),
      connectTimeoutMs: intOption('connectTimeoutMs', o.connectTimeoutMs, {
        min: 1,
        max: 600_000,
        fallback: 10_000,
      }),
      requestTimeoutMs: intOption('requestTimeoutMs', o.requestTimeoutMs, {
        min: 1,
        max: 600_000,
        fallback: 30_000,
      }),
      retries: intOption('retries', o.retries, { min: 0, max: 1_000_000, fallback: 5 }),
      retryBackoffMs,
      retryBackoffMaxMs: intOption('retryBackoffMaxMs', o.retryBackoffMaxMs, {
        min: retryBackoffMs,
        max: 600_000,
        fallback: Math.max(retryBackoffMs, 1_000),
      }),
      metadataMaxAgeMs: intOption('metadataMaxAgeMs', o.metadataMaxAgeMs, {
        min: 0,
        max: 86_400_000,
        fallback: 300_000,
      }),
    })
  }

  producer(options?: ProducerOptions): Producer {
    return this.track(new Producer(this.cluster, options))
  }

  consumer(options?: ConsumerOptions): Consumer {
    return this.track(new Consumer(this.cluster, options))
  }

  admin(): Admin {
    return new Admin(this.cluster)
  }

  /** Closes producers (flushing) and consumers, then every connection. */
  async close(): Promise<void> {
    const all = [...this.owned]
    this.owned.clear()
    await Promise.allSettled(all.map((x) => x.close()))
    await this.cluster.close()
  }

  private track<T extends { close(): Promise<void> }>(x: T): T {
    this.owned.add(x)
    return x
  }
}
