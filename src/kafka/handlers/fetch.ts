/**
 * Fetch (1) v4-12. Capped at 12: v13+ names topics by id. Sessionless (session id 0 always).
 *
 * Whole batches only, from the batch that holds the fetch offset; per partition at most its
 * partitionMaxBytes and per response at most maxBytes (clamped to limits.responseBytesMax),
 * except that the first partition with data always gets at least one whole batch (KIP-74) so a
 * consumer can never be stuck behind a batch larger than its limits. Long poll: while fewer than
 * minBytes are ready and maxWaitMs has not passed, the request parks until the next append.
 * With no transactions yet, the last stable offset equals the high watermark for both isolation
 * levels, and there are never aborted transactions to report.
 */
import { limits } from '../../config/limits.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchableTopicResponse,
  type FetchRequest,
  type FetchResponse,
  type PartitionData,
} from '../../protocol/kafka/generated/fetch.js'
import type { Broker } from '../broker.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

interface Wanted {
  topic: string
  partition: number
  offset: number
  maxBytes: number
}

interface ReadResult {
  topics: Encodable<FetchableTopicResponse>[]
  bytes: number
  errors: boolean
}

function partitionAnswer(
  partition: number,
  error: ErrorCode,
  hw: number,
  start: number,
  records: Uint8Array | null,
): Encodable<PartitionData> {
  return {
    partitionIndex: partition,
    errorCode: kafkaErrorCode(error),
    highWatermark: BigInt(hw),
    lastStableOffset: BigInt(hw),
    logStartOffset: BigInt(start),
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  }
}

async function readAll(broker: Broker, wanted: readonly Wanted[], responseMax: number): Promise<ReadResult> {
  const topics: Encodable<FetchableTopicResponse>[] = []
  const byTopic = new Map<string, Encodable<PartitionData>[]>()
  let bytes = 0
  let errors = false
  for (const w of wanted) {
    let parts = byTopic.get(w.topic)
    if (parts === undefined) {
      parts = []
      byTopic.set(w.topic, parts)
      topics.push({ topic: w.topic, partitions: parts })
    }
    const p = await broker.partition(w.topic, w.partition)
    if (p === undefined) {
      parts.push(partitionAnswer(w.partition, 'UNKNOWN_TOPIC_OR_PARTITION', -1, -1, null))
      errors = true
      continue
    }
    const hw = p.log.highWatermark()
    const start = p.log.startOffset()
    if (w.offset < start || w.offset > hw) {
      parts.push(partitionAnswer(w.partition, 'OFFSET_OUT_OF_RANGE', hw, start, null))
      errors = true
      continue
    }
    // Only the first partition with data may exceed the limits, by at most one batch.
    const budget = Math.min(w.maxBytes, responseMax - bytes)
    let records: Uint8Array = new Uint8Array(0)
    if (w.offset < hw && (budget > 0 || bytes === 0)) {
      records = await p.log.read(w.offset, Math.max(0, budget))
      if (bytes > 0 && records.byteLength > budget) records = new Uint8Array(0)
    }
    bytes += records.byteLength
    parts.push(partitionAnswer(w.partition, 'NONE', hw, start, records))
  }
  return { topics, bytes, errors }
}

/** Resolves true on the next append, false at the timeout or when too many fetches are parked. */
function parkUntilAppend(broker: Broker, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let cancelTimer = (): void => {}
    const unregister = broker.onNextAppend(() => {
      cancelTimer()
      resolve(true)
    })
    if (unregister === null) {
      resolve(false)
      return
    }
    cancelTimer = broker.clock.setTimer(ms, () => {
      unregister()
      resolve(false)
    })
  })
}

const handler: Handler<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  decode: decodeFetchRequest,
  encode: encodeFetchResponse,
  async handle(req, { broker }) {
    const wanted: Wanted[] = []
    for (const t of req.topics) {
      for (const p of t.partitions) {
        wanted.push({
          topic: t.topic,
          partition: p.partition,
          offset: Number(p.fetchOffset),
          maxBytes: Math.max(0, p.partitionMaxBytes),
        })
      }
    }
    const responseMax = Math.min(Math.max(0, req.maxBytes), limits.responseBytesMax)
    const minBytes = Math.max(0, req.minBytes)
    const maxWaitMs = Math.min(Math.max(0, req.maxWaitMs), limits.fetchMaxWaitMsMax)
    const deadline = broker.clock.nowMs() + maxWaitMs
    let result = await readAll(broker, wanted, responseMax)
    // Each pass parks until an append or the deadline, then reads again; the loop ends at the
    // deadline however many appends arrive. An error answers at once, as in Kafka.
    while (result.bytes < minBytes && !result.errors && broker.clock.nowMs() < deadline) {
      const woke = await parkUntilAppend(broker, deadline - broker.clock.nowMs())
      if (!woke) break
      result = await readAll(broker, wanted, responseMax)
    }
    return { errorCode: 0, sessionId: 0, responses: result.topics }
  },
}

export const fetchHandler = served(handler)
