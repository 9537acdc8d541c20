/**
 * Committed offsets and the administrative APIs: OffsetCommit, OffsetFetch, OffsetDelete,
 * DescribeGroups, ListGroups and DeleteGroups, following Kafka's OffsetMetadataManager and the
 * classic group's validateOffsetCommit.
 */
import { limits } from '../config/limits.js'
import { assert } from '../lib/assert.js'
import { type Core, type Effects, persistOffset } from './core.js'
import { type Group, isSubscribedToTopic, metadataFor, newGroup, offsetKey, splitOffsetKey } from './group.js'
import { validateMember } from './membership.js'
import { encodeGroupMetadataKey } from './records.js'
import type {
  DeleteGroupResult,
  DescribedGroup,
  GroupErrorCode,
  GroupState,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchPartition,
  OffsetFetchRequest,
  OffsetFetchResponse,
  TopicPartitionErrors,
} from './types.js'

const utf8 = new TextEncoder()

function allPartitions(req: OffsetCommitRequest, errorCode: GroupErrorCode): OffsetCommitResponse {
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  }
}

/** Kafka's ClassicGroup.validateOffsetCommit, in its order; 'NONE' means the commit may proceed. */
function validateCommit(group: Group, req: OffsetCommitRequest): GroupErrorCode {
  if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE'
  // A "simple" commit: a consumer that assigns itself partitions and uses the group only to
  // store offsets. Allowed while no member is in the group.
  if (req.generationId < 0 && group.state === 'Empty') return 'NONE'
  if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const member = validateMember(group, req.memberId, req.groupInstanceId)
    if (member !== 'NONE') return member
    if (req.generationId !== group.generationId) return 'ILLEGAL_GENERATION'
  } else if (group.state !== 'Empty') {
    return 'UNKNOWN_MEMBER_ID'
  }
  // The member holds this generation but has no assignment yet: let it sync first.
  if (group.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS'
  return 'NONE'
}

export function offsetCommit(
  core: Core,
  fx: Effects,
  req: OffsetCommitRequest,
  nowMs: number,
): OffsetCommitResponse {
  if (req.groupId === '') return allPartitions(req, 'INVALID_GROUP_ID')
  let group = core.groups.get(req.groupId)
  if (group === undefined) {
    if (req.generationId >= 0)
      return allPartitions(req, req.apiVersion >= 9 ? 'GROUP_ID_NOT_FOUND' : 'ILLEGAL_GENERATION')
    if (core.groups.size >= limits.groupsMax) return allPartitions(req, 'COORDINATOR_NOT_AVAILABLE')
    group = newGroup(req.groupId)
    core.groups.set(req.groupId, group)
  }
  const invalid = validateCommit(group, req)
  if (invalid !== 'NONE') return allPartitions(req, invalid)
  const member = group.members.get(req.memberId)
  if (member !== undefined) member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs
  const topics: TopicPartitionErrors[] = []
  for (const t of req.topics) {
    const partitions = []
    for (const p of t.partitions) {
      const metadata = p.committedMetadata ?? ''
      if (utf8.encode(metadata).length > core.config.offsetMetadataBytesMax) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: 'OFFSET_METADATA_TOO_LARGE' as const })
        continue
      }
      assert(Number.isSafeInteger(p.committedOffset), 'the broker hands committed offsets as safe integers')
      group.offsets.set(offsetKey(t.name, p.partitionIndex), {
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata,
        commitTimestampMs: nowMs,
      })
      persistOffset(fx, group, t.name, p.partitionIndex)
      partitions.push({ partitionIndex: p.partitionIndex, errorCode: 'NONE' as const })
    }
    topics.push({ name: t.name, partitions })
  }
  return { topics }
}

export function offsetFetch(core: Core, req: OffsetFetchRequest): OffsetFetchResponse {
  const group = core.groups.get(req.groupId)
  const one = (topic: string, partitionIndex: number): OffsetFetchPartition => {
    const o = group?.offsets.get(offsetKey(topic, partitionIndex))
    return o === undefined
      ? { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 'NONE' }
      : {
          partitionIndex,
          committedOffset: o.offset,
          committedLeaderEpoch: o.leaderEpoch,
          metadata: o.metadata,
          errorCode: 'NONE',
        }
  }
  if (req.topics !== null) {
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => one(t.name, p)),
    }))
    return { errorCode: 'NONE', topics }
  }
  const byTopic = new Map<string, OffsetFetchPartition[]>()
  for (const key of group?.offsets.keys() ?? []) {
    const { topic, partition } = splitOffsetKey(key)
    const list = byTopic.get(topic) ?? []
    list.push(one(topic, partition))
    byTopic.set(topic, list)
  }
  return { errorCode: 'NONE', topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) }
}

export function offsetDelete(core: Core, fx: Effects, req: OffsetDeleteRequest): OffsetDeleteResponse {
  const none = { errorCode: 'NONE' as const, topics: [] }
  if (req.groupId === '') return { ...none, errorCode: 'INVALID_GROUP_ID' }
  const group = core.groups.get(req.groupId)
  if (group === undefined || group.state === 'Dead') return { ...none, errorCode: 'GROUP_ID_NOT_FOUND' }
  if (group.state !== 'Empty' && group.protocolType !== 'consumer')
    return { ...none, errorCode: 'NON_EMPTY_GROUP' }
  const topics: TopicPartitionErrors[] = req.topics.map((t) => {
    const subscribed = isSubscribedToTopic(group, t.name)
    const partitions = t.partitionIndexes.map((partitionIndex) => {
      if (subscribed) return { partitionIndex, errorCode: 'GROUP_SUBSCRIBED_TO_TOPIC' as const }
      if (group.offsets.delete(offsetKey(t.name, partitionIndex)))
        persistOffset(fx, group, t.name, partitionIndex)
      return { partitionIndex, errorCode: 'NONE' as const }
    })
    return { name: t.name, partitions }
  })
  return { errorCode: 'NONE', topics }
}

export function describeGroups(
  core: Core,
  groupIds: readonly string[],
  apiVersion: number,
): DescribedGroup[] {
  return groupIds.map((groupId) => {
    const group = core.groups.get(groupId)
    if (group === undefined) {
      // Newer Kafka (DescribeGroups v6, beyond our specs' 0-5) says GROUP_ID_NOT_FOUND; before, an
      // unknown group is simply Dead.
      const errorCode = groupId === '' ? 'INVALID_GROUP_ID' : apiVersion >= 6 ? 'GROUP_ID_NOT_FOUND' : 'NONE'
      return { errorCode, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] }
    }
    const stable = group.state === 'Stable'
    return {
      errorCode: 'NONE',
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? metadataFor(m, group.protocolName) : new Uint8Array(0),
        memberAssignment: stable ? m.assignment : new Uint8Array(0),
      })),
    }
  })
}

/** v4+ may filter by state; an empty or absent filter lists every group. */
export function listGroups(core: Core, statesFilter: readonly GroupState[] | null): ListedGroup[] {
  const out: ListedGroup[] = []
  for (const g of core.groups.values()) {
    if (statesFilter !== null && statesFilter.length > 0 && !statesFilter.includes(g.state)) continue
    out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state })
  }
  return out
}

/** Deletes Empty groups: a tombstone for each committed offset, then one for the group. */
export function deleteGroups(core: Core, fx: Effects, groupIds: readonly string[]): DeleteGroupResult[] {
  return groupIds.map((groupId): DeleteGroupResult => {
    if (groupId === '') return { groupId, errorCode: 'INVALID_GROUP_ID' }
    const group = core.groups.get(groupId)
    if (group === undefined || group.state === 'Dead') return { groupId, errorCode: 'GROUP_ID_NOT_FOUND' }
    if (group.state !== 'Empty') return { groupId, errorCode: 'NON_EMPTY_GROUP' }
    for (const key of [...group.offsets.keys()]) {
      const { topic, partition } = splitOffsetKey(key)
      group.offsets.delete(key)
      persistOffset(fx, group, topic, partition)
    }
    fx.records.push({ key: encodeGroupMetadataKey(groupId), value: null })
    group.state = 'Dead'
    core.groups.delete(groupId)
    return { groupId, errorCode: 'NONE' }
  })
}
