/**
 * The API versions this client can speak, per API: the request fields it sets exist from `min` on,
 * and it reads the responses of every version up to `max`. The version used on a connection is
 * the highest both this table and the broker's ApiVersions answer allow.
 */
import { ApiKey } from '../protocol/kafka/generated/index.js'

export interface VersionRange {
  readonly min: number
  readonly max: number
}

export const clientVersions: ReadonlyMap<number, VersionRange> = new Map<number, VersionRange>([
  [ApiKey.Produce, { min: 3, max: 9 }],
  [ApiKey.Fetch, { min: 4, max: 12 }],
  [ApiKey.ListOffsets, { min: 1, max: 7 }],
  [ApiKey.Metadata, { min: 1, max: 9 }],
  [ApiKey.OffsetCommit, { min: 2, max: 8 }],
  [ApiKey.OffsetFetch, { min: 1, max: 7 }],
  [ApiKey.FindCoordinator, { min: 1, max: 3 }],
  [ApiKey.JoinGroup, { min: 1, max: 7 }],
  [ApiKey.Heartbeat, { min: 0, max: 4 }],
  [ApiKey.LeaveGroup, { min: 0, max: 5 }],
  [ApiKey.SyncGroup, { min: 0, max: 4 }],
  [ApiKey.DescribeGroups, { min: 0, max: 5 }],
  [ApiKey.ListGroups, { min: 0, max: 4 }],
  [ApiKey.DeleteGroups, { min: 0, max: 2 }],
  [ApiKey.CreateTopics, { min: 2, max: 7 }],
  [ApiKey.DeleteTopics, { min: 1, max: 5 }],
  [ApiKey.DeleteRecords, { min: 0, max: 2 }],
  [ApiKey.InitProducerId, { min: 0, max: 4 }],
  [ApiKey.DescribeConfigs, { min: 1, max: 4 }],
  [ApiKey.AlterConfigs, { min: 0, max: 2 }],
  [ApiKey.CreatePartitions, { min: 0, max: 3 }],
  [ApiKey.DescribeCluster, { min: 0, max: 1 }],
])

/** The version to use, or null when the ranges do not meet. */
export function pickVersion(ours: VersionRange, theirs: VersionRange): number | null {
  const v = Math.min(ours.max, theirs.max)
  return v >= Math.max(ours.min, theirs.min) ? v : null
}
