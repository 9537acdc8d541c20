import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AssertionError } from '../../../src/lib/assert.js'
import { nodeId } from '../../../src/lib/branded.js'
import { Membership } from '../../../src/raft/membership.js'
import { Inflights, Progress } from '../../../src/raft/progress.js'
import { ReadOnly } from '../../../src/raft/read-only.js'

function progress(next = 5): Progress {
  return new Progress({ next, isLearner: false, inflightMsgsMax: 2, inflightBytesMax: 100 })
}

test('inflights are bounded by count and by bytes, and freed by acknowledgement', () => {
  const f = new Inflights(3, 100)
  f.add(1, 10)
  f.add(2, 10)
  assert.equal(f.full(), false)
  f.add(3, 10)
  assert.equal(f.full(), true, 'count limit')
  assert.throws(() => f.add(4, 1), AssertionError)
  f.freeLE(2)
  assert.equal(f.count(), 1)
  assert.equal(f.bytes(), 10)
  f.freeLE(0)
  assert.equal(f.count(), 1)
  f.add(4, 95)
  assert.equal(f.full(), true, 'byte limit')
  f.freeFirstOne()
  assert.equal(f.count(), 1)
  assert.equal(f.bytes(), 95)
  f.reset()
  assert.equal(f.count(), 0)
  assert.equal(f.bytes(), 0)
  assert.throws(() => {
    f.add(5, 1)
    f.add(5, 1)
  }, AssertionError)
  const unlimitedBytes = new Inflights(2, 0)
  unlimitedBytes.add(1, 1_000_000)
  assert.equal(unlimitedBytes.full(), false)
})

test('probe sends one append at a time until acknowledged', () => {
  const p = progress()
  assert.equal(p.state, 'probe')
  assert.equal(p.isPaused(), false)
  p.sentEntries(3, 7, 3)
  assert.equal(p.isPaused(), true)
  assert.equal(p.next, 5, 'probe does not advance next optimistically')
  assert.equal(p.maybeUpdate(7), true)
  assert.equal(p.match, 7)
  assert.equal(p.next, 8)
  assert.equal(p.isPaused(), false)
  assert.equal(p.maybeUpdate(6), false, 'an older ack does not move match')
  assert.equal(p.match, 7)
})

test('replicate pipelines up to the in-flight limit', () => {
  const p = progress()
  p.maybeUpdate(4)
  p.becomeReplicate()
  assert.equal(p.next, 5)
  p.sentEntries(2, 6, 10)
  assert.equal(p.next, 7)
  assert.equal(p.isPaused(), false)
  p.sentEntries(0, 6, 0)
  assert.equal(p.inflights.count(), 1, 'an empty append takes no slot')
  p.sentEntries(1, 7, 10)
  assert.equal(p.isPaused(), true)
  p.maybeUpdate(6)
  p.inflights.freeLE(6)
  assert.equal(p.isPaused(), false)
})

test('rejections: stale ones are ignored, others move next back', () => {
  const p = progress(10)
  assert.equal(p.maybeDecrTo(5, 3), false, 'probe: not the append we sent')
  assert.equal(p.maybeDecrTo(9, 3), true)
  assert.equal(p.next, 4, 'next jumps to just past the follower’s last index')
  p.maybeUpdate(2)
  assert.equal(p.maybeDecrTo(3, 0), true)
  assert.equal(p.next, 3, 'never below match + 1')
  p.becomeReplicate()
  p.sentEntries(3, 5, 3)
  assert.equal(p.maybeDecrTo(2, 2), false, 'replicate: at or below match is stale')
  assert.equal(p.maybeDecrTo(4, 2), true)
  assert.equal(p.next, 3)
})

test('snapshot state pauses sending and resumes past the snapshot when it falls back to probe', () => {
  const p = progress()
  p.maybeUpdate(2)
  p.becomeSnapshot(20)
  assert.equal(p.isPaused(), true)
  assert.throws(() => p.sentEntries(1, 3, 1), AssertionError)
  p.becomeProbe()
  assert.equal(p.next, 21)
  assert.equal(p.state, 'probe')
  const s = p.status()
  assert.equal(s.match, 2)
  assert.equal(s.state, 'probe')
})

test('membership: quorums and which one-step changes are valid', () => {
  const m = new Membership({ voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [nodeId(4)] })
  assert.equal(m.quorum(), 2)
  assert.equal(m.hasQuorum(new Set([nodeId(1), nodeId(4)])), false, 'learners do not count')
  assert.equal(m.hasQuorum(new Set([nodeId(1), nodeId(3)])), true)
  assert.equal(m.isValidChange({ type: 'addVoter', nodeId: nodeId(4) }), true)
  assert.equal(m.isValidChange({ type: 'addVoter', nodeId: nodeId(1) }), false)
  assert.equal(m.isValidChange({ type: 'addLearner', nodeId: nodeId(4) }), false)
  assert.equal(m.isValidChange({ type: 'addLearner', nodeId: nodeId(1) }), false)
  assert.equal(m.isValidChange({ type: 'addLearner', nodeId: nodeId(5) }), true)
  assert.equal(m.isValidChange({ type: 'removeNode', nodeId: nodeId(5) }), false)
  assert.equal(m.isValidChange({ type: 'removeNode', nodeId: nodeId(4) }), true)
  m.apply({ type: 'addVoter', nodeId: nodeId(4) })
  assert.deepEqual(m.confState(), { voters: [1, 2, 3, 4], learners: [] })
  assert.equal(m.quorum(), 3)
  m.apply({ type: 'removeNode', nodeId: nodeId(1) })
  m.apply({ type: 'removeNode', nodeId: nodeId(2) })
  m.apply({ type: 'removeNode', nodeId: nodeId(3) })
  assert.deepEqual(m.voters(), [4])
  assert.equal(m.isValidChange({ type: 'removeNode', nodeId: nodeId(4) }), false, 'never the last voter')
  assert.throws(() => m.restore({ voters: [nodeId(1)], learners: [nodeId(1)] }), AssertionError)
})

test('read-only: an acknowledged read releases every older one, only on a quorum', () => {
  const r = new ReadOnly()
  const quorum = (acks: ReadonlySet<unknown>) => acks.size >= 2
  const ctx = (s: string) => new TextEncoder().encode(s)
  r.add({ from: nodeId(1), index: 5, context: ctx('a') }, nodeId(1))
  r.add({ from: nodeId(2), index: 6, context: ctx('b') }, nodeId(1))
  assert.deepEqual(r.ack(nodeId(2), ctx('zz'), quorum), [])
  assert.deepEqual(r.ack(nodeId(2), ctx('ab'), quorum), [])
  const released = r.ack(nodeId(3), ctx('b'), quorum)
  assert.deepEqual(
    released.map((x) => x.index),
    [5, 6],
  )
  assert.equal(r.size(), 0)
})
