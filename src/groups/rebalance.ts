/**
 * Rebalances and timers of a classic group: entering PreparingRebalance, the initial delay in steps,
 * ending the join phase (next generation, leader, protocol, answers), and the session, join and
 * pending-sync deadlines, following Kafka's GroupMetadataManager.
 */
import { assert } from '../lib/assert.js'
import { type Core, type Effects, answerJoin, answerSync, persistGroup, removeMember } from './core.js'
import { type Group, type Member, metadataFor, rebalanceTimeoutMs, selectProtocol } from './group.js'
import type { JoinGroupMember, JoinGroupResponse } from './types.js'

const EMPTY = new Uint8Array(0)

export function memberList(group: Group): JoinGroupMember[] {
  return [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    metadata: metadataFor(m, group.protocolName),
  }))
}

export function currentJoinResponse(group: Group, member: Member): JoinGroupResponse {
  const isLeader = member.memberId === group.leaderId
  return {
    errorCode: 'NONE',
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: isLeader ? memberList(group) : [],
  }
}

// ── rebalance ────────────────────────────────────────────────────────────────────────────────

/** Enters PreparingRebalance (from Empty, Stable or CompletingRebalance) and tries to finish. */
export function prepareRebalance(core: Core, fx: Effects, group: Group, nowMs: number): void {
  assert(group.state !== 'PreparingRebalance' && group.state !== 'Dead', `rebalance from ${group.state}`)
  if (group.state === 'CompletingRebalance') {
    // The leader's assignment will never come for this generation: release the waiting members.
    for (const m of group.members.values()) {
      if (m.sync !== null) answerSync(fx, m, group, 'REBALANCE_IN_PROGRESS', EMPTY)
      m.assignment = EMPTY
    }
  }
  group.pendingSync.clear()
  const timeoutMs = rebalanceTimeoutMs(group)
  const initial = group.state === 'Empty'
  group.state = 'PreparingRebalance'
  group.stateTimestampMs = nowMs
  if (!initial) {
    group.initialDelay = null
    group.joinDeadlineMs = nowMs + timeoutMs
    tryCompleteJoin(core, fx, group, nowMs)
    return
  }
  const stepMs = core.config.initialRebalanceDelayMs
  group.initialDelay = { stepMs, remainingMs: Math.max(timeoutMs - stepMs, 0) }
  group.newMemberAdded = false
  group.joinDeadlineMs = nowMs + stepMs
  // A zero delay is a timer that fires at once: the join phase ends with whoever is here.
  if (stepMs === 0) endInitialDelayStep(core, fx, group, nowMs)
}

/**
 * The end of one initial delay step: if someone joined during it and time is left, wait another
 * step; otherwise finish the join phase with the members present (pending ids do not hold it).
 * The arithmetic is Kafka's tryCompleteInitialRebalanceElseSchedule, to the millisecond.
 */
function endInitialDelayStep(core: Core, fx: Effects, group: Group, nowMs: number): void {
  const step = group.initialDelay
  assert(step !== null, 'an initial delay step is running')
  if (group.newMemberAdded && step.remainingMs !== 0) {
    const stepMs = Math.min(core.config.initialRebalanceDelayMs, step.remainingMs)
    group.initialDelay = { stepMs, remainingMs: Math.max(step.remainingMs - step.stepMs, 0) }
    group.newMemberAdded = false
    group.joinDeadlineMs = nowMs + stepMs
    return
  }
  completeJoin(core, fx, group, nowMs)
}

function allMembersJoined(group: Group): boolean {
  if (group.pendingMembers.size > 0) return false
  for (const m of group.members.values()) if (m.join === null) return false
  return true
}

/** Ends the join phase early once every member (and every pending id) is back; never mid-delay. */
export function tryCompleteJoin(core: Core, fx: Effects, group: Group, nowMs: number): void {
  if (group.state !== 'PreparingRebalance' || group.initialDelay !== null) return
  if (allMembersJoined(group)) completeJoin(core, fx, group, nowMs)
}

/**
 * Ends the join phase: dynamic members that did not rejoin are dropped (static ones keep their
 * slot until their session ends), a leader is chosen among those who joined, the generation moves
 * on, and every parked join is answered.
 */
function completeJoin(core: Core, fx: Effects, group: Group, nowMs: number): void {
  group.initialDelay = null
  for (const m of [...group.members.values()])
    if (m.join === null && m.groupInstanceId === null)
      removeMember(fx, group, m.memberId, 'UNKNOWN_MEMBER_ID')
  const joined = [...group.members.values()].filter((m) => m.join !== null)
  if (group.members.size > 0 && joined.length === 0) {
    // Only silent static members are left: wait for them, or for their sessions to end.
    group.joinDeadlineMs = nowMs + rebalanceTimeoutMs(group)
    return
  }
  group.generationId += 1
  group.stateTimestampMs = nowMs
  if (group.members.size === 0) {
    group.state = 'Empty'
    group.protocolName = null
    group.leaderId = null
    persistGroup(fx, group)
    return
  }
  const leader = group.members.get(group.leaderId ?? '')
  if (leader === undefined || leader.join === null) group.leaderId = joined[0]!.memberId
  group.protocolName = selectProtocol(group)
  group.state = 'CompletingRebalance'
  const all = memberList(group)
  for (const m of group.members.values()) {
    if (m.join !== null) {
      const isLeader = m.memberId === group.leaderId
      answerJoin(fx, m, {
        errorCode: 'NONE',
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        memberId: m.memberId,
        members: isLeader ? all : [],
      })
    }
    m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs
    group.pendingSync.add(m.memberId)
  }
  group.syncDeadlineMs = nowMs + rebalanceTimeoutMs(group)
  assert(core.groups.get(group.groupId) === group, 'completing a group the coordinator holds')
}

/** After members left or expired: a settled group rebalances, a rebalancing one may finish. */
export function afterMembershipChange(core: Core, fx: Effects, group: Group, nowMs: number): void {
  if (group.state === 'Stable' || group.state === 'CompletingRebalance')
    prepareRebalance(core, fx, group, nowMs)
  else tryCompleteJoin(core, fx, group, nowMs)
}

// ── timers ───────────────────────────────────────────────────────────────────────────────────

/** Runs every timer of one group that is due at `nowMs`. */
export function tickGroup(core: Core, fx: Effects, group: Group, nowMs: number): void {
  let changed = false
  for (const [id, deadline] of [...group.pendingMembers]) {
    if (deadline <= nowMs) {
      group.pendingMembers.delete(id)
      changed = true
    }
  }
  for (const m of [...group.members.values()]) {
    // A member waiting on a parked request is alive by definition: the coordinator holds it.
    if (m.join === null && m.sync === null && m.sessionDeadlineMs <= nowMs) {
      removeMember(fx, group, m.memberId, 'UNKNOWN_MEMBER_ID')
      changed = true
    }
  }
  if (changed) afterMembershipChange(core, fx, group, nowMs)
  if (group.state === 'PreparingRebalance' && nowMs >= group.joinDeadlineMs) {
    if (group.initialDelay !== null) endInitialDelayStep(core, fx, group, nowMs)
    else completeJoin(core, fx, group, nowMs)
  }
  if (syncTimerRuns(group) && nowMs >= group.syncDeadlineMs) {
    // Members that got this generation but never sent SyncGroup in time are dropped (whether or
    // not the leader's assignment came), and the group starts over without them.
    for (const id of [...group.pendingSync]) removeMember(fx, group, id, 'UNKNOWN_MEMBER_ID')
    prepareRebalance(core, fx, group, nowMs)
  }
}

function syncTimerRuns(group: Group): boolean {
  return (group.state === 'CompletingRebalance' || group.state === 'Stable') && group.pendingSync.size > 0
}

/** The earliest time at which tickGroup would change this group, or null for never. */
export function nextDeadline(group: Group): number | null {
  let next = Number.POSITIVE_INFINITY
  for (const d of group.pendingMembers.values()) next = Math.min(next, d)
  for (const m of group.members.values())
    if (m.join === null && m.sync === null) next = Math.min(next, m.sessionDeadlineMs)
  if (group.state === 'PreparingRebalance') next = Math.min(next, group.joinDeadlineMs)
  if (syncTimerRuns(group)) next = Math.min(next, group.syncDeadlineMs)
  return next === Number.POSITIVE_INFINITY ? null : next
}
