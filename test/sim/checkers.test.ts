/**
 * The checkers on hand-written histories: each invariant accepts a correct history and rejects
 * one that breaks it, naming the invariant.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ClientOp, checkHistory } from '../../src/testing/sim/check-history.js'
import { type EntryView, RaftChecker } from '../../src/testing/sim/check-raft.js'
import { SimViolation } from '../../src/testing/sim/violation.js'

const e = (index: number, term: number, key = `v${index}.${term}`): EntryView => ({ index, term, key })

function rejects(invariant: string, f: () => void): void {
  assert.throws(f, (err: unknown) => err instanceof SimViolation && err.invariant === invariant)
}

test('election safety: a second leader in one term is rejected', () => {
  const c = new RaftChecker()
  c.observeRole(1, 2, true, false)
  c.observeRole(1, 2, true, true)
  c.observeRole(2, 3, true, false)
  rejects('election-safety', () => c.observeRole(3, 2, true, false))
})

test('log matching: same index and term with other content, or another history, is rejected', () => {
  const c = new RaftChecker()
  c.append(1, [e(1, 1), e(2, 1)])
  c.append(2, [e(1, 1), e(2, 1)])
  rejects('log-matching', () => c.append(3, [e(1, 1), e(2, 1, 'other')]))
  const d = new RaftChecker()
  d.append(1, [e(1, 1), e(2, 2)])
  d.append(2, [e(1, 2, 'x')])
  rejects('log-matching', () => d.append(2, [e(2, 2)]))
  rejects('log-matching', () => new RaftChecker().append(1, [e(2, 1)]))
  rejects('log-matching', () => new RaftChecker().append(1, [e(1, 3), e(2, 2)]))
})

test('truncation: allowed at a conflict, rejected when a shorter write agrees', () => {
  const c = new RaftChecker()
  c.append(1, [e(1, 1), e(2, 1), e(3, 1)])
  c.append(1, [e(2, 2, 'new')])
  assert.equal(c.lastIndex(1), 2)
  c.append(1, [e(3, 2), e(4, 2)])
  rejects('truncate-only-on-conflict', () => c.append(1, [e(3, 2)]))
})

test('committed entries: a node may not commit, write or install over one differently', () => {
  const c = new RaftChecker()
  c.append(1, [e(1, 1), e(2, 1)])
  c.advanceCommit(1, 2)
  c.append(2, [e(1, 1), e(2, 2, 'other')])
  rejects('committed-unchanged', () => c.advanceCommit(2, 2))
  rejects('commit-within-log', () => c.advanceCommit(1, 3))
  rejects('committed-unchanged', () => c.append(1, [e(2, 3, 'over')]))
  rejects('committed-unchanged', () => c.installSnapshot(1, 1, 1))
  const d = new RaftChecker()
  d.append(1, [e(1, 1)])
  d.advanceCommit(1, 1)
  rejects('committed-unchanged', () => d.resetNode(2, { index: 0, term: 0 }, [e(1, 2, 'x')], 1))
})

test('leader completeness: a new leader must hold every committed entry', () => {
  const c = new RaftChecker()
  c.append(1, [e(1, 1), e(2, 1)])
  c.advanceCommit(1, 2)
  c.append(2, [e(1, 1), e(2, 1), e(3, 2)])
  c.observeRole(2, 2, true, false)
  c.append(3, [e(1, 1)])
  rejects('leader-completeness', () => c.observeRole(3, 3, true, false))
})

test('commitment rule: a leader may commit only an entry of its own term', () => {
  const c = new RaftChecker()
  c.append(1, [e(1, 1), e(2, 3)])
  c.checkLeaderCommit(1, 3, 2)
  rejects('leader-commit-rule', () => c.checkLeaderCommit(1, 3, 1))
})

test('state-machine safety: two nodes may not apply different entries at one index', () => {
  const c = new RaftChecker()
  c.observeApply(1, e(1, 1))
  c.observeApply(2, e(1, 1))
  rejects('state-machine-safety', () => c.observeApply(3, e(1, 2)))
})

const op = (p: Partial<ClientOp> & Pick<ClientOp, 'client' | 'seq' | 'kind'>): ClientOp => ({
  value: -1,
  invokedMs: 0,
  completedMs: undefined,
  answer: undefined,
  ...p,
})

test('history: a correct history passes', () => {
  checkHistory(
    [
      op({
        client: 1,
        seq: 1,
        kind: 'append',
        value: 11,
        invokedMs: 0,
        completedMs: 5,
        answer: { op: 'append', at: 0 },
      }),
      op({ client: 2, seq: 1, kind: 'append', value: 21, invokedMs: 1 }),
      op({
        client: 2,
        seq: 2,
        kind: 'read',
        invokedMs: 6,
        completedMs: 9,
        answer: { op: 'read', list: [11] },
      }),
    ],
    [11, 21],
  )
})

test('history: lost, moved, duplicated and phantom writes are rejected', () => {
  const acked = op({
    client: 1,
    seq: 1,
    kind: 'append',
    value: 11,
    completedMs: 5,
    answer: { op: 'append', at: 0 },
  })
  rejects('acked-write-kept', () => checkHistory([acked], []))
  rejects('acked-write-kept', () =>
    checkHistory([acked, op({ client: 2, seq: 1, kind: 'append', value: 21 })], [21, 11]),
  )
  rejects('exactly-once', () => checkHistory([acked], [11, 11]))
  rejects('no-phantom', () => checkHistory([acked], [11, 99]))
})

test('history: a stale read or a read that goes back in time is rejected', () => {
  const w = op({
    client: 1,
    seq: 1,
    kind: 'append',
    value: 11,
    invokedMs: 0,
    completedMs: 5,
    answer: { op: 'append', at: 0 },
  })
  const staleRead = op({
    client: 2,
    seq: 1,
    kind: 'read',
    invokedMs: 6,
    completedMs: 8,
    answer: { op: 'read', list: [] },
  })
  rejects('real-time-order', () => checkHistory([w, staleRead], [11]))
  const r1 = op({
    client: 2,
    seq: 1,
    kind: 'read',
    invokedMs: 6,
    completedMs: 8,
    answer: { op: 'read', list: [11] },
  })
  const r2 = op({
    client: 2,
    seq: 2,
    kind: 'read',
    invokedMs: 9,
    completedMs: 10,
    answer: { op: 'read', list: [] },
  })
  rejects('real-time-order', () => checkHistory([w, r1, r2], [11]))
  const notPrefix = op({
    client: 3,
    seq: 1,
    kind: 'read',
    invokedMs: 0,
    completedMs: 1,
    answer: { op: 'read', list: [12] },
  })
  rejects('read-is-prefix', () => checkHistory([w, notPrefix], [11]))
})
