import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import kafkajs from 'kafkajs'
import { murmur2, NullKeyPartitioner, partitionForKey, toPositive } from '../../../src/client/partitioner.js'

const utf8 = new TextEncoder()

describe('murmur2', () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (signed 32-bit results).
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ]
  for (const [input, expected] of vectors) {
    test(`murmur2("${input}") = ${expected}`, () => assert.equal(murmur2(utf8.encode(input)), expected))
  }

  test('toPositive masks the sign bit, as Kafka does (not Math.abs)', () => {
    assert.equal(toPositive(-1), 0x7fffffff)
    assert.equal(toPositive(-2147483648), 0)
    assert.equal(toPositive(5), 5)
  })
})

describe('keyed placement matches kafkajs DefaultPartitioner (Java-compatible)', () => {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner()
  test('random keys of every tail length, 1..64 partitions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (key, count) => {
          const partitionMetadata = Array.from({ length: count }, (_, i) => ({ partitionId: i, leader: 0 }))
          const theirs = partitioner({
            topic: 't',
            partitionMetadata,
            message: { key: Buffer.from(key), value: null },
          } as never)
          assert.equal(partitionForKey(key, count), theirs)
        },
      ),
      { numRuns: 2000 },
    )
  })
})

describe('null keys', () => {
  test('round-robin rotates over every partition', () => {
    const p = new NullKeyPartitioner('round-robin')
    assert.deepEqual(
      Array.from({ length: 7 }, () => p.partition('t', 3)),
      [0, 1, 2, 0, 1, 2, 0],
    )
  })

  test('sticky stays until a batch closes there, then moves to a different partition', () => {
    let r = 0
    const p = new NullKeyPartitioner('sticky', () => {
      r = (r + 0.37) % 1
      return r
    })
    const first = p.partition('t', 4)
    assert.equal(p.partition('t', 4), first)
    p.batchClosed('t', (first + 1) % 4, 4)
    assert.equal(p.partition('t', 4), first, 'a batch closing elsewhere does not move it')
    p.batchClosed('t', first, 4)
    const second = p.partition('t', 4)
    assert.notEqual(second, first)
    assert.ok(second >= 0 && second < 4)
  })
})
