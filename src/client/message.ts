/** The shapes users hand to the producer and get from the consumer. */
import type { RecordHeader, RecordInput } from '../protocol/records/index.js'
import { PetrelError } from './errors.js'

export type Bytes = string | Uint8Array

export interface ProducerMessage {
  key?: Bytes | null
  value: Bytes | null
  /** Header values may repeat a name when given as an array of pairs. */
  headers?: Record<string, Bytes> | readonly (readonly [string, Bytes | null])[]
  /** Overrides the partitioner. */
  partition?: number
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number
}

export interface RecordMetadata {
  topic: string
  partition: number
  /** -1 when acks = 0 (the broker does not answer). */
  offset: number
}

export interface ConsumerMessage {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: { key: string; value: Buffer | null }[]
}

const utf8 = new TextEncoder()

function toBytes(b: Bytes): Uint8Array {
  return typeof b === 'string' ? utf8.encode(b) : b
}

function invalid(why: string): PetrelError {
  return new PetrelError('INVALID_ARGUMENT', why, false)
}

/** Checks and converts one message; throws PetrelError('INVALID_ARGUMENT'). */
export function toRecordInput(m: ProducerMessage, now: number): RecordInput {
  if (m === null || typeof m !== 'object') throw invalid('a message must be an object with a value')
  const isBytes = (v: unknown) => typeof v === 'string' || v instanceof Uint8Array
  if (m.value !== null && !isBytes(m.value))
    throw invalid('message.value must be a string, a Uint8Array or null')
  if (m.key !== undefined && m.key !== null && !isBytes(m.key)) {
    throw invalid('message.key must be a string, a Uint8Array, null or absent')
  }
  const timestamp = m.timestamp ?? now
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw invalid('message.timestamp must be a non-negative integer (ms)')
  const headers: RecordHeader[] = []
  if (m.headers !== undefined) {
    const pairs = Array.isArray(m.headers) ? m.headers : Object.entries(m.headers)
    for (const [k, v] of pairs as Iterable<readonly [string, Bytes | null]>) {
      if (typeof k !== 'string' || (v !== null && !isBytes(v)))
        throw invalid('message.headers: names are strings, values strings or bytes')
      headers.push({ key: k, value: v === null ? null : toBytes(v) })
    }
  }
  return {
    key: m.key === undefined || m.key === null ? null : toBytes(m.key),
    value: m.value === null ? null : toBytes(m.value),
    headers,
    timestamp,
  }
}

/** An upper estimate of a record's bytes inside a batch (varint overheads included). */
export function recordBytes(r: RecordInput): number {
  let n = 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  for (const h of r.headers ?? []) n += 10 + h.key.length * 3 + (h.value?.length ?? 0)
  return n
}
