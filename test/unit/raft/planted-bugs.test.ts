/**
 * Each planted-bug flag really plants its bug: the same inputs give the correct behaviour with
 * the flag off and the known buggy behaviour with it on. (That the simulator catches each is
 * shown in test/sim/.)
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type NodeId, nodeId, term } from '../../../src/lib/branded.js'
import { createPrng } from '../../../src/lib/prng.js'
import {
  type Entry,
  MemoryRaftStorage,
  type Message,
  type PlantedBugs,
  RawNode,
  type Ready,
} from '../../../src/raft/index.js'

const n1 = nodeId(1)
const n2 = nodeId(2)
const n3 = nodeId(3)
const voters = [n1, n2, n3]

function entry(index: number, t: number, data = 'x'): Entry {
  return { kind: 'normal', index, term: term(t), data: new TextEncoder().encode(data) }
}

function makeNode(opts: {
  id: NodeId
  entries?: Entry[]
  termNow?: number
  commit?: number
  bugs?: PlantedBugs
  preVote?: boolean
  storage?: MemoryRaftStorage
}): { node: RawNode; storage: MemoryRaftStorage } {
  const storage = opts.storage ?? new MemoryRaftStorage({ voters, learners: [] })
  if (opts.storage === undefined) {
    storage.append(opts.entries ?? [])
    storage.setHardState({ term: term(opts.termNow ?? 0), vote: null, commit: opts.commit ?? 0 })
  }
  const node = new RawNode({
    id: opts.id,
    electionTicks: 10,
    heartbeatTicks: 1,
    prng: createPrng(7),
    storage,
    preVote: opts.preVote ?? false,
    checkQuorum: false,
    maxInflightMsgs: 16,
    maxInflightBytes: 0,
    maxMsgBytes: 1024,
    testOnlyBugs: opts.bugs ?? {},
  })
  return { node, storage }
}

/** Persist a Ready the way a correct driver does and return it. */
function persist(node: RawNode, storage: MemoryRaftStorage): Ready {
  const rd = node.ready()
  if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot)
  storage.append(rd.entries)
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
  node.advance(rd)
  return rd
}

function voteRequest(from: NodeId, to: NodeId, t: number, index: number, logTerm: number): Message {
  return { type: 'vote', from, to, term: term(t), index, logTerm: term(logTerm), transfer: false }
}

function granted(rd: Ready, to: NodeId): boolean | undefined {
  const m = rd.messages.find((x) => x.type === 'voteResp' && x.to === to)
  return m === undefined || m.type !== 'voteResp' ? undefined : !m.reject
}

describe('planted bugs', () => {
  for (const on of [false, true]) {
    test(`commitByCountingOldTerm=${on}: an older-term entry held by a quorum ${on ? 'is' : 'is not'} committed`, () => {
      // Node 1 holds 2/1 uncommitted, wins term 3 and appends its no-op at 3/3.
      const { node, storage } = makeNode({
        id: n1,
        entries: [entry(1, 1), entry(2, 1)],
        termNow: 2,
        commit: 1,
        bugs: { commitByCountingOldTerm: on },
      })
      node.campaign()
      persist(node, storage)
      node.step({ type: 'voteResp', from: n2, to: n1, term: term(3), reject: false })
      assert.equal(node.status().role, 'leader')
      persist(node, storage)
      // Node 2 acknowledges index 2 (of term 1) but not yet the no-op.
      node.step({ type: 'appResp', from: n2, to: n1, term: term(3), index: 2, reject: false, rejectHint: 0 })
      assert.equal(node.status().commit, on ? 2 : 1)
    })

    test(`replyVoteBeforePersist=${on}: a restarted voter ${on ? 'votes twice' : 'keeps its vote'} in one term`, () => {
      const { node, storage } = makeNode({
        id: n1,
        entries: [entry(1, 1)],
        termNow: 1,
        commit: 1,
        bugs: { replyVoteBeforePersist: on },
      })
      node.step(voteRequest(n2, n1, 2, 1, 1))
      const rd = persist(node, storage)
      assert.equal(granted(rd, n2), true, 'the vote reply is sent either way')
      assert.equal(rd.hardState?.vote, on ? null : n2)
      // Crash and restart from what was persisted; node 3 asks for a vote in the same term.
      const restarted = makeNode({ id: n1, storage, bugs: { replyVoteBeforePersist: on } })
      restarted.node.step(voteRequest(n3, n1, 2, 1, 1))
      assert.equal(granted(persist(restarted.node, storage), n3), on)
    })

    test(`grantVoteToShorterLog=${on}: a candidate with a shorter log ${on ? 'gets' : 'does not get'} the vote`, () => {
      const { node, storage } = makeNode({
        id: n1,
        entries: [entry(1, 1), entry(2, 1)],
        termNow: 1,
        commit: 2,
        bugs: { grantVoteToShorterLog: on },
      })
      node.step(voteRequest(n2, n1, 2, 1, 1))
      assert.equal(granted(persist(node, storage), n2), on)
    })

    test(`truncateOnHeartbeatWithoutConflict=${on}: a matching empty append ${on ? 'cuts' : 'keeps'} the follower's tail`, () => {
      const { node, storage } = makeNode({
        id: n2,
        entries: [entry(1, 1), entry(2, 1), entry(3, 1)],
        termNow: 1,
        commit: 1,
        bugs: { truncateOnHeartbeatWithoutConflict: on },
      })
      node.step({
        type: 'app',
        from: n1,
        to: n2,
        term: term(1),
        index: 1,
        logTerm: term(1),
        entries: [],
        commit: 1,
      })
      persist(node, storage)
      assert.equal(node.status().lastIndex, on ? 1 : 3)
      assert.equal(storage.lastIndex(), on ? 1 : 3)
    })

    test(`noPreVote=${on}: a node configured for pre-vote ${on ? 'raises its term' : 'pre-votes first'}`, () => {
      const { node, storage } = makeNode({
        id: n1,
        entries: [entry(1, 1)],
        termNow: 1,
        commit: 1,
        preVote: true,
        bugs: { noPreVote: on },
      })
      node.campaign()
      const rd = persist(node, storage)
      assert.equal(node.status().term, on ? 2 : 1)
      assert.deepEqual(
        rd.messages.map((m) => m.type),
        on ? ['vote', 'vote'] : ['preVote', 'preVote'],
      )
    })
  }
})
