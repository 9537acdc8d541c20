/**
 * Produce (0) v3-8: one magic-2 batch per partition, acks 0, 1 or -1. Every ack level waits for
 * the local fsync (durable by default); acks=0 sends no response at all. An acks=-1 request whose
 * writes outlast its timeout gets REQUEST_TIMED_OUT for the partitions still waiting.
 */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type PartitionProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type TopicProduceResponse,
} from '../../protocol/kafka/generated/produce.js'
import { type AppendOutcome, appendBatch } from '../append.js'
import type { Broker } from '../broker.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

type PartitionAnswer = Encodable<PartitionProduceResponse> & { errorCode: number }

function answer(index: number, o: AppendOutcome, version: number): PartitionAnswer {
  return {
    index,
    errorCode: kafkaErrorCode(o.error),
    baseOffset: BigInt(o.baseOffset),
    logAppendTimeMs: -1n,
    logStartOffset: version >= 5 ? BigInt(o.logStartOffset) : -1n,
    errorMessage: version >= 8 ? o.message : null,
  }
}

function refused(error: ErrorCode): AppendOutcome {
  return { error, message: null, baseOffset: -1, logStartOffset: -1 }
}

const handler: Handler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 8,
  decode: decodeProduceRequest,
  encode: encodeProduceResponse,
  async handle(req, { version, broker }) {
    const responses: Encodable<TopicProduceResponse>[] = []
    const work: Promise<void>[] = []
    const early: ErrorCode | null =
      req.transactionalId !== null
        ? 'TRANSACTIONS_UNSUPPORTED'
        : req.acks !== 0 && req.acks !== 1 && req.acks !== -1
          ? 'INVALID_REQUIRED_ACKS'
          : null
    for (const t of req.topicData) {
      const parts: PartitionAnswer[] = []
      responses.push({ name: t.name, partitionResponses: parts })
      const exists = early === null ? await broker.topicOrCreate(t.name, true) : early
      for (const p of t.partitionData) {
        if (typeof exists === 'string') {
          parts.push(answer(p.index, refused(exists), version))
          continue
        }
        // Stays REQUEST_TIMED_OUT if the append has not finished when the timeout fires.
        const slot = answer(p.index, refused('REQUEST_TIMED_OUT'), version)
        parts.push(slot)
        const done = appendBatch(broker, t.name, p.index, p.records, version)
        work.push(done.then((o) => void Object.assign(slot, answer(p.index, o, version))))
      }
    }
    // As in Kafka, the timeout bounds only the wait for acks=-1; acks 0 and 1 answer when written.
    if (req.acks === -1) await withTimeout(Promise.all(work), Math.max(0, req.timeoutMs), broker)
    else await Promise.all(work)
    if (req.acks === 0) return null
    return { responses }
  },
}

async function withTimeout(p: Promise<unknown>, ms: number, broker: Broker): Promise<void> {
  let cancel = (): void => {}
  const timeout = new Promise<void>((resolve) => {
    cancel = broker.clock.setTimer(ms, resolve)
  })
  await Promise.race([p, timeout])
  cancel()
}

export const produceHandler = served(handler)
