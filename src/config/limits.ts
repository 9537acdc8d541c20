/**
 * Every maximum in Petrel, named, in one place, with the relations between them asserted at load.
 * Names carry their unit last (`…BytesMax`, `…Ms`). Hitting a limit is a typed, reported error.
 * Change a number here and the assertions at the bottom tell you what else must move with it.
 */
import { assert } from '../lib/assert.js'

const KiB = 1024
const MiB = 1024 * KiB

export const limits = {
  // ── wire ────────────────────────────────────────────────────────────────────────────────────
  /** Largest Kafka request frame a node accepts (Kafka's socket.request.max.bytes). */
  frameBytesMax: 100 * MiB,
  /** Largest response frame a node builds; fetch sizes are clamped to stay below it. */
  responseBytesMax: 100 * MiB,
  /** Requests read from one connection but not yet answered; reading pauses at this number. */
  inflightRequestsPerConnectionMax: 100,
  /** Response bytes queued on a socket before the node stops reading from that connection. */
  connectionWriteBufferBytesMax: 64 * MiB,
  /** Client connections one node holds open at once. */
  connectionsMax: 10_000,
  /** Array elements the decoder allocates for one array field. */
  codecArrayLengthMax: 1_000_000,
  /** Bytes of one string field (int16-length strings cannot exceed 32767 anyway). */
  codecStringBytesMax: 1 * MiB,
  /** Tagged fields in one tagged-field section. */
  codecTaggedFieldsMax: 1_000,

  // ── records ─────────────────────────────────────────────────────────────────────────────────
  /** Largest record batch accepted on produce (Kafka's message.max.bytes default is 1048588). */
  recordBatchBytesMax: 1 * MiB + 12,
  /** Upper bound a topic's max.message.bytes may be raised to. */
  recordBatchBytesConfigurableMax: 64 * MiB,
  /** Largest size a compressed batch may expand to when decompressed. */
  decompressedBatchBytesMax: 256 * MiB,
  /** Records in one batch. */
  recordsPerBatchMax: 1_000_000,
  /** Headers on one record. */
  headersPerRecordMax: 10_000,

  // ── topics and partitions ───────────────────────────────────────────────────────────────────
  topicNameLengthMax: 249,
  topicsMax: 100_000,
  partitionsPerTopicMax: 10_000,
  partitionsPerNodeMax: 100_000,
  /** ACL bindings the node keeps (CreateAcls past it gets a per-creation error). */
  aclBindingsMax: 100_000,
  /** Dynamic broker configs kept per scope (one node, or the cluster-wide defaults). */
  brokerDynamicConfigsMax: 1_000,

  // ── storage ─────────────────────────────────────────────────────────────────────────────────
  /** Segment size at which a partition log rolls (upper bound of segment.bytes). */
  segmentBytesMax: 1024 * MiB,
  segmentBytesMin: 64 * KiB,
  /** Open segment file handles per node; older ones are closed and reopened on demand. */
  openSegmentFilesMax: 4_096,
  /** Appends waiting to share one write and one fdatasync. */
  pendingAppendsPerLogMax: 10_000,
  /** Bytes of appends waiting on one log; past it appends are refused (the caller backs off). */
  pendingAppendBytesPerLogMax: 128 * MiB,
  /** Bytes read at a time when scanning a segment (recovery, index rebuild, lookups). */
  segmentScanChunkBytes: 256 * KiB,
  /** Sealed segments' indexes one partition log keeps loaded; older ones are dropped and reread. */
  segmentIndexesLoadedPerLogMax: 16,
  /** Distinct keys one compaction pass maps (key → latest offset); past it the pass cleans a prefix. */
  compactionOffsetMapKeysMax: 1_000_000,
  /** Key bytes (plus 64 per entry) the compaction offset map holds. */
  compactionOffsetMapBytesMax: 128 * MiB,
  /** Extra storage reads one fetch makes to get past batches compaction emptied (node/storage-log.ts). */
  compactedEmptyReadsPerFetchMax: 64,

  // ── fetch ───────────────────────────────────────────────────────────────────────────────────
  fetchMaxWaitMsMax: 30_000,
  /** Long-polling fetches parked on one node. */
  parkedFetchesMax: 10_000,

  // ── producers and groups ────────────────────────────────────────────────────────────────────
  /** Batches remembered per producer and partition for duplicate detection (Kafka's value). */
  producerBatchesRetained: 5,
  producerIdsPerPartitionMax: 100_000,
  groupMembersMax: 1_000,
  /** Metadata string stored with one committed offset (Kafka's offset.metadata.max.bytes). */
  groupOffsetMetadataBytesMax: 4 * KiB,
  groupsMax: 100_000,

  // ── client ──────────────────────────────────────────────────────────────────────────────────
  /** Batches one producer keeps in flight per partition (upper bound of its maxInFlight). */
  clientInflightBatchesPerPartitionMax: 5,
  /** Record bytes one producer may queue before send waits (upper bound of bufferBytesMax). */
  clientBufferBytesMax: 1024 * MiB,
  /** Fetched, unyielded messages one consumer holds (upper bound of maxBufferedMessages). */
  clientBufferedMessagesMax: 10_000_000,

  // ── raft ────────────────────────────────────────────────────────────────────────────────────
  raftInflightMessagesMax: 256,
  raftInflightBytesMax: 128 * MiB,
  raftEntriesPerMessageMax: 1_024,
  /** One append message; must carry the largest configurable batch plus the message envelope. */
  raftMessageBytesMax: 65 * MiB,
  /** Committed entry bytes handed out in one Raft Ready (at least one entry); the rest follow. */
  raftCommittedBytesPerReadyMax: 64 * MiB,
  /** ReadIndex requests a Raft leader holds while it confirms its leadership. */
  raftPendingReadsMax: 10_000,

  // ── command line ────────────────────────────────────────────────────────────────────────────
  /** Longest stdin line `petrel produce` turns into one message; longer is refused, not buffered. */
  cliLineBytesMax: 1 * MiB,
  /** Messages `petrel produce` hands the producer in one send call. */
  cliSendMessagesMax: 1_000,
  /** `petrel produce --count` and `petrel consume --count` upper bound. */
  cliMessageCountMax: 1_000_000_000,
} as const

export type Limits = typeof limits

assert(
  limits.recordBatchBytesMax <= limits.recordBatchBytesConfigurableMax,
  'default batch max within configurable max',
)
assert(
  limits.recordBatchBytesConfigurableMax < limits.frameBytesMax,
  'a batch of the largest size fits in a frame',
)
assert(limits.codecStringBytesMax <= limits.frameBytesMax, 'a string fits in a frame')
assert(
  limits.decompressedBatchBytesMax >= limits.recordBatchBytesConfigurableMax,
  'decompression bound covers batches',
)
assert(
  limits.segmentBytesMax >= limits.recordBatchBytesConfigurableMax,
  'the largest batch fits in one segment',
)
assert(limits.segmentBytesMin < limits.segmentBytesMax, 'segment size range is non-empty')
assert(
  limits.pendingAppendBytesPerLogMax >= limits.recordBatchBytesConfigurableMax,
  'one batch of the largest size can wait to be appended',
)
assert(
  limits.segmentBytesMax + limits.recordBatchBytesConfigurableMax < 2 ** 32,
  'a position inside a segment fits the u32 of an index entry',
)
assert(
  limits.clientInflightBatchesPerPartitionMax <= limits.producerBatchesRetained,
  'a broker remembers every batch an idempotent producer may have in flight, so a retry is recognised',
)
assert(limits.responseBytesMax <= 0x7fffffff, 'a response size fits the int32 frame length')
assert(limits.frameBytesMax <= 0x7fffffff, 'a request size fits the int32 frame length')
assert(
  limits.raftMessageBytesMax >= limits.recordBatchBytesConfigurableMax,
  'a raft message can carry any batch',
)
assert(
  limits.raftInflightBytesMax >= limits.raftMessageBytesMax,
  'at least one raft message may be in flight',
)
