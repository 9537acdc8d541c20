/**
 * The classic group membership protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the
 * timers, following Kafka's GroupMetadataManager (classic groups). Each handler returns its answer,
 * or null when it parks the request; parked answers leave through Effects.deferred.
 */
import { limits } from '../config/limits.js'
import { AssertionError, assert, unreachable } from '../lib/assert.js'
import {
  type Core,
  type Effects,
  answerJoin,
  answerSync,
  joinError,
  newMemberId,
  persistGroup,
  removeMember,
} from './core.js'
import {
  afterMembershipChange,
  currentJoinResponse,
  memberList,
  prepareRebalance,
  tryCompleteJoin,
} from './rebalance.js'
import {
  type Group,
  type Member,
  matchesMetadata,
  newGroup,
  selectProtocol,
  supportsProtocols,
} from './group.js'
import type {
  CallContext,
  GroupErrorCode,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupMemberResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from './types.js'

const EMPTY = new Uint8Array(0)

// ── join ─────────────────────────────────────────────────────────────────────────────────────

export function joinGroup(
  core: Core,
  fx: Effects,
  req: JoinGroupRequest,
  ctx: CallContext,
): JoinGroupResponse | null {
  if (req.groupId === '') return joinError(req.memberId, 'INVALID_GROUP_ID')
  const { sessionTimeoutMinMs, sessionTimeoutMaxMs } = core.config
  if (
    !Number.isSafeInteger(req.sessionTimeoutMs) ||
    req.sessionTimeoutMs < sessionTimeoutMinMs ||
    req.sessionTimeoutMs > sessionTimeoutMaxMs ||
    !Number.isSafeInteger(req.rebalanceTimeoutMs) ||
    req.rebalanceTimeoutMs < 0
  )
    return joinError(req.memberId, 'INVALID_SESSION_TIMEOUT')
  let group = core.groups.get(req.groupId)
  if (group === undefined) {
    if (req.memberId !== '') return joinError(req.memberId, 'UNKNOWN_MEMBER_ID')
    if (req.protocolType === '' || req.protocols.length === 0)
      return joinError(req.memberId, 'INCONSISTENT_GROUP_PROTOCOL')
    // Kafka has no such limit; a full coordinator answers as one that is unavailable.
    if (core.groups.size >= limits.groupsMax) return joinError(req.memberId, 'COORDINATOR_NOT_AVAILABLE')
    group = newGroup(req.groupId)
    core.groups.set(req.groupId, group)
  }
  if (group.state === 'Dead') return joinError(req.memberId, 'COORDINATOR_NOT_AVAILABLE')
  if (!acceptJoiningMember(core, group, req.memberId)) {
    // Kafka drops a known member it turns away, so that the group shrinks to its limit.
    if (group.members.has(req.memberId)) {
      removeMember(fx, group, req.memberId, 'GROUP_MAX_SIZE_REACHED')
      afterMembershipChange(core, fx, group, ctx.nowMs)
    } else if (group.pendingMembers.delete(req.memberId)) {
      tryCompleteJoin(core, fx, group, ctx.nowMs)
    }
    return joinError('', 'GROUP_MAX_SIZE_REACHED')
  }
  if (!supportsProtocols(group, req.protocolType, req.protocols))
    return joinError(req.memberId, 'INCONSISTENT_GROUP_PROTOCOL')
  return req.memberId === ''
    ? joinUnknownMember(core, fx, group, req, ctx)
    : joinKnownMember(core, fx, group, req, ctx)
}

/**
 * Kafka's acceptJoiningMember: an Empty group takes anyone; while joining, members already waiting
 * plus newcomers up to the limit; otherwise known members, and newcomers while below the limit.
 */
function acceptJoiningMember(core: Core, group: Group, memberId: string): boolean {
  const max = core.config.groupMembersMax
  // Kafka's rule lets a join phase take newcomers while silent static members keep their slots,
  // so a group can pass its limit for a while; the absolute limit holds regardless.
  const known = group.members.has(memberId) || group.pendingMembers.has(memberId)
  if (!known && group.members.size >= limits.groupMembersMax) return false
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true
    case 'PreparingRebalance': {
      let awaiting = 0
      for (const m of group.members.values()) if (m.join !== null) awaiting++
      return (group.members.get(memberId)?.join ?? null) !== null || awaiting < max
    }
    case 'CompletingRebalance':
    case 'Stable':
      return group.members.has(memberId) || group.members.size < max
    default:
      return unreachable(group.state, 'group state')
  }
}

function joinUnknownMember(
  core: Core,
  fx: Effects,
  group: Group,
  req: JoinGroupRequest,
  ctx: CallContext,
): JoinGroupResponse | null {
  if (req.groupInstanceId !== null) {
    const oldId = group.staticMembers.get(req.groupInstanceId)
    if (oldId !== undefined) return replaceStaticMember(core, fx, group, oldId, req, ctx)
  }
  // Kafka does not bound pending ids; we do, so that a flood of id-less joins cannot grow memory.
  if (group.pendingMembers.size >= core.config.groupMembersMax) return joinError('', 'GROUP_MAX_SIZE_REACHED')
  const memberId = newMemberId(core, group, req.clientId)
  // KIP-394: from v4 a dynamic member must come back with the id it is given, so that a client
  // retrying a timed-out join does not leave ghost members behind. Static members are exempt.
  if (req.apiVersion >= 4 && req.groupInstanceId === null) {
    group.pendingMembers.set(memberId, ctx.nowMs + req.sessionTimeoutMs)
    return joinError(memberId, 'MEMBER_ID_REQUIRED')
  }
  addMemberAndRebalance(core, fx, group, req, memberId, ctx)
  return null
}

function joinKnownMember(
  core: Core,
  fx: Effects,
  group: Group,
  req: JoinGroupRequest,
  ctx: CallContext,
): JoinGroupResponse | null {
  const id = req.memberId
  if (group.pendingMembers.has(id)) {
    group.pendingMembers.delete(id)
    addMemberAndRebalance(core, fx, group, req, id, ctx)
    return null
  }
  const invalid = validateMember(group, id, req.groupInstanceId)
  if (invalid !== 'NONE') return joinError(id, invalid)
  const member = group.members.get(id)
  assert(member !== undefined, 'a validated member exists')
  switch (group.state) {
    case 'PreparingRebalance':
      updateMember(fx, member, req, ctx)
      tryCompleteJoin(core, fx, group, ctx.nowMs)
      return null
    case 'CompletingRebalance':
      // Same metadata: the member lost the join response; give it the current generation again.
      if (matchesMetadata(member, req.protocols)) return currentJoinResponse(group, member)
      updateMember(fx, member, req, ctx)
      prepareRebalance(core, fx, group, ctx.nowMs)
      return null
    case 'Stable':
      if (member.memberId === group.leaderId || !matchesMetadata(member, req.protocols)) {
        updateMember(fx, member, req, ctx)
        prepareRebalance(core, fx, group, ctx.nowMs)
        return null
      }
      member.sessionDeadlineMs = ctx.nowMs + member.sessionTimeoutMs
      return currentJoinResponse(group, member)
    case 'Empty':
    case 'Dead':
      return joinError(id, 'UNKNOWN_MEMBER_ID')
    default:
      return unreachable(group.state, 'group state')
  }
}

/** Checks a (member id, instance id) pair against the group: Kafka's validateMember. */
export function validateMember(
  group: Group,
  memberId: string,
  groupInstanceId: string | null,
): GroupErrorCode {
  if (groupInstanceId !== null) {
    const current = group.staticMembers.get(groupInstanceId)
    if (current === undefined) return 'UNKNOWN_MEMBER_ID'
    if (current !== memberId) return 'FENCED_INSTANCE_ID'
  }
  return group.members.has(memberId) ? 'NONE' : 'UNKNOWN_MEMBER_ID'
}

function addMemberAndRebalance(
  core: Core,
  fx: Effects,
  group: Group,
  req: JoinGroupRequest,
  memberId: string,
  ctx: CallContext,
): void {
  const member: Member = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.clientId,
    clientHost: req.clientHost,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols,
    assignment: EMPTY,
    join: { requestId: ctx.requestId, apiVersion: req.apiVersion },
    sync: null,
    sessionDeadlineMs: ctx.nowMs + req.sessionTimeoutMs,
  }
  if (group.members.size === 0) group.protocolType = req.protocolType
  group.members.set(memberId, member)
  if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId)
  if (group.leaderId === null) group.leaderId = memberId
  if (group.state !== 'PreparingRebalance') {
    prepareRebalance(core, fx, group, ctx.nowMs)
    return
  }
  // A newcomer during the initial delay buys everyone another step, up to the rebalance timeout:
  // that is what lets a whole fleet of consumers land in one generation.
  if (group.initialDelay !== null) group.newMemberAdded = true
  tryCompleteJoin(core, fx, group, ctx.nowMs)
}

function updateMember(fx: Effects, member: Member, req: JoinGroupRequest, ctx: CallContext): void {
  // A second join while one is parked: answer the first now so the connection's order holds.
  if (member.join !== null) answerJoin(fx, member, joinError(member.memberId, 'REBALANCE_IN_PROGRESS'))
  member.protocols = req.protocols
  member.protocolType = req.protocolType
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
  member.sessionTimeoutMs = req.sessionTimeoutMs
  member.clientId = req.clientId
  member.clientHost = req.clientHost
  member.join = { requestId: ctx.requestId, apiVersion: req.apiVersion }
}

/**
 * KIP-345: a static member coming back with no member id takes over its instance's slot under a
 * new id, and the old id is fenced. In a Stable group the assignment is kept and no rebalance
 * happens unless the group's selected protocol would change; in a rebalance the new id joins it.
 */
function replaceStaticMember(
  core: Core,
  fx: Effects,
  group: Group,
  oldId: string,
  req: JoinGroupRequest,
  ctx: CallContext,
): JoinGroupResponse | null {
  const old = group.members.get(oldId)
  assert(old !== undefined, 'a static member id maps to a member')
  const newId = newMemberId(core, group, req.clientId)
  const previousLeader = group.leaderId
  if (old.join !== null) answerJoin(fx, old, joinError(oldId, 'FENCED_INSTANCE_ID'))
  if (old.sync !== null) answerSync(fx, old, group, 'FENCED_INSTANCE_ID', EMPTY)
  const member: Member = { ...old, memberId: newId, join: null, sync: null }
  group.members.delete(oldId)
  group.members.set(newId, member)
  group.staticMembers.set(member.groupInstanceId!, newId)
  if (group.pendingSync.delete(oldId)) group.pendingSync.add(newId)
  if (group.leaderId === oldId) group.leaderId = newId
  updateMember(fx, member, req, ctx)
  switch (group.state) {
    case 'Stable':
      // Only a change of the protocol the group would select forces a rebalance; new metadata
      // under the same protocol is stored and takes effect at the next rebalance (Kafka's rule).
      if (selectProtocol(group) === group.protocolName)
        return keepStaticMember(fx, group, member, req, { previousLeader, nowMs: ctx.nowMs })
      prepareRebalance(core, fx, group, ctx.nowMs)
      return null
    case 'CompletingRebalance':
      // The leader may be assigning to the old id right now: start over.
      prepareRebalance(core, fx, group, ctx.nowMs)
      return null
    case 'PreparingRebalance':
      tryCompleteJoin(core, fx, group, ctx.nowMs)
      return null
    case 'Empty':
    case 'Dead':
      throw new AssertionError(`a static member is held by a group in state ${group.state}`)
    default:
      return unreachable(group.state, 'group state')
  }
}

/** A static member replaced in a Stable group without a rebalance: persist, and answer at once. */
function keepStaticMember(
  fx: Effects,
  group: Group,
  member: Member,
  req: JoinGroupRequest,
  at: { readonly previousLeader: string | null; readonly nowMs: number },
): JoinGroupResponse {
  assert(member.join !== null, 'the replacing join was parked by updateMember')
  member.join = null
  member.sessionDeadlineMs = at.nowMs + member.sessionTimeoutMs
  persistGroup(fx, group)
  const isLeader = group.leaderId === member.memberId
  // v9+ tells a returning leader to skip the assignment. Before v9 the response names the previous
  // leader id, so the returning leader believes it follows, computes nothing, and its SyncGroup
  // returns the assignment it already has (KAFKA-13435).
  if (req.apiVersion >= 9)
    return {
      ...currentJoinResponse(group, member),
      skipAssignment: isLeader,
      members: isLeader ? memberList(group) : [],
    }
  return { ...currentJoinResponse(group, member), leader: at.previousLeader ?? '', members: [] }
}

// ── sync ─────────────────────────────────────────────────────────────────────────────────────

function syncError(group: Group | undefined, errorCode: GroupErrorCode): SyncGroupResponse {
  return {
    errorCode,
    protocolType: group?.protocolType ?? null,
    protocolName: group?.protocolName ?? null,
    assignment: EMPTY,
  }
}

export function syncGroup(
  core: Core,
  fx: Effects,
  req: SyncGroupRequest,
  ctx: CallContext,
): SyncGroupResponse | null {
  const group = core.groups.get(req.groupId)
  if (group === undefined || group.state === 'Dead') return syncError(undefined, 'UNKNOWN_MEMBER_ID')
  const invalid = validateMember(group, req.memberId, req.groupInstanceId)
  if (invalid !== 'NONE') return syncError(group, invalid)
  if (req.generationId !== group.generationId) return syncError(group, 'ILLEGAL_GENERATION')
  if (
    (req.protocolType !== null && req.protocolType !== group.protocolType) ||
    (req.protocolName !== null && req.protocolName !== group.protocolName)
  )
    return syncError(group, 'INCONSISTENT_GROUP_PROTOCOL')
  const member = group.members.get(req.memberId)
  assert(member !== undefined, 'a validated member exists')
  switch (group.state) {
    case 'Empty':
      return syncError(group, 'UNKNOWN_MEMBER_ID')
    case 'PreparingRebalance':
      return syncError(group, 'REBALANCE_IN_PROGRESS')
    case 'Stable':
      group.pendingSync.delete(member.memberId)
      member.sessionDeadlineMs = ctx.nowMs + member.sessionTimeoutMs
      return {
        errorCode: 'NONE',
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        assignment: member.assignment,
      }
    case 'CompletingRebalance':
      if (member.sync !== null) answerSync(fx, member, group, 'REBALANCE_IN_PROGRESS', EMPTY)
      member.sync = { requestId: ctx.requestId, apiVersion: 0 }
      group.pendingSync.delete(member.memberId)
      if (member.memberId === group.leaderId) completeSync(fx, group, req, ctx.nowMs)
      return null
    default:
      return unreachable(group.state, 'group state')
  }
}

/** The leader's assignment arrived: store it, persist the group, answer every waiting member. */
function completeSync(fx: Effects, group: Group, req: SyncGroupRequest, nowMs: number): void {
  const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]))
  for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY
  group.state = 'Stable'
  group.stateTimestampMs = nowMs
  persistGroup(fx, group)
  for (const m of group.members.values()) {
    if (m.sync !== null) answerSync(fx, m, group, 'NONE', m.assignment)
    m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs
  }
}

// ── heartbeat and leave ──────────────────────────────────────────────────────────────────────

export function heartbeat(core: Core, req: HeartbeatRequest, nowMs: number): HeartbeatResponse {
  const group = core.groups.get(req.groupId)
  if (group === undefined || group.state === 'Dead') return { errorCode: 'UNKNOWN_MEMBER_ID' }
  const invalid = validateMember(group, req.memberId, req.groupInstanceId)
  if (invalid !== 'NONE') return { errorCode: invalid }
  if (req.generationId !== group.generationId) return { errorCode: 'ILLEGAL_GENERATION' }
  const member = group.members.get(req.memberId)
  assert(member !== undefined, 'a validated member exists')
  member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs
  // CompletingRebalance answers NONE as Kafka's code does: the member already holds this
  // generation and only waits for its assignment; telling it to rejoin would loop.
  return { errorCode: group.state === 'PreparingRebalance' ? 'REBALANCE_IN_PROGRESS' : 'NONE' }
}

export function leaveGroup(
  core: Core,
  fx: Effects,
  req: LeaveGroupRequest,
  nowMs: number,
): LeaveGroupResponse {
  const group = core.groups.get(req.groupId)
  if (group === undefined || group.state === 'Dead') {
    const members = req.members.map((m) => ({ ...m, errorCode: 'UNKNOWN_MEMBER_ID' as const }))
    return { errorCode: 'UNKNOWN_MEMBER_ID', members }
  }
  const results: LeaveGroupMemberResponse[] = []
  let removed = 0
  for (const who of req.members) {
    let errorCode: GroupErrorCode = 'NONE'
    if (who.groupInstanceId !== null) {
      const current = group.staticMembers.get(who.groupInstanceId)
      if (current === undefined) errorCode = 'UNKNOWN_MEMBER_ID'
      else if (who.memberId !== '' && who.memberId !== current) errorCode = 'FENCED_INSTANCE_ID'
      else {
        removeMember(fx, group, current, 'UNKNOWN_MEMBER_ID')
        removed++
      }
    } else if (group.pendingMembers.delete(who.memberId)) {
      removed++
    } else if (group.members.has(who.memberId)) {
      removeMember(fx, group, who.memberId, 'UNKNOWN_MEMBER_ID')
      removed++
    } else {
      errorCode = 'UNKNOWN_MEMBER_ID'
    }
    results.push({ ...who, errorCode })
  }
  if (removed > 0) afterMembershipChange(core, fx, group, nowMs)
  return { errorCode: 'NONE', members: results }
}
