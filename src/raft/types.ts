/**
 * The public vocabulary of the Raft core: log entries, persistent state, messages and the Ready
 * batch. Plain data only, so a driver can encode them however its transport and disk want.
 */
import type { NodeId, Term } from '../lib/branded.js'
import type { Prng } from '../lib/prng.js'

/** A log index. Index 0 is "before the first entry"; real entries start at 1. */
export type Index = number

/**
 * One-at-a-time membership changes (Raft thesis §4.1): each change adds or removes one node.
 * A learner receives the log but never votes and never counts toward a quorum; promoting a
 * learner is `addVoter` for a node that is already a learner.
 */
export interface ConfChange {
  type: 'addVoter' | 'addLearner' | 'removeNode'
  nodeId: NodeId
}

/** A membership. A node is in at most one of the two lists. */
export interface ConfState {
  voters: readonly NodeId[]
  learners: readonly NodeId[]
}

/**
 * A normal entry carries application data; a normal entry with empty data is the no-op a new
 * leader appends in its own term. A confChange entry changes the membership when it is applied.
 */
export type Entry =
  | { kind: 'normal'; index: Index; term: Term; data: Uint8Array }
  | { kind: 'confChange'; index: Index; term: Term; change: ConfChange }

/** What must survive a crash besides the log: written before any message of the same Ready is sent. */
export interface HardState {
  term: Term
  /** The candidate voted for in `term`, or null. */
  vote: NodeId | null
  commit: Index
}

export interface SnapshotMetadata {
  /** The last index the snapshot covers, and that entry's term. */
  index: Index
  term: Term
  /** The membership as of `index`. */
  confState: ConfState
}

export interface Snapshot {
  metadata: SnapshotMetadata
  /** The application's state machine image; opaque to Raft. */
  data: Uint8Array
}

/**
 * Read-only view of what the caller has persisted. Entries [firstIndex, lastIndex] are
 * available; term(firstIndex - 1) must still answer (it is the snapshot's term). All synchronous.
 */
export interface RaftLogStorage {
  initialState(): { hardState: HardState; confState: ConfState }
  /** Entries [lo, hi), at least one if lo < hi, then more while their total stays within maxBytes. */
  entries(lo: Index, hi: Index, maxBytes: number): Entry[]
  /** The term of the entry at index, or undefined if compacted away or beyond the log. */
  term(index: Index): Term | undefined
  firstIndex(): Index
  lastIndex(): Index
  snapshot(): Snapshot
}

/**
 * Known bugs that a test can switch on to prove the simulator and checkers catch them.
 * Production code never sets this; it exists only as a test seam.
 */
export interface PlantedBugs {
  /** Commit an entry of an older term once a majority holds it (Raft paper Figure 8). */
  commitByCountingOldTerm?: boolean
  /** Send the vote reply, but leave the vote out of the HardState handed out for persisting. */
  replyVoteBeforePersist?: boolean
  /** Grant votes without the up-to-date check (a candidate with a shorter log can win). */
  grantVoteToShorterLog?: boolean
  /** On an append that matches, drop the follower's entries after it even without a conflict. */
  truncateOnHeartbeatWithoutConflict?: boolean
  /** Campaign with a real vote (term bump) even when cfg.preVote is true. */
  noPreVote?: boolean
}

export interface RaftConfig {
  id: NodeId
  /** Ticks without a leader before campaigning; randomized in [electionTicks, 2*electionTicks). */
  electionTicks: number
  /** Ticks between leader heartbeats; must be less than electionTicks. */
  heartbeatTicks: number
  /** The only source of randomness. */
  prng: Prng
  storage: RaftLogStorage
  preVote: boolean
  checkQuorum: boolean
  /** Append messages in flight to one follower in replicate state. */
  maxInflightMsgs: number
  /** Entry bytes in flight to one follower (0 means no byte limit beyond maxInflightMsgs). */
  maxInflightBytes: number
  /** Entry bytes in one append message (at least one entry is always sent). */
  maxMsgBytes: number
  testOnlyBugs?: PlantedBugs
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader'

interface MessageBase {
  from: NodeId
  to: NodeId
  term: Term
}

/**
 * Every message the core sends or receives. `heartbeat`/`heartbeatResp` carry no entries, only
 * (term, commit, context), so a driver may coalesce those of many groups between one node pair.
 */
export type Message =
  | (MessageBase & {
      type: 'app'
      /** Index and term of the entry just before `entries`. */
      index: Index
      logTerm: Term
      entries: Entry[]
      commit: Index
    })
  | (MessageBase & {
      type: 'appResp'
      /** On success: the last index now known to match. On reject: the rejected prev index. */
      index: Index
      reject: boolean
      /** On reject: the follower's last index, as a hint for where to probe next. */
      rejectHint: Index
    })
  | (MessageBase & { type: 'heartbeat'; commit: Index; context: Uint8Array })
  | (MessageBase & { type: 'heartbeatResp'; context: Uint8Array })
  | (MessageBase & {
      type: 'vote' | 'preVote'
      /** The candidate's last log index and term. */
      index: Index
      logTerm: Term
      /** Set when campaigning on TimeoutNow: voters must not refuse because of a leader lease. */
      transfer: boolean
    })
  | (MessageBase & { type: 'voteResp' | 'preVoteResp'; reject: boolean })
  | (MessageBase & { type: 'snap'; snapshot: Snapshot })
  | (MessageBase & { type: 'timeoutNow' })
  /** A follower forwarding a ReadIndex request to its leader. */
  | (MessageBase & { type: 'readIndex'; context: Uint8Array })
  /** The leader's answer: reads at `index` are linearizable once the follower has applied it. */
  | (MessageBase & { type: 'readIndexResp'; index: Index; context: Uint8Array })

export type MessageType = Message['type']

export interface SoftState {
  leader: NodeId | null
  role: Role
}

/** A linearizable read may be served once `index` is applied; `context` names the request. */
export interface ReadState {
  index: Index
  context: Uint8Array
}

/**
 * One batch of work for the caller. In order: persist `entries` (discarding any persisted
 * entries at or after the first one's index), `hardState` and `snapshot`, syncing if `mustSync`;
 * then send `messages`; then apply `snapshot` and `committedEntries`; then call `advance(rd)`.
 */
export interface Ready {
  softState?: SoftState
  hardState?: HardState
  entries: Entry[]
  snapshot?: Snapshot
  messages: Message[]
  committedEntries: Entry[]
  readStates: ReadState[]
  mustSync: boolean
}

export type ProgressState = 'probe' | 'replicate' | 'snapshot'

export interface ProgressStatus {
  match: Index
  next: Index
  state: ProgressState
  isLearner: boolean
  recentActive: boolean
  inflightMsgs: number
  inflightBytes: number
}

export interface Status {
  id: NodeId
  term: Term
  vote: NodeId | null
  role: Role
  leader: NodeId | null
  commit: Index
  applied: Index
  lastIndex: Index
  confState: ConfState
  /** Only on the leader: one entry per voter and learner, itself included. */
  progress?: ReadonlyMap<NodeId, ProgressStatus>
  /** Only on the leader, while a leadership transfer is under way. */
  leadTransferee: NodeId | null
}

export type ProposeError =
  | 'notLeader'
  | 'transferring'
  | 'confChangePending'
  | 'invalidConfChange'
  | 'entryTooLarge'
  | 'empty'

export type ProposeResult =
  | { ok: true; term: Term; firstIndex: Index; lastIndex: Index }
  | { ok: false; error: ProposeError; leader: NodeId | null }
