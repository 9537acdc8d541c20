/**
 * Reads whole partitions with kafkajs's own Fetch and record decoding. kafkajs's consumer needs
 * consumer groups (a later issue), so this uses its cluster object, which kafkajs keeps behind a
 * symbol, and the broker's fetch call that its consumer uses underneath.
 */
import assert from 'node:assert/strict'
import type { Kafka } from 'kafkajs'

export interface ReadRecord {
  offset: number
  key: string
  value: string
  headers: Record<string, string>
  timestamp: number
}

interface KjsMessage {
  offset: string
  key: Buffer | null
  value: Buffer | null
  timestamp: string
  headers?: Record<string, Buffer | string | undefined>
}

interface KjsBroker {
  fetch(req: {
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    isolationLevel: number
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]
  }): Promise<{
    responses: {
      partitions: { partition: number; errorCode: number; highWatermark: string; messages: KjsMessage[] }[]
    }[]
  }>
}

interface KjsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findBroker(q: { nodeId: string }): Promise<KjsBroker>
}

export class KafkajsReader {
  private readonly cluster: KjsCluster

  constructor(kafka: Kafka) {
    const sym = Object.getOwnPropertySymbols(kafka).find(
      (s) => s.description === 'private:Kafka:createCluster',
    )
    assert.ok(sym !== undefined, 'kafkajs cluster factory found')
    const create = (kafka as unknown as Record<symbol, (o: object) => KjsCluster>)[sym]
    assert.ok(create !== undefined)
    this.cluster = create({ allowAutoTopicCreation: false })
  }

  async connect(topic: string): Promise<void> {
    await this.cluster.connect()
    await this.cluster.addTargetTopic(topic)
  }

  disconnect(): Promise<void> {
    return this.cluster.disconnect()
  }

  /** Every record of the partition from `from` up to its high watermark, in offset order. */
  async readPartition(topic: string, partition: number, from = 0): Promise<ReadRecord[]> {
    const broker = await this.cluster.findBroker({ nodeId: '0' })
    const read: ReadRecord[] = []
    let next = from
    for (let pass = 0; pass < 100_000; pass++) {
      const res = await broker.fetch({
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(next), maxBytes: 256 << 10 }] }],
      })
      const p = res.responses[0]?.partitions[0]
      assert.ok(p !== undefined, 'fetch answered the partition')
      assert.equal(p.errorCode, 0, `fetch error ${p.errorCode}`)
      // A fetch returns whole batches, so records before the fetch offset may repeat.
      for (const m of p.messages) {
        if (Number(m.offset) < next) continue
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v)
        read.push({
          offset: Number(m.offset),
          key: String(m.key),
          value: String(m.value),
          headers,
          timestamp: Number(m.timestamp),
        })
        next = Number(m.offset) + 1
      }
      if (next >= Number(p.highWatermark)) break
    }
    return read
  }
}
