/**
 * What the commands need from a cluster, as plain data. The commands format and validate; an
 * implementation of this interface does the talking (src/cli/client-api.ts, on the Petrel
 * client). Keeping the seam narrow lets the commands be tested against a real node through any
 * implementation, and keeps Kafka's protocol details out of the formatting code.
 *
 * Offsets are numbers (checked safe integers in the client); -1 never appears: "none" is null.
 * Failures are thrown as errors whose message is a one-line reason (e.g. "unknown topic 'x'").
 */
export interface NewTopic {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
  readonly configs: Readonly<Record<string, string>>
}

export interface TopicListing {
  readonly name: string
  readonly partitions: number
  readonly internal: boolean
}

export interface PartitionState {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly earliestOffset: number
  readonly latestOffset: number
}

export interface TopicDescription {
  readonly name: string
  readonly partitions: readonly PartitionState[]
  readonly configs: Readonly<Record<string, string>>
}

export interface BrokerInfo {
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

export interface ClusterStatus {
  readonly clusterId: string | null
  readonly controllerId: number
  readonly brokers: readonly BrokerInfo[]
  readonly topics: number
  readonly partitions: number
}

export interface GroupListing {
  readonly groupId: string
  readonly state: string
  readonly protocolType: string
}

export interface GroupMember {
  readonly memberId: string
  readonly clientId: string
  readonly host: string
  readonly assignment: readonly { readonly topic: string; readonly partitions: readonly number[] }[]
}

export interface PartitionLag {
  readonly topic: string
  readonly partition: number
  /** The group's committed offset, or null when it has committed none for this partition. */
  readonly committedOffset: number | null
  readonly latestOffset: number
  /** latest - committed; null when nothing is committed. */
  readonly lag: number | null
}

export interface GroupDescription {
  readonly groupId: string
  readonly state: string
  readonly protocolType: string
  readonly protocol: string
  readonly members: readonly GroupMember[]
  readonly offsets: readonly PartitionLag[]
}

export type OffsetTarget =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offset'; readonly offset: number }

export interface Header {
  readonly key: string
  readonly value: Buffer
}

export interface OutgoingMessage {
  readonly key: Buffer | null
  readonly value: Buffer
  readonly headers: readonly Header[]
}

export interface IncomingMessage {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestampMs: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly Header[]
}

export interface ProducerHandle {
  /** Resolves once every message is acknowledged (acks as configured). */
  send(topic: string, messages: readonly OutgoingMessage[], partition?: number): Promise<void>
  close(): Promise<void>
}

export interface ConsumeOptions {
  readonly topic: string
  /** Join this group (offsets committed to it); without one, read every partition unassisted. */
  readonly group?: string
  /** Where to start when there is no committed offset (always, without a group). */
  readonly fromBeginning: boolean
  /** Stops the iteration; the implementation commits (in a group) and leaves cleanly. */
  readonly signal: AbortSignal
  /** Called once partitions are assigned (after the group join), before the first fetch. */
  readonly onReady?: () => void
}

export interface ClusterApi {
  createTopic(topic: NewTopic): Promise<void>
  listTopics(): Promise<TopicListing[]>
  describeTopic(name: string): Promise<TopicDescription>
  deleteTopic(name: string): Promise<void>
  alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string>>,
    remove: readonly string[],
  ): Promise<void>
  clusterStatus(): Promise<ClusterStatus>
  /** Group administration, or null where the implementation has none (the commands then are not offered). */
  readonly groups: GroupAdmin | null
  producer(options: { readonly acks: -1 | 0 | 1 }): Promise<ProducerHandle>
  consume(options: ConsumeOptions): AsyncIterable<IncomingMessage>
  close(): Promise<void>
}

export interface GroupAdmin {
  listGroups(): Promise<GroupListing[]>
  describeGroup(groupId: string): Promise<GroupDescription>
  /** Moves the group's committed offsets on every partition of `topic`; returns the new ones. */
  resetGroupOffsets(groupId: string, topic: string, target: OffsetTarget): Promise<PartitionLag[]>
}

export type Connect = (bootstrap: readonly string[]) => ClusterApi
