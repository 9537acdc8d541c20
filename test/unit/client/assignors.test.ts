import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  type Assignment,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  rangeAssign,
  roundRobinAssign,
} from '../../../src/client/assignors.js'
import { CodecError } from '../../../src/protocol/codec-error.js'

const plain = (m: Map<string, Assignment>) =>
  Object.fromEntries([...m].map(([k, a]) => [k, Object.fromEntries([...a].map(([t, ps]) => [t, ps]))]))

describe('consumer protocol formats', () => {
  test('subscription v0 bytes are Kafka’s layout', () => {
    const bytes = encodeSubscription(['ab'])
    // version 0 | 1 topic | len 2 "ab" | userData null
    assert.deepEqual([...bytes], [0, 0, 0, 0, 0, 1, 0, 2, 97, 98, 255, 255, 255, 255])
    assert.deepEqual(decodeSubscription(bytes), { topics: ['ab'], userData: null })
  })

  test('a v1 subscription (owned partitions after userData) decodes, trailing fields ignored', () => {
    const v1 = [0, 1, 0, 0, 0, 1, 0, 1, 120, 0, 0, 0, 0, /* owned: */ 0, 0, 0, 0]
    assert.deepEqual(decodeSubscription(Uint8Array.from(v1)).topics, ['x'])
  })

  test('assignment round-trips and matches the layout', () => {
    const a: Assignment = new Map([['t', [0, 2]]])
    const bytes = encodeAssignment(a)
    assert.deepEqual(
      [...bytes],
      [0, 0, 0, 0, 0, 1, 0, 1, 116, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 255, 255, 255, 255],
    )
    assert.deepEqual(decodeAssignment(bytes), a)
    assert.deepEqual(decodeAssignment(new Uint8Array(0)), new Map())
  })

  test('garbage gives CodecError, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const f of [decodeAssignment, decodeSubscription]) {
          try {
            f(bytes)
          } catch (e) {
            assert.ok(e instanceof CodecError, String(e))
          }
        }
      }),
    )
  })
})

describe('range', () => {
  test('Kafka’s example: 2 members, 2 topics of 3 partitions', () => {
    const members = new Map([
      ['C0', ['t0', 't1']],
      ['C1', ['t0', 't1']],
    ])
    const counts = new Map([
      ['t0', 3],
      ['t1', 3],
    ])
    assert.deepEqual(plain(rangeAssign({ members, partitionCounts: counts })), {
      C0: { t0: [0, 1], t1: [0, 1] },
      C1: { t0: [2], t1: [2] },
    })
  })

  test('12 partitions over 3 members, 4 each', () => {
    const members = new Map([
      ['b', ['t']],
      ['a', ['t']],
      ['c', ['t']],
    ])
    assert.deepEqual(plain(rangeAssign({ members, partitionCounts: new Map([['t', 12]]) })), {
      b: { t: [4, 5, 6, 7] },
      a: { t: [0, 1, 2, 3] },
      c: { t: [8, 9, 10, 11] },
    })
  })
})

describe('roundrobin', () => {
  test('Kafka’s example: 2 members, 2 topics of 3 partitions', () => {
    const members = new Map([
      ['C0', ['t0', 't1']],
      ['C1', ['t0', 't1']],
    ])
    const counts = new Map([
      ['t0', 3],
      ['t1', 3],
    ])
    assert.deepEqual(plain(roundRobinAssign({ members, partitionCounts: counts })), {
      C0: { t0: [0, 2], t1: [1] },
      C1: { t0: [1], t1: [0, 2] },
    })
  })

  test('members only get topics they subscribe to', () => {
    const members = new Map([
      ['A', ['t0']],
      ['B', ['t0', 't1']],
    ])
    const out = roundRobinAssign({
      members,
      partitionCounts: new Map([
        ['t0', 2],
        ['t1', 2],
      ]),
    })
    assert.deepEqual(plain(out), { A: { t0: [0] }, B: { t0: [1], t1: [0, 1] } })
  })
})

test('both assignors give every partition to exactly one subscribed member', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 }),
      (memberCount, counts) => {
        const topics = counts.map((_, i) => `t${i}`)
        const members = new Map(
          Array.from({ length: memberCount }, (_, i) => [`m${i}`, topics] as [string, string[]]),
        )
        const partitionCounts = new Map(topics.map((t, i) => [t, counts[i] as number]))
        for (const f of [rangeAssign, roundRobinAssign]) {
          const seen = new Set<string>()
          for (const a of f({ members, partitionCounts }).values()) {
            for (const [t, ps] of a) for (const p of ps) seen.add(`${t}/${p}`)
          }
          assert.equal(
            seen.size,
            counts.reduce((x, y) => x + y, 0),
          )
        }
      },
    ),
  )
})
