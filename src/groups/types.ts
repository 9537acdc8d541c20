/**
 * The coordinator's own request and response shapes, named after Kafka's fields (JoinGroup,
 * SyncGroup, …). The broker adapts the generated wire messages to these and back; versions matter
 * here only where Kafka's behaviour depends on them (JoinGroup v4+ requires a known member id,
 * OffsetCommit v9+ says GROUP_ID_NOT_FOUND). Kafka int64 fields arrive as safe integers.
 */

/** Error codes by their Kafka names; the broker maps them to numbers in its one error map. */
export type GroupErrorCode =
  | 'NONE'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'ILLEGAL_GENERATION'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_GROUP_ID'
  | 'UNKNOWN_MEMBER_ID'
  | 'INVALID_SESSION_TIMEOUT'
  | 'REBALANCE_IN_PROGRESS'
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_ID_NOT_FOUND'
  | 'MEMBER_ID_REQUIRED'
  | 'FENCED_INSTANCE_ID'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

/** What the caller passes with every call: logical time, and an id to match deferred answers. */
export interface CallContext {
  readonly nowMs: number
  /** Opaque to the coordinator; a parked request's deferred response carries it back. */
  readonly requestId: number
}

export interface JoinGroupProtocol {
  readonly name: string
  readonly metadata: Uint8Array
}

export interface JoinGroupRequest {
  readonly apiVersion: number
  readonly groupId: string
  readonly sessionTimeoutMs: number
  /** v0 has none: the broker passes the session timeout, as Kafka does. */
  readonly rebalanceTimeoutMs: number
  /** '' for a member joining for the first time. */
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly protocolType: string
  readonly protocols: readonly JoinGroupProtocol[]
  readonly clientId: string
  readonly clientHost: string
}

export interface JoinGroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly metadata: Uint8Array
}

export interface JoinGroupResponse {
  readonly errorCode: GroupErrorCode
  readonly generationId: number
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly leader: string
  /** v9+: a static leader rejoining a Stable group must not compute a new assignment. */
  readonly skipAssignment: boolean
  readonly memberId: string
  /** Every member with its metadata for the selected protocol for the leader; empty for others. */
  readonly members: readonly JoinGroupMember[]
}

export interface SyncGroupAssignment {
  readonly memberId: string
  readonly assignment: Uint8Array
}

export interface SyncGroupRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  /** v5+ only; null when the request version has none. */
  readonly protocolType: string | null
  readonly protocolName: string | null
  /** Only the leader's carries assignments. */
  readonly assignments: readonly SyncGroupAssignment[]
}

export interface SyncGroupResponse {
  readonly errorCode: GroupErrorCode
  readonly protocolType: string | null
  readonly protocolName: string | null
  readonly assignment: Uint8Array
}

export interface HeartbeatRequest {
  readonly groupId: string
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
}

export interface HeartbeatResponse {
  readonly errorCode: GroupErrorCode
}

export interface LeaveGroupMemberIdentity {
  /** '' when a static member leaves by instance id alone. */
  readonly memberId: string
  readonly groupInstanceId: string | null
}

/** v0-2 carry one member id; the broker wraps it as a single identity. */
export interface LeaveGroupRequest {
  readonly groupId: string
  readonly members: readonly LeaveGroupMemberIdentity[]
}

export interface LeaveGroupMemberResponse extends LeaveGroupMemberIdentity {
  readonly errorCode: GroupErrorCode
}

export interface LeaveGroupResponse {
  /** For v0-2 the broker answers with the single member's error. */
  readonly errorCode: GroupErrorCode
  readonly members: readonly LeaveGroupMemberResponse[]
}

export interface OffsetCommitPartition {
  readonly partitionIndex: number
  readonly committedOffset: number
  /** -1 when the request version has none. */
  readonly committedLeaderEpoch: number
  readonly committedMetadata: string | null
}

export interface OffsetCommitTopic {
  readonly name: string
  readonly partitions: readonly OffsetCommitPartition[]
}

export interface OffsetCommitRequest {
  readonly apiVersion: number
  readonly groupId: string
  /** -1 with memberId '' is a "simple" commit from a consumer that manages its own partitions. */
  readonly generationId: number
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly topics: readonly OffsetCommitTopic[]
}

export interface PartitionError {
  readonly partitionIndex: number
  readonly errorCode: GroupErrorCode
}

export interface TopicPartitionErrors {
  readonly name: string
  readonly partitions: readonly PartitionError[]
}

export interface OffsetCommitResponse {
  readonly topics: readonly TopicPartitionErrors[]
}

export interface OffsetFetchTopic {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

export interface OffsetFetchRequest {
  readonly groupId: string
  /** null asks for every committed offset of the group. */
  readonly topics: readonly OffsetFetchTopic[] | null
}

export interface OffsetFetchPartition {
  readonly partitionIndex: number
  /** -1 when nothing is committed. */
  readonly committedOffset: number
  readonly committedLeaderEpoch: number
  readonly metadata: string
  readonly errorCode: GroupErrorCode
}

export interface OffsetFetchResponse {
  readonly errorCode: GroupErrorCode
  readonly topics: readonly { readonly name: string; readonly partitions: readonly OffsetFetchPartition[] }[]
}

export interface DescribedMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** The metadata for the selected protocol; empty unless the group is Stable. */
  readonly memberMetadata: Uint8Array
  /** Empty unless the group is Stable. */
  readonly memberAssignment: Uint8Array
}

export interface DescribedGroup {
  readonly errorCode: GroupErrorCode
  readonly groupId: string
  readonly groupState: GroupState
  readonly protocolType: string
  /** The selected protocol's name; '' when none. */
  readonly protocolData: string
  readonly members: readonly DescribedMember[]
}

export interface ListedGroup {
  readonly groupId: string
  readonly protocolType: string
  readonly groupState: GroupState
}

export interface DeleteGroupResult {
  readonly groupId: string
  readonly errorCode: GroupErrorCode
}

export interface OffsetDeleteTopic {
  readonly name: string
  readonly partitionIndexes: readonly number[]
}

export interface OffsetDeleteRequest {
  readonly groupId: string
  readonly topics: readonly OffsetDeleteTopic[]
}

export interface OffsetDeleteResponse {
  readonly errorCode: GroupErrorCode
  readonly topics: readonly TopicPartitionErrors[]
}

/** A key/value record for the `__consumer_offsets` log; a null value is a tombstone. */
export interface GroupRecord {
  readonly key: Uint8Array
  readonly value: Uint8Array | null
}

/** A response to a request the coordinator parked earlier, matched by its requestId. */
export type DeferredResponse =
  | { readonly api: 'JoinGroup'; readonly requestId: number; readonly response: JoinGroupResponse }
  | { readonly api: 'SyncGroup'; readonly requestId: number; readonly response: SyncGroupResponse }

/**
 * What one call produces. The driver appends `records` to the log before it sends `response` or
 * any of `deferred`, exactly as a Raft driver persists before it sends.
 */
export interface Step<R> {
  /** null: the request is parked; its answer comes later in some step's `deferred`. */
  readonly response: R
  readonly deferred: readonly DeferredResponse[]
  readonly records: readonly GroupRecord[]
}

export interface TickOutput {
  readonly deferred: readonly DeferredResponse[]
  readonly records: readonly GroupRecord[]
}
