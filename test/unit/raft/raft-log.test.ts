import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AssertionError } from '../../../src/lib/assert.js'
import { nodeId, term } from '../../../src/lib/branded.js'
import { type Entry, MemoryRaftStorage } from '../../../src/raft/index.js'
import { RaftLog } from '../../../src/raft/raft-log.js'

const conf = { voters: [nodeId(1)], learners: [] }

function e(index: number, t: number, size = 1): Entry {
  return { kind: 'normal', index, term: term(t), data: new Uint8Array(size) }
}

function logWith(persisted: Entry[], commit = 0): { log: RaftLog; storage: MemoryRaftStorage } {
  const storage = new MemoryRaftStorage(conf)
  storage.append(persisted)
  const log = new RaftLog(storage, 1024)
  log.commitTo(commit)
  return { log, storage }
}

test('terms come from storage, then from unstable entries', () => {
  const { log } = logWith([e(1, 1), e(2, 1)])
  log.append([e(3, 2)])
  assert.equal(log.term(0), 0)
  assert.equal(log.term(2), 1)
  assert.equal(log.term(3), 2)
  assert.equal(log.term(4), undefined)
  assert.equal(log.lastIndex(), 3)
  assert.equal(log.lastTerm(), 2)
  assert.deepEqual(
    log.unstableEntries().map((x) => x.index),
    [3],
  )
})

test('up-to-date compares last term first, then last index', () => {
  const { log } = logWith([e(1, 1), e(2, 2)])
  assert.equal(log.isUpToDate(2, term(2)), true)
  assert.equal(log.isUpToDate(1, term(2)), false)
  assert.equal(log.isUpToDate(3, term(2)), true)
  assert.equal(log.isUpToDate(1, term(3)), true)
  assert.equal(log.isUpToDate(9, term(1)), false)
})

test('maybeAppend: refuses a mismatch, truncates only from the first conflict, never a matching tail', () => {
  const { log } = logWith([e(1, 1), e(2, 1), e(3, 1)], 1)
  assert.equal(log.maybeAppend(3, term(2), 3, [], false), undefined, 'prev term mismatch')
  assert.equal(log.maybeAppend(1, term(1), 3, [e(2, 1)], false), 2)
  assert.equal(log.lastIndex(), 3, 'a shorter matching append keeps the tail')
  assert.equal(log.committed, 2, 'commit limited to what the append proved')
  assert.equal(log.maybeAppend(2, term(1), 2, [e(3, 2), e(4, 2)], false), 4)
  assert.equal(log.term(3), 2)
  assert.equal(log.lastIndex(), 4)
  assert.deepEqual(
    log.unstableEntries().map((x) => `${x.index}/${x.term}`),
    ['3/2', '4/2'],
  )
  assert.throws(() => log.maybeAppend(0, term(0), 0, [e(1, 5)], false), AssertionError, 'never below commit')
})

test('the planted truncation bug cuts a matching tail, but not below commit', () => {
  const { log } = logWith([e(1, 1), e(2, 1), e(3, 1), e(4, 1)], 2)
  assert.equal(log.maybeAppend(1, term(1), 1, [], true), 1)
  assert.equal(log.lastIndex(), 2)
  assert.deepEqual(
    log.unstableEntries().map((x) => x.index),
    [2],
    'the kept last entry is rewritten so the caller discards what follows',
  )
})

test('commit never goes back or past the last index; applied stays within commit', () => {
  const { log } = logWith([e(1, 1), e(2, 1)])
  log.commitTo(2)
  log.commitTo(1)
  assert.equal(log.committed, 2)
  assert.throws(() => log.commitTo(3), AssertionError)
  log.appliedTo(1)
  assert.throws(() => log.appliedTo(0), AssertionError)
  assert.throws(() => log.appliedTo(3), AssertionError)
  assert.deepEqual(
    log.nextCommitted().map((x) => x.index),
    [2],
  )
  assert.equal(log.hasNextCommitted(), true)
  log.appliedTo(2)
  assert.equal(log.hasNextCommitted(), false)
  assert.deepEqual(log.nextCommitted(), [])
})

test('slice spans storage and unstable entries, within maxBytes and at least one entry', () => {
  const { log, storage } = logWith([e(1, 1, 10), e(2, 1, 10)])
  log.append([e(3, 1, 10), e(4, 1, 10)])
  assert.equal(log.slice(1, 5, 1000)?.length, 4)
  assert.equal(log.slice(1, 5, 25)?.length, 2)
  assert.equal(log.slice(2, 5, 25)?.length, 2)
  assert.equal(log.slice(3, 5, 5)?.length, 1)
  assert.equal(log.slice(5, 5, 5)?.length, 0)
  storage.createSnapshot(2, conf, new Uint8Array(0))
  storage.compact(2)
  assert.equal(log.slice(1, 5, 1000), undefined, 'compacted')
  assert.equal(log.slice(3, 5, 1000)?.length, 2)
})

test('stableTo moves entries out of unstable once persisted with the same term', () => {
  const { log, storage } = logWith([e(1, 1)])
  log.append([e(2, 1), e(3, 1)])
  storage.append(log.unstableEntries())
  log.stableTo(3, term(9))
  assert.equal(log.unstableEntries().length, 2, 'a term mismatch means a newer write is pending')
  log.stableTo(2, term(1))
  assert.deepEqual(
    log.unstableEntries().map((x) => x.index),
    [3],
  )
  log.stableTo(3, term(1))
  assert.deepEqual(log.unstableEntries(), [])
  assert.equal(log.lastIndex(), 3)
})

test('a restored snapshot is pending until persisted, and covers the log', () => {
  const { log, storage } = logWith([e(1, 1)])
  const snap = { metadata: { index: 5, term: term(2), confState: conf }, data: new Uint8Array(0) }
  log.restore(snap)
  assert.equal(log.committed, 5)
  assert.equal(log.firstIndex(), 6)
  assert.equal(log.lastIndex(), 5)
  assert.equal(log.term(5), 2)
  assert.equal(log.term(1), undefined)
  assert.equal(log.unstableSnapshot(), snap)
  storage.applySnapshot(snap)
  log.stableSnapTo(4)
  assert.equal(log.unstableSnapshot(), snap)
  log.stableSnapTo(5)
  assert.equal(log.unstableSnapshot(), undefined)
  assert.equal(log.firstIndex(), 6)
  assert.equal(log.term(5), 2)
})
