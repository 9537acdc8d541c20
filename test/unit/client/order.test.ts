/**
 * Per-partition order with 1,000 sends in flight while the broker refuses batches at random:
 * a scripted broker keeps an idempotent log per partition (KIP-98 rules: the next sequence is
 * appended, a repeat answers its first offset, a gap is OUT_OF_ORDER_SEQUENCE_NUMBER) and answers
 * a seeded share of batches with NOT_LEADER_OR_FOLLOWER or not at all.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { Client } from '../../../src/client/index.js'
import { createPrng } from '../../../src/lib/prng.js'
import { ErrorCode } from '../../../src/protocol/kafka/generated/errors.js'
import { ApiKey } from '../../../src/protocol/kafka/generated/index.js'
import type { ProduceRequest } from '../../../src/protocol/kafka/generated/produce.js'
import { decodeRecordBatch } from '../../../src/protocol/records/index.js'
import { FakeBroker } from '../../helpers/fake-broker.js'

interface Entry {
  seq: number
  count: number
  offset: number
}

const cleanup: (() => Promise<void>)[] = []
after(async () => {
  for (const c of cleanup) await c()
})

for (const seed of [1, 2, 3]) {
  test(`1,000 in-flight sends keep per-partition order through refusals and lost answers (seed ${seed})`, {
    timeout: 90_000,
  }, async () => {
    const prng = createPrng(seed)
    const logs = new Map<number, { values: string[]; batches: Entry[] }>()
    for (let p = 0; p < 3; p++) logs.set(p, { values: [], batches: [] })
    const broker = await FakeBroker.start()
    broker.handler = (r) => {
      if (r.apiKey === ApiKey.Metadata) return broker.metadata({ t: 3 })
      if (r.apiKey === ApiKey.InitProducerId) return { producerId: 1n, producerEpoch: 0 }
      if (r.apiKey !== ApiKey.Produce) return undefined
      const req = r.body as ProduceRequest
      if (prng.chance(0.02)) return 'drop'
      const res = {
        responses: req.topicData.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((pd) => {
            if (prng.chance(0.1)) return { index: pd.index, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
            const log = logs.get(pd.index)
            const batch = decodeRecordBatch(pd.records as Uint8Array)
            assert.ok(log)
            const seq = batch.header.baseSequence
            const dup = log.batches.find((b) => b.seq === seq)
            if (dup) return { index: pd.index, errorCode: 0, baseOffset: BigInt(dup.offset) }
            const last = log.batches.at(-1)
            const expected = last === undefined ? 0 : last.seq + last.count
            if (seq !== expected)
              return { index: pd.index, errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }
            const offset = log.values.length
            for (const rec of batch.records) log.values.push(Buffer.from(rec.value as Uint8Array).toString())
            log.batches.push({ seq, count: batch.records.length, offset })
            return { index: pd.index, errorCode: 0, baseOffset: BigInt(offset) }
          }),
        })),
      }
      // Appended, but the answer is lost: the retry must be recognised as a duplicate.
      return prng.chance(0.02) ? 'drop' : res
    }
    const client = new Client({
      bootstrap: [broker.bootstrap],
      retries: 50,
      retryBackoffMs: 1,
      retryBackoffMaxMs: 20,
      requestTimeoutMs: 300,
    })
    cleanup.push(async () => {
      await client.close()
      await broker.stop()
    })
    const producer = client.producer({ lingerMs: 1, batchBytes: 200, ackTimeoutMs: 1 })
    const sends = Array.from({ length: 1000 }, (_, i) =>
      producer.send({ topic: 't', messages: [{ value: `${i}`, partition: i % 3 }] }),
    )
    const results = (await Promise.all(sends)).map((r) => r[0])
    for (let p = 0; p < 3; p++) {
      const expected = Array.from({ length: 1000 }, (_, i) => i)
        .filter((i) => i % 3 === p)
        .map(String)
      assert.deepEqual(logs.get(p)?.values, expected, `partition ${p} holds each message once, in send order`)
    }
    results.forEach((r, i) => {
      assert.equal(r?.partition, i % 3)
      assert.equal(r?.offset, Math.floor(i / 3), 'offset resolved is where the record landed')
    })
  })
}
