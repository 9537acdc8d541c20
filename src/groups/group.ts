/**
 * One classic group's state and the small pure rules about it: which protocols its members share,
 * which one they vote for, which topics its consumers subscribe to. The coordinator changes these
 * objects; nothing here decides a transition.
 */
import { assert } from '../lib/assert.js'
import type { GroupState, JoinGroupProtocol } from './types.js'

export interface ParkedRequest {
  readonly requestId: number
  readonly apiVersion: number
}

export interface Member {
  memberId: string
  readonly groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocolType: string
  protocols: readonly JoinGroupProtocol[]
  /** The bytes the leader handed this member in the current generation; empty before that. */
  assignment: Uint8Array
  /** A JoinGroup waiting for the join phase to end. */
  join: ParkedRequest | null
  /** A SyncGroup waiting for the leader's. */
  sync: ParkedRequest | null
  /** The member is removed if no request refreshes this before it passes (unless parked). */
  sessionDeadlineMs: number
}

export interface CommittedOffset {
  readonly offset: number
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestampMs: number
}

export interface Group {
  readonly groupId: string
  state: GroupState
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leaderId: string | null
  /** Insertion order is join order: the first member becomes leader when none is left. */
  readonly members: Map<string, Member>
  /** Static members by group.instance.id → their current member id. */
  readonly staticMembers: Map<string, string>
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the time they expire. */
  readonly pendingMembers: Map<string, number>
  /** `topic\0partition` → committed offset. */
  readonly offsets: Map<string, CommittedOffset>
  /** When the join phase ends anyway (rebalance timeout, or the end of an initial delay step). */
  joinDeadlineMs: number
  /**
   * Set while the first rebalance of an Empty group waits out group.initial.rebalance.delay.ms:
   * the current step and what is left of the rebalance timeout for further steps.
   */
  initialDelay: { readonly stepMs: number; readonly remainingMs: number } | null
  /** A member joined during the current initial delay step, so another step follows. */
  newMemberAdded: boolean
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSync: Set<string>
  /** When members still in pendingSync are removed (CompletingRebalance or Stable). */
  syncDeadlineMs: number
  stateTimestampMs: number
}

/** A group starts Empty; its state timestamp is unknown (-1, as Kafka's record default) until a transition. */
export function newGroup(groupId: string): Group {
  return {
    groupId,
    state: 'Empty',
    generationId: 0,
    protocolType: null,
    protocolName: null,
    leaderId: null,
    members: new Map(),
    staticMembers: new Map(),
    pendingMembers: new Map(),
    offsets: new Map(),
    joinDeadlineMs: 0,
    initialDelay: null,
    newMemberAdded: false,
    pendingSync: new Set(),
    syncDeadlineMs: 0,
    stateTimestampMs: -1,
  }
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

export function splitOffsetKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000')
  assert(at >= 0, 'offset keys hold a separator')
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) }
}

/** Protocol names every current member supports, in no particular order. */
function sharedProtocols(group: Group): Set<string> | null {
  let shared: Set<string> | null = null
  for (const m of group.members.values()) {
    const next = new Set<string>()
    for (const p of m.protocols) if (shared === null || shared.has(p.name)) next.add(p.name)
    shared = next
  }
  return shared
}

/** Kafka's supportsProtocols: the same protocol type, and at least one protocol all share. */
export function supportsProtocols(
  group: Group,
  protocolType: string,
  protocols: readonly JoinGroupProtocol[],
): boolean {
  if (protocolType === '' || protocols.length === 0) return false
  if (group.members.size === 0) return true
  if (protocolType !== group.protocolType) return false
  const shared = sharedProtocols(group)
  return shared !== null && protocols.some((p) => shared.has(p.name))
}

/**
 * Kafka's selectProtocol: among the protocols all members support, each member votes for the first
 * in its own preference order, and the most votes win. Ties go to the candidate the earliest-joined
 * member prefers, so the answer depends on the group alone.
 */
export function selectProtocol(group: Group): string {
  const shared = sharedProtocols(group)
  assert(shared !== null && shared.size > 0, 'a group with members shares a protocol')
  const votes = new Map<string, number>()
  for (const m of group.members.values()) {
    const choice = m.protocols.find((p) => shared.has(p.name))
    assert(choice !== undefined, 'every member supports a shared protocol')
    votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1)
  }
  const first = group.members.values().next().value
  assert(first !== undefined, 'a group with members has a first member')
  let best: string | null = null
  let bestVotes = -1
  for (const p of first.protocols) {
    const n = votes.get(p.name) ?? 0
    if (shared.has(p.name) && n > bestVotes) {
      best = p.name
      bestVotes = n
    }
  }
  assert(best !== null, 'the first member names a shared protocol')
  return best
}

export function metadataFor(member: Member, protocolName: string | null): Uint8Array {
  const p = member.protocols.find((x) => x.name === protocolName)
  return p === undefined ? new Uint8Array(0) : p.metadata
}

function sameProtocols(a: readonly JoinGroupProtocol[], b: readonly JoinGroupProtocol[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x.name !== y.name || !sameBytes(x.metadata, y.metadata)) return false
  }
  return true
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function matchesMetadata(member: Member, protocols: readonly JoinGroupProtocol[]): boolean {
  return sameProtocols(member.protocols, protocols)
}

/**
 * Topics named by a "consumer" protocol subscription (ConsumerProtocolSubscription, every version
 * starts with int16 version, then an int32 count of int16-length topic names). null when the bytes
 * do not parse, which callers treat as "may be subscribed to anything", as Kafka does.
 */
export function subscribedTopics(metadata: Uint8Array): Set<string> | null {
  const view = new DataView(metadata.buffer, metadata.byteOffset, metadata.byteLength)
  if (metadata.length < 6) return null
  const count = view.getInt32(2)
  if (count < 0 || count > metadata.length) return null
  const topics = new Set<string>()
  let at = 6
  const decoder = new TextDecoder('utf-8', { fatal: true })
  for (let i = 0; i < count; i++) {
    if (at + 2 > metadata.length) return null
    const n = view.getInt16(at)
    at += 2
    if (n < 0 || at + n > metadata.length) return null
    try {
      topics.add(decoder.decode(metadata.subarray(at, at + n)))
    } catch {
      return null
    }
    at += n
  }
  return topics
}

/**
 * Kafka's isSubscribedToTopic for a classic group. Only "consumer" groups have subscriptions the
 * coordinator can read; when it cannot tell (no protocol chosen yet, bytes that do not parse), a
 * consumer group counts as subscribed, so that OffsetDelete errs on the side of keeping offsets.
 */
export function isSubscribedToTopic(group: Group, topic: string): boolean {
  if (group.protocolType !== 'consumer' || group.members.size === 0) return false
  if (group.protocolName === null) return true
  for (const m of group.members.values()) {
    const topics = subscribedTopics(metadataFor(m, group.protocolName))
    if (topics === null || topics.has(topic)) return true
  }
  return false
}

/** The largest rebalance timeout among the members: how long a join phase may wait. */
export function rebalanceTimeoutMs(group: Group): number {
  let max = 0
  for (const m of group.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
  return max
}
