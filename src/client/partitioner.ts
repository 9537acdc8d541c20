/**
 * Where a record goes. Keyed records: Kafka's default partitioner, exactly — murmur2 of the key
 * bytes (seed 0x9747b28c), made positive by masking the sign bit, modulo the partition count — so
 * that our producer, the Java client, librdkafka's murmur2 partitioner and kafkajs's
 * DefaultPartitioner put a key on the same partition. Null keys: 'sticky' stays on one partition
 * until the producer closes a batch there (KIP-480), 'round-robin' rotates per record.
 */

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  const r = 24
  let h = 0x9747b28c ^ length
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24)
    k = Math.imul(k, m)
    k ^= k >>> r
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  const rest = length & 3
  if (rest === 3) h ^= (data[whole + 2] as number) << 16
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8
  if (rest >= 1) {
    h ^= data[whole] as number
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's Utils.toPositive: masks the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount
}

export type NullKeyStrategy = 'sticky' | 'round-robin'

/** Chooses partitions for null-keyed records; one per producer. */
export class NullKeyPartitioner {
  private counter = 0
  private readonly sticky = new Map<string, number>()

  constructor(
    private readonly strategy: NullKeyStrategy,
    private readonly random: () => number = Math.random,
  ) {}

  partition(topic: string, partitionCount: number): number {
    if (this.strategy === 'round-robin') {
      const p = this.counter % partitionCount
      this.counter = (this.counter + 1) % 0x7fffffff
      return p
    }
    let p = this.sticky.get(topic)
    if (p === undefined || p >= partitionCount) {
      p = Math.floor(this.random() * partitionCount)
      this.sticky.set(topic, p)
    }
    return p
  }

  /** A batch for (topic, partition) was closed: a sticky producer moves to another partition. */
  batchClosed(topic: string, partition: number, partitionCount: number): void {
    if (this.strategy !== 'sticky' || this.sticky.get(topic) !== partition) return
    if (partitionCount <= 1) return
    const step = 1 + Math.floor(this.random() * (partitionCount - 1))
    this.sticky.set(topic, (partition + step) % partitionCount)
  }
}
