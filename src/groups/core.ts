/**
 * What the membership and offset handlers share: the configuration, the groups, the effects one
 * call collects, and the few operations both sides need (persist a group, remove a member, answer
 * a parked request).
 */
import { limits } from '../config/limits.js'
import { AssertionError, assert } from '../lib/assert.js'
import type { Prng } from '../lib/prng.js'
import { type Group, type Member, metadataFor, offsetKey } from './group.js'
import {
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from './records.js'
import type { DeferredResponse, GroupErrorCode, GroupRecord, JoinGroupResponse } from './types.js'

export interface CoordinatorConfig {
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an Empty group waits. */
  readonly initialRebalanceDelayMs: number
  /** group.min.session.timeout.ms */
  readonly sessionTimeoutMinMs: number
  /** group.max.session.timeout.ms */
  readonly sessionTimeoutMaxMs: number
  /** group.max.size; at most limits.groupMembersMax. */
  readonly groupMembersMax: number
  /** offset.metadata.max.bytes; at most limits.groupOffsetMetadataBytesMax. */
  readonly offsetMetadataBytesMax: number
}

export const defaultCoordinatorConfig: CoordinatorConfig = {
  initialRebalanceDelayMs: 3_000,
  sessionTimeoutMinMs: 6_000,
  sessionTimeoutMaxMs: 1_800_000,
  groupMembersMax: limits.groupMembersMax,
  offsetMetadataBytesMax: limits.groupOffsetMetadataBytesMax,
}

export class GroupConfigError extends Error {
  override readonly name = 'GroupConfigError'
  readonly code = 'INVALID_CONFIG'
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max)
    throw new GroupConfigError(`${name} must be an integer in [${min}, ${max}], got ${v}`)
}

/** Every option checked once, here, with a message that names it. */
export function resolveConfig(partial: Partial<CoordinatorConfig>): CoordinatorConfig {
  const c = { ...defaultCoordinatorConfig, ...partial }
  checkInt('initialRebalanceDelayMs', c.initialRebalanceDelayMs, 0, 0x7fffffff)
  checkInt('sessionTimeoutMinMs', c.sessionTimeoutMinMs, 0, 0x7fffffff)
  checkInt('sessionTimeoutMaxMs', c.sessionTimeoutMaxMs, c.sessionTimeoutMinMs, 0x7fffffff)
  checkInt('groupMembersMax', c.groupMembersMax, 1, limits.groupMembersMax)
  checkInt('offsetMetadataBytesMax', c.offsetMetadataBytesMax, 0, limits.groupOffsetMetadataBytesMax)
  return c
}

export interface Core {
  readonly config: CoordinatorConfig
  readonly groups: Map<string, Group>
  readonly prng: Prng
}

/** What one call produces besides its own answer. */
export class Effects {
  readonly deferred: DeferredResponse[] = []
  readonly records: GroupRecord[] = []
}

/** Kafka's member ids are `clientId-UUID`; ours draw the UUID's bits from the seeded PRNG. */
export function newMemberId(core: Core, group: Group, clientId: string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    let hex = ''
    for (let i = 0; i < 4; i++)
      hex += Math.floor(core.prng.next() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0')
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    const id = `${clientId}-${uuid}`
    if (!group.members.has(id) && !group.pendingMembers.has(id)) return id
  }
  throw new AssertionError('eight 128-bit draws in a row collided with existing member ids')
}

export function joinError(memberId: string, errorCode: GroupErrorCode): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

export function answerJoin(fx: Effects, member: Member, response: JoinGroupResponse): void {
  assert(member.join !== null, 'only a parked join is answered later')
  fx.deferred.push({ api: 'JoinGroup', requestId: member.join.requestId, response })
  member.join = null
}

export function answerSync(
  fx: Effects,
  member: Member,
  group: Group,
  errorCode: GroupErrorCode,
  assignment: Uint8Array,
): void {
  assert(member.sync !== null, 'only a parked sync is answered later')
  fx.deferred.push({
    api: 'SyncGroup',
    requestId: member.sync.requestId,
    response: { errorCode, protocolType: group.protocolType, protocolName: group.protocolName, assignment },
  })
  member.sync = null
}

/** Removes a member and answers whatever it had parked with `why`. */
export function removeMember(fx: Effects, group: Group, memberId: string, why: GroupErrorCode): void {
  const member = group.members.get(memberId)
  assert(member !== undefined, 'only a member is removed')
  // Kafka answers a removed member's parked join with no member id, so that it starts afresh.
  if (member.join !== null) answerJoin(fx, member, joinError('', why))
  if (member.sync !== null) answerSync(fx, member, group, why, new Uint8Array(0))
  group.members.delete(memberId)
  group.pendingSync.delete(memberId)
  if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === memberId)
    group.staticMembers.delete(member.groupInstanceId)
  if (group.leaderId === memberId) {
    const next = group.members.keys().next()
    group.leaderId = next.done === true ? null : next.value
  }
}

/** Persists what Kafka persists of a group: its generation, protocol, leader and members. */
export function persistGroup(fx: Effects, group: Group): void {
  const members = [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    sessionTimeoutMs: m.sessionTimeoutMs,
    subscription: metadataFor(m, group.protocolName),
    assignment: m.assignment,
  }))
  fx.records.push({
    key: encodeGroupMetadataKey(group.groupId),
    value: encodeGroupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestampMs: group.stateTimestampMs,
      members,
    }),
  })
}

export function persistOffset(fx: Effects, group: Group, topic: string, partition: number): void {
  const o = group.offsets.get(offsetKey(topic, partition))
  fx.records.push({
    key: encodeOffsetCommitKey(group.groupId, topic, partition),
    value: o === undefined ? null : encodeOffsetCommitValue(o),
  })
}
