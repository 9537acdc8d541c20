import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AssertionError } from '../../../src/lib/assert.js'
import { nodeId, term } from '../../../src/lib/branded.js'
import { type Entry, MemoryRaftStorage } from '../../../src/raft/index.js'

const conf = { voters: [nodeId(1), nodeId(2)], learners: [nodeId(3)] }

function e(index: number, t: number, size = 1): Entry {
  return { kind: 'normal', index, term: term(t), data: new Uint8Array(size) }
}

function terms(s: MemoryRaftStorage): number[] {
  return s.entries(s.firstIndex(), s.lastIndex() + 1, Number.POSITIVE_INFINITY).map((x) => x.term)
}

test('a new storage is empty, with the bootstrap membership at index 0', () => {
  const s = new MemoryRaftStorage(conf)
  assert.equal(s.firstIndex(), 1)
  assert.equal(s.lastIndex(), 0)
  assert.equal(s.term(0), 0)
  assert.equal(s.term(1), undefined)
  assert.deepEqual(s.initialState().confState, conf)
  assert.deepEqual(s.initialState().hardState, { term: 0, vote: null, commit: 0 })
  assert.deepEqual(s.entries(1, 1, 10), [])
})

test('append replaces everything from the first new index on', () => {
  const s = new MemoryRaftStorage(conf)
  s.append([e(1, 1), e(2, 1), e(3, 1)])
  s.append([e(2, 2)])
  assert.deepEqual(terms(s), [1, 2])
  assert.equal(s.lastIndex(), 2)
  s.append([e(3, 2), e(4, 3)])
  assert.deepEqual(terms(s), [1, 2, 2, 3])
  assert.throws(() => s.append([e(6, 3)]), AssertionError, 'a gap is refused')
})

test('entries honour maxBytes but always return at least one entry', () => {
  const s = new MemoryRaftStorage(conf)
  s.append([e(1, 1, 10), e(2, 1, 10), e(3, 1, 10)])
  assert.equal(s.entries(1, 4, 5).length, 1)
  assert.equal(s.entries(1, 4, 20).length, 2)
  assert.equal(s.entries(1, 4, 30).length, 3)
  assert.equal(s.entries(2, 3, 100).length, 1)
  assert.throws(() => s.entries(0, 2, 100), AssertionError)
  assert.throws(() => s.entries(1, 5, 100), AssertionError)
})

test('snapshot and compaction keep the term of the entry before the first', () => {
  const s = new MemoryRaftStorage(conf)
  s.append([e(1, 1), e(2, 1), e(3, 2), e(4, 2)])
  const snap = s.createSnapshot(3, conf, new Uint8Array([9]))
  assert.deepEqual(snap.metadata, { index: 3, term: 2, confState: conf })
  s.compact(3)
  assert.equal(s.firstIndex(), 4)
  assert.equal(s.lastIndex(), 4)
  assert.equal(s.term(3), 2)
  assert.equal(s.term(2), undefined)
  assert.deepEqual(terms(s), [2])
  assert.throws(() => s.compact(4), AssertionError, 'no compaction past the snapshot')
  s.compact(2) // already compacted: nothing to do
  assert.equal(s.firstIndex(), 4)
  // Appending entries all covered by the snapshot is a no-op; straddling ones keep the tail.
  s.append([e(2, 1)])
  assert.equal(s.lastIndex(), 4)
  s.append([e(3, 2), e(4, 2), e(5, 3)])
  assert.deepEqual(terms(s), [2, 3])
})

test('applySnapshot replaces the log', () => {
  const s = new MemoryRaftStorage(conf)
  s.append([e(1, 1), e(2, 1)])
  s.applySnapshot({ metadata: { index: 10, term: term(4), confState: conf }, data: new Uint8Array(0) })
  assert.equal(s.firstIndex(), 11)
  assert.equal(s.lastIndex(), 10)
  assert.equal(s.term(10), 4)
  assert.equal(s.term(2), undefined)
  s.append([e(11, 4)])
  assert.deepEqual(terms(s), [4])
  assert.deepEqual(s.initialState().confState, conf)
})

test('setHardState is what initialState returns', () => {
  const s = new MemoryRaftStorage(conf)
  s.setHardState({ term: term(3), vote: nodeId(2), commit: 0 })
  assert.deepEqual(s.initialState().hardState, { term: 3, vote: 2, commit: 0 })
})
