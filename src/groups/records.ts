/**
 * The `__consumer_offsets` record layouts, byte for byte as Kafka writes them, so that the log is
 * readable by Kafka tooling and replication treats it as any other topic. Keys and values start
 * with an int16 version; strings are int16-length UTF-8 (-1 = null), bytes are int32-length.
 *
 *   offset commit key   v1: group string, topic string, partition int32
 *   offset commit value v3: offset int64, leaderEpoch int32, metadata string, commitTimestamp int64
 *   group metadata key  v2: group string
 *   group metadata value v3: protocolType string, generation int32, protocol string?, leader string?,
 *     currentStateTimestamp int64, members [memberId, groupInstanceId?, clientId, clientHost,
 *     rebalanceTimeout int32, sessionTimeout int32, subscription bytes, assignment bytes]
 *
 * A null value is a tombstone. Reading also accepts the older value versions Kafka wrote
 * (offset value v0/v1, group value v0-v2) and offset key v0; the flexible v4 values are refused.
 */
import { limits } from '../config/limits.js'

export type GroupRecordErrorCode = 'TRUNCATED' | 'INVALID_VALUE' | 'UNSUPPORTED_VERSION' | 'LIMIT_EXCEEDED'

/** The one error decoding a stored record throws. Replay stops on it; the driver decides. */
export class GroupRecordError extends Error {
  override readonly name = 'GroupRecordError'
  constructor(
    readonly code: GroupRecordErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export const OFFSET_COMMIT_KEY_VERSION = 1
export const GROUP_METADATA_KEY_VERSION = 2
export const OFFSET_COMMIT_VALUE_VERSION = 3
export const GROUP_METADATA_VALUE_VERSION = 3

export interface OffsetCommitValue {
  readonly offset: number
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestampMs: number
}

export interface MemberMetadataValue {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly subscription: Uint8Array
  readonly assignment: Uint8Array
}

export interface GroupMetadataValue {
  readonly protocolType: string
  readonly generation: number
  readonly protocol: string | null
  readonly leader: string | null
  readonly currentStateTimestampMs: number
  readonly members: readonly MemberMetadataValue[]
}

export type DecodedGroupRecord =
  | {
      readonly kind: 'offset'
      readonly group: string
      readonly topic: string
      readonly partition: number
      readonly value: OffsetCommitValue | null
    }
  | { readonly kind: 'group'; readonly group: string; readonly value: GroupMetadataValue | null }

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

/** Grows by doubling; the coordinator bounds every input, so sizes stay within a frame. */
class Writer {
  private buf = new Uint8Array(64)
  private view = new DataView(this.buf.buffer)
  private at = 0

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return
    let size = this.buf.length
    while (size < this.at + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.at))
    this.buf = next
    this.view = new DataView(next.buffer)
  }
  int16(v: number): this {
    this.room(2)
    this.view.setInt16(this.at, v)
    this.at += 2
    return this
  }
  int32(v: number): this {
    this.room(4)
    this.view.setInt32(this.at, v)
    this.at += 4
    return this
  }
  int64(v: number): this {
    this.room(8)
    this.view.setBigInt64(this.at, BigInt(v))
    this.at += 8
    return this
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1)
    const bytes = utf8Encoder.encode(v)
    if (bytes.length > 0x7fff) throw new GroupRecordError('LIMIT_EXCEEDED', 'string longer than 32767 bytes')
    this.int16(bytes.length)
    return this.raw(bytes)
  }
  bytes(v: Uint8Array): this {
    this.int32(v.length)
    return this.raw(v)
  }
  private raw(v: Uint8Array): this {
    this.room(v.length)
    this.buf.set(v, this.at)
    this.at += v.length
    return this
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.at)
  }
}

class Reader {
  private readonly view: DataView
  private at = 0
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length)
      throw new GroupRecordError(
        'TRUNCATED',
        `${this.what}: needs ${n} bytes at ${this.at} of ${this.buf.length}`,
      )
  }
  int16(): number {
    this.need(2)
    const v = this.view.getInt16(this.at)
    this.at += 2
    return v
  }
  int32(): number {
    this.need(4)
    const v = this.view.getInt32(this.at)
    this.at += 4
    return v
  }
  int64(): number {
    this.need(8)
    const v = this.view.getBigInt64(this.at)
    this.at += 8
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw new GroupRecordError('INVALID_VALUE', `${this.what}: int64 ${v} is outside the safe range`)
    return Number(v)
  }
  nullableString(): string | null {
    const n = this.int16()
    if (n === -1) return null
    if (n < 0) throw new GroupRecordError('INVALID_VALUE', `${this.what}: string length ${n}`)
    this.need(n)
    const bytes = this.buf.subarray(this.at, this.at + n)
    this.at += n
    try {
      return utf8Decoder.decode(bytes)
    } catch {
      throw new GroupRecordError('INVALID_VALUE', `${this.what}: string is not valid UTF-8`)
    }
  }
  string(): string {
    const s = this.nullableString()
    if (s === null)
      throw new GroupRecordError('INVALID_VALUE', `${this.what}: null where a string is required`)
    return s
  }
  bytes(): Uint8Array {
    const n = this.int32()
    if (n < 0) throw new GroupRecordError('INVALID_VALUE', `${this.what}: bytes length ${n}`)
    this.need(n)
    const out = this.buf.slice(this.at, this.at + n)
    this.at += n
    return out
  }
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Uint8Array {
  return new Writer().int16(OFFSET_COMMIT_KEY_VERSION).string(group).string(topic).int32(partition).done()
}

export function encodeOffsetCommitValue(v: OffsetCommitValue): Uint8Array {
  return new Writer()
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(v.offset)
    .int32(v.leaderEpoch)
    .string(v.metadata)
    .int64(v.commitTimestampMs)
    .done()
}

export function encodeGroupMetadataKey(group: string): Uint8Array {
  return new Writer().int16(GROUP_METADATA_KEY_VERSION).string(group).done()
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Uint8Array {
  const w = new Writer()
    .int16(GROUP_METADATA_VALUE_VERSION)
    .string(v.protocolType)
    .int32(v.generation)
    .string(v.protocol)
    .string(v.leader)
    .int64(v.currentStateTimestampMs)
    .int32(v.members.length)
  for (const m of v.members) {
    w.string(m.memberId)
      .string(m.groupInstanceId)
      .string(m.clientId)
      .string(m.clientHost)
      .int32(m.rebalanceTimeoutMs)
      .int32(m.sessionTimeoutMs)
      .bytes(m.subscription)
      .bytes(m.assignment)
  }
  return w.done()
}

function decodeOffsetCommitValue(bytes: Uint8Array): OffsetCommitValue {
  const r = new Reader(bytes, 'offset commit value')
  const version = r.int16()
  if (version < 0 || version > 3)
    throw new GroupRecordError('UNSUPPORTED_VERSION', `offset commit value version ${version}`)
  const offset = r.int64()
  const leaderEpoch = version >= 3 ? r.int32() : -1
  const metadata = r.string()
  const commitTimestampMs = r.int64()
  if (version === 1) r.int64() // expireTimestamp: retention is the broker's policy now
  return { offset, leaderEpoch, metadata, commitTimestampMs }
}

function decodeMember(r: Reader, version: number): MemberMetadataValue {
  const memberId = r.string()
  const groupInstanceId = version >= 3 ? r.nullableString() : null
  const clientId = r.string()
  const clientHost = r.string()
  const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1
  const sessionTimeoutMs = r.int32()
  const subscription = r.bytes()
  const assignment = r.bytes()
  // v0 stored no rebalance timeout; Kafka uses the session timeout in its place.
  return {
    memberId,
    groupInstanceId,
    clientId,
    clientHost,
    rebalanceTimeoutMs: version >= 1 ? rebalanceTimeoutMs : sessionTimeoutMs,
    sessionTimeoutMs,
    subscription,
    assignment,
  }
}

function decodeGroupMetadataValue(bytes: Uint8Array): GroupMetadataValue {
  const r = new Reader(bytes, 'group metadata value')
  const version = r.int16()
  if (version < 0 || version > 3)
    throw new GroupRecordError('UNSUPPORTED_VERSION', `group metadata value version ${version}`)
  const protocolType = r.string()
  const generation = r.int32()
  const protocol = r.nullableString()
  const leader = r.nullableString()
  const currentStateTimestampMs = version >= 2 ? r.int64() : -1
  const count = r.int32()
  if (count < 0 || count > limits.groupMembersMax)
    throw new GroupRecordError('LIMIT_EXCEEDED', `group metadata value: ${count} members`)
  const members: MemberMetadataValue[] = []
  for (let i = 0; i < count; i++) members.push(decodeMember(r, version))
  return { protocolType, generation, protocol, leader, currentStateTimestampMs, members }
}

export function decodeGroupRecord(key: Uint8Array, value: Uint8Array | null): DecodedGroupRecord {
  const r = new Reader(key, 'group record key')
  const version = r.int16()
  if (version === 0 || version === OFFSET_COMMIT_KEY_VERSION) {
    const group = r.string()
    const topic = r.string()
    const partition = r.int32()
    return {
      kind: 'offset',
      group,
      topic,
      partition,
      value: value === null ? null : decodeOffsetCommitValue(value),
    }
  }
  if (version === GROUP_METADATA_KEY_VERSION) {
    const group = r.string()
    return { kind: 'group', group, value: value === null ? null : decodeGroupMetadataValue(value) }
  }
  throw new GroupRecordError('UNSUPPORTED_VERSION', `group record key version ${version}`)
}
