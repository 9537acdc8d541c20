/**
 * The consumer protocol's embedded formats and the two classic assignors, byte- and
 * decision-compatible with Kafka's Java client ("range", "roundrobin"), so that a group mixing
 * Petrel, kafkajs and librdkafka members agrees on who owns what. Pure functions.
 *
 * Subscription (v0): int16 version, [string topic], nullable bytes userData. Later versions append
 * fields (owned partitions, generation, rack); readers ignore what follows, as Kafka's do.
 * Assignment (v0): int16 version, [(string topic, [int32 partition])], nullable bytes userData.
 */
import { CodecError } from '../protocol/codec-error.js'
import { Reader } from '../protocol/primitives/reader.js'
import { Writer } from '../protocol/primitives/writer.js'

export type AssignorName = 'range' | 'roundrobin'

export interface Subscription {
  topics: string[]
  userData: Uint8Array | null
}

/** topic → partitions, per member. */
export type Assignment = Map<string, number[]>

export function encodeSubscription(topics: readonly string[]): Uint8Array {
  const w = new Writer(64)
  w.int16(0)
  w.int32(topics.length)
  for (const t of topics) w.string(t)
  w.int32(-1)
  return w.finish().slice()
}

export function decodeSubscription(bytes: Uint8Array): Subscription {
  const r = new Reader(bytes)
  const version = r.int16()
  if (version < 0) throw new CodecError('INVALID_VALUE', `subscription version ${version}`)
  const n = r.int32()
  if (n < 0 || n > r.remaining()) throw new CodecError('INVALID_LENGTH', `subscription of ${n} topics`)
  const topics: string[] = []
  for (let i = 0; i < n; i++) topics.push(r.string())
  const userData = r.remaining() >= 4 ? r.nullableBytes() : null
  return { topics, userData }
}

export function encodeAssignment(a: Assignment): Uint8Array {
  const w = new Writer(64)
  w.int16(0)
  const topics = [...a.keys()].sort()
  w.int32(topics.length)
  for (const t of topics) {
    w.string(t)
    const parts = a.get(t) ?? []
    w.int32(parts.length)
    for (const p of parts) w.int32(p)
  }
  w.int32(-1)
  return w.finish().slice()
}

export function decodeAssignment(bytes: Uint8Array): Assignment {
  const out: Assignment = new Map()
  if (bytes.length === 0) return out
  const r = new Reader(bytes)
  const version = r.int16()
  if (version < 0) throw new CodecError('INVALID_VALUE', `assignment version ${version}`)
  const n = r.int32()
  if (n < 0 || n > r.remaining()) throw new CodecError('INVALID_LENGTH', `assignment of ${n} topics`)
  for (let i = 0; i < n; i++) {
    const topic = r.string()
    const m = r.int32()
    if (m < 0 || m * 4 > r.remaining())
      throw new CodecError('INVALID_LENGTH', `assignment of ${m} partitions`)
    const parts: number[] = []
    for (let j = 0; j < m; j++) parts.push(r.int32())
    out.set(topic, parts)
  }
  return out
}

export interface AssignInput {
  /** memberId → subscribed topics. */
  members: ReadonlyMap<string, readonly string[]>
  /** topic → partition count (topics missing here are skipped). */
  partitionCounts: ReadonlyMap<string, number>
}

function emptyAssignments(members: ReadonlyMap<string, readonly string[]>): Map<string, Assignment> {
  return new Map([...members.keys()].map((m) => [m, new Map()]))
}

function add(a: Map<string, Assignment>, member: string, topic: string, partition: number): void {
  const m = a.get(member) as Assignment
  const list = m.get(topic) ?? []
  list.push(partition)
  m.set(topic, list)
}

/** Kafka's RangeAssignor: per topic, members in memberId order take contiguous ranges, the first n % c one extra. */
export function rangeAssign(input: AssignInput): Map<string, Assignment> {
  const out = emptyAssignments(input.members)
  const topics = new Set([...input.members.values()].flat())
  for (const topic of [...topics].sort()) {
    const count = input.partitionCounts.get(topic)
    if (count === undefined) continue
    const consumers = [...input.members]
      .filter(([, ts]) => ts.includes(topic))
      .map(([m]) => m)
      .sort()
    const per = Math.floor(count / consumers.length)
    const extra = count % consumers.length
    consumers.forEach((member, i) => {
      const start = per * i + Math.min(i, extra)
      const length = per + (i < extra ? 1 : 0)
      for (let p = start; p < start + length; p++) add(out, member, topic, p)
    })
  }
  return out
}

/** Kafka's RoundRobinAssignor: all partitions sorted by (topic, partition) dealt in turn to the members subscribed. */
export function roundRobinAssign(input: AssignInput): Map<string, Assignment> {
  const out = emptyAssignments(input.members)
  const members = [...input.members.keys()].sort()
  if (members.length === 0) return out
  const topics = [...new Set([...input.members.values()].flat())].sort()
  let next = 0
  for (const topic of topics) {
    const count = input.partitionCounts.get(topic) ?? 0
    for (let p = 0; p < count; p++) {
      // Bounded: at most one full turn to find a member subscribed to this topic (one exists).
      for (let tries = 0; tries < members.length; tries++) {
        const m = members[next % members.length] as string
        next++
        if (input.members.get(m)?.includes(topic)) {
          add(out, m, topic, p)
          break
        }
      }
    }
  }
  return out
}

export function assign(name: AssignorName, input: AssignInput): Map<string, Assignment> {
  return name === 'range' ? rangeAssign(input) : roundRobinAssign(input)
}
