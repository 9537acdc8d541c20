import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { limits } from '../../../src/config/limits.js'
import { AssertionError } from '../../../src/lib/assert.js'
import { nodeId, term } from '../../../src/lib/branded.js'
import { createPrng } from '../../../src/lib/prng.js'
import { MemoryRaftStorage, type RaftConfig, RawNode } from '../../../src/raft/index.js'

const n1 = nodeId(1)

function config(over: Partial<RaftConfig> = {}): RaftConfig {
  return {
    id: n1,
    electionTicks: 10,
    heartbeatTicks: 2,
    prng: createPrng(3),
    storage: new MemoryRaftStorage({ voters: [n1], learners: [] }),
    preVote: true,
    checkQuorum: true,
    maxInflightMsgs: 8,
    maxInflightBytes: 0,
    maxMsgBytes: 100,
    ...over,
  }
}

/** Handle Readies the way a correct driver does until none is left. */
function drain(node: RawNode, storage: MemoryRaftStorage): void {
  for (let i = 0; i < 100 && node.hasReady(); i++) {
    const rd = node.ready()
    if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot)
    storage.append(rd.entries)
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
    node.advance(rd)
  }
}

test('the configuration is validated once, at construction', () => {
  assert.throws(() => new RawNode(config({ heartbeatTicks: 0 })), AssertionError)
  assert.throws(() => new RawNode(config({ electionTicks: 2, heartbeatTicks: 2 })), AssertionError)
  assert.throws(() => new RawNode(config({ maxInflightMsgs: 0 })), AssertionError)
  assert.throws(
    () => new RawNode(config({ maxInflightMsgs: limits.raftInflightMessagesMax + 1 })),
    AssertionError,
  )
  assert.throws(() => new RawNode(config({ maxInflightBytes: -1 })), AssertionError)
  assert.throws(() => new RawNode(config({ maxMsgBytes: 0 })), AssertionError)
  assert.throws(() => new RawNode(config({ maxMsgBytes: limits.raftMessageBytesMax + 1 })), AssertionError)
})

test('a single voter elects itself when its timer fires and commits alone', () => {
  const cfg = config()
  const node = new RawNode(cfg)
  for (let i = 0; i < 20 && node.status().role !== 'leader'; i++) node.tick()
  assert.equal(node.status().role, 'leader')
  const r = node.propose([new Uint8Array([1]), new Uint8Array([2])])
  assert.deepEqual(r, { ok: true, term: node.status().term, firstIndex: 2, lastIndex: 3 })
  drain(node, cfg.storage as MemoryRaftStorage)
  assert.equal(node.status().commit, 3)
  assert.equal(node.status().applied, 3)
  assert.equal(node.hasReady(), false, 'an idle single-voter group has nothing to do')
  for (let i = 0; i < 50; i++) node.tick()
  assert.equal(node.hasReady(), false, 'and sends nothing: it has no peers')
})

test('proposals are refused with a typed error', () => {
  const cfg = config()
  const node = new RawNode(cfg)
  assert.deepEqual(node.propose([new Uint8Array([1])]), { ok: false, error: 'notLeader', leader: null })
  node.campaign()
  drain(node, cfg.storage as MemoryRaftStorage)
  assert.equal(node.status().role, 'leader')
  const refused = (data: Uint8Array[]) => {
    const r = node.propose(data)
    return r.ok ? 'ok' : r.error
  }
  assert.equal(refused([]), 'empty')
  assert.equal(refused([new Uint8Array(0)]), 'empty')
  assert.equal(refused([new Uint8Array(101)]), 'entryTooLarge')
  assert.equal(
    refused(Array.from({ length: limits.raftEntriesPerMessageMax + 1 }, () => new Uint8Array(1))),
    'entryTooLarge',
  )
  assert.equal(refused([new Uint8Array(100)]), 'ok')
  const cc = node.proposeConfChange({ type: 'removeNode', nodeId: n1 })
  assert.equal(cc.ok ? 'ok' : cc.error, 'invalidConfChange')
})

test('a restarted node keeps its term, vote and commit, and re-applies from its snapshot', () => {
  const storage = new MemoryRaftStorage({ voters: [n1], learners: [] })
  const node = new RawNode(config({ storage }))
  node.campaign()
  drain(node, storage)
  node.propose([new Uint8Array([7])])
  drain(node, storage)
  const before = node.status()
  const again = new RawNode(config({ storage }))
  const after = again.status()
  assert.equal(after.term, before.term)
  assert.equal(after.vote, n1)
  assert.equal(after.commit, before.commit)
  assert.equal(after.applied, 0)
  assert.equal(after.role, 'follower')
  const rd = again.ready()
  assert.deepEqual(
    rd.committedEntries.map((e) => e.index),
    [1, 2],
  )
})

test('messages addressed to another node are ignored', () => {
  const node = new RawNode(config())
  node.step({
    type: 'heartbeat',
    from: nodeId(2),
    to: nodeId(9),
    term: term(5),
    commit: 0,
    context: new Uint8Array(0),
  })
  assert.equal(node.status().term, 0)
  assert.equal(node.hasReady(), false)
})

test('a read on a node with no known leader is dropped at once; an empty context is a programmer error', () => {
  const node = new RawNode(config())
  assert.equal(node.readIndex(new Uint8Array([1])), false)
  assert.throws(() => node.readIndex(new Uint8Array(0)), AssertionError)
})

describe('vote and term rules', () => {
  const peers = [n1, nodeId(2), nodeId(3)]
  function follower(over: Partial<RaftConfig> = {}): { node: RawNode; storage: MemoryRaftStorage } {
    const storage = new MemoryRaftStorage({ voters: peers, learners: [] })
    storage.append([{ kind: 'normal', index: 1, term: term(1), data: new Uint8Array([1]) }])
    storage.setHardState({ term: term(1), vote: null, commit: 1 })
    return { node: new RawNode(config({ storage, ...over })), storage }
  }
  const vote = (from: number, t: number, type: 'vote' | 'preVote' = 'vote') =>
    ({
      type,
      from: nodeId(from),
      to: n1,
      term: term(t),
      index: 1,
      logTerm: term(1),
      transfer: false,
    }) as const
  const replies = (node: RawNode, storage: MemoryRaftStorage) => {
    const out: string[] = []
    for (let i = 0; i < 10 && node.hasReady(); i++) {
      const rd = node.ready()
      storage.append(rd.entries)
      if (rd.hardState !== undefined) storage.setHardState(rd.hardState)
      for (const m of rd.messages) {
        const extra = m.type === 'appResp' ? ` ${m.index}` : 'reject' in m && m.reject ? ' reject' : ''
        out.push(`${m.type}->${m.to}@${m.term}${extra}`)
      }
      node.advance(rd)
    }
    return out
  }

  test('a repeated vote request from the same candidate is granted again; another is refused', () => {
    const { node, storage } = follower({ preVote: false, checkQuorum: false })
    node.step(vote(2, 2))
    node.step(vote(2, 2))
    node.step(vote(3, 2))
    assert.deepEqual(replies(node, storage), ['voteResp->2@2', 'voteResp->2@2', 'voteResp->3@2 reject'])
  })

  test('a pre-vote is granted only for a later term; a stale one is refused with our term', () => {
    const { node, storage } = follower({ preVote: true, checkQuorum: false })
    node.step(vote(2, 2))
    node.step(vote(3, 2, 'preVote'))
    node.step(vote(3, 3, 'preVote'))
    node.step(vote(3, 1, 'preVote'))
    assert.deepEqual(replies(node, storage), [
      'voteResp->2@2',
      'preVoteResp->3@2 reject',
      'preVoteResp->3@3',
      'preVoteResp->3@2 reject',
    ])
    assert.equal(node.status().term, 2, 'pre-votes never change the term')
  })

  test('a stale leader is told the newer term only when pre-vote or check-quorum is on', () => {
    const heartbeat = {
      type: 'heartbeat',
      from: nodeId(2),
      to: n1,
      term: term(1),
      commit: 1,
      context: new Uint8Array(0),
    } as const
    for (const [preVote, checkQuorum, expected] of [
      [false, false, []],
      [true, false, ['appResp->2@5 0']],
      [false, true, ['appResp->2@5 0']],
    ] as const) {
      const { node, storage } = follower({ preVote, checkQuorum })
      node.step(vote(3, 5))
      replies(node, storage)
      node.step(heartbeat)
      assert.deepEqual(replies(node, storage), expected, `preVote=${preVote} checkQuorum=${checkQuorum}`)
    }
  })

  test('an append below the commit index is answered with the commit index; an old snapshot is ignored', () => {
    const { node, storage } = follower()
    node.step({
      type: 'app',
      from: nodeId(2),
      to: n1,
      term: term(1),
      index: 0,
      logTerm: term(0),
      entries: [],
      commit: 0,
    })
    const snap = {
      type: 'snap',
      from: nodeId(2),
      to: n1,
      term: term(1),
      snapshot: {
        metadata: { index: 1, term: term(1), confState: { voters: peers, learners: [] } },
        data: new Uint8Array(0),
      },
    } as const
    node.step(snap)
    assert.deepEqual(replies(node, storage), ['appResp->2@1 1', 'appResp->2@1 1'])
    assert.equal(node.status().lastIndex, 1)
  })

  test('the election timeout is randomized within [electionTicks, 2 * electionTicks)', () => {
    const seen = new Set<number>()
    for (let seed = 0; seed < 200; seed++) {
      const node = new RawNode(config({ prng: createPrng(seed), preVote: false }))
      let ticks = 0
      while (node.status().role === 'follower' && ticks < 100) {
        node.tick()
        ticks++
      }
      assert.ok(ticks >= 10 && ticks < 20, `seed ${seed}: campaigned after ${ticks} ticks`)
      seen.add(ticks)
    }
    assert.ok(seen.size >= 5, 'the timeouts actually vary')
  })
})

test('no campaign while a committed conf change is not yet applied', () => {
  const peers = [n1, nodeId(2), nodeId(3)]
  const storage = new MemoryRaftStorage({ voters: peers, learners: [] })
  storage.append([
    { kind: 'normal', index: 1, term: term(1), data: new Uint8Array([1]) },
    { kind: 'confChange', index: 2, term: term(1), change: { type: 'addLearner', nodeId: nodeId(4) } },
  ])
  storage.setHardState({ term: term(1), vote: null, commit: 2 })
  const node = new RawNode(config({ storage, preVote: false }))
  node.campaign()
  assert.equal(node.status().role, 'follower')
  drain(node, storage)
  assert.deepEqual(node.status().confState.learners, [4])
  node.campaign()
  assert.equal(node.status().role, 'candidate')
})

test('a node that knows its leader refuses a same-term vote even without having voted', () => {
  const peers = [n1, nodeId(2), nodeId(3)]
  const storage = new MemoryRaftStorage({ voters: peers, learners: [] })
  const node = new RawNode(config({ storage, preVote: false, checkQuorum: false }))
  node.step({
    type: 'heartbeat',
    from: nodeId(2),
    to: n1,
    term: term(1),
    commit: 0,
    context: new Uint8Array(0),
  })
  node.step({
    type: 'vote',
    from: nodeId(3),
    to: n1,
    term: term(1),
    index: 0,
    logTerm: term(0),
    transfer: false,
  })
  const rd = node.ready()
  const resp = rd.messages.find((m) => m.type === 'voteResp')
  assert.ok(resp !== undefined && resp.type === 'voteResp' && resp.reject)
})
