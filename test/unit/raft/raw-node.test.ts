import assert from 'node:assert/strict'
import { test } from 'node:test'
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
