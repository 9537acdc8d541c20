/**
 * `__consumer_offsets` layouts: byte fixtures written by hand from Kafka's record schemas
 * (OffsetCommitKey/Value, GroupMetadataKey/Value), older versions, and hostile input.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { limits } from '../../../src/config/limits.js'
import {
  GroupRecordError,
  decodeGroupRecord,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../src/groups/records.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[\s|]/g, ''), 'hex'))
const ascii = (s: string): string => Buffer.from(s).toString('hex')

test('offset commit key v1 and value v3, byte for byte', () => {
  assert.deepEqual(
    encodeOffsetCommitKey('g', 't', 1),
    hex(`0001 | 0001 ${ascii('g')} | 0001 ${ascii('t')} | 00000001`),
  )
  const value = { offset: 5, leaderEpoch: 2, metadata: 'm', commitTimestampMs: 1000 }
  const bytes = hex(`0003 | 0000000000000005 | 00000002 | 0001 ${ascii('m')} | 00000000000003e8`)
  assert.deepEqual(encodeOffsetCommitValue(value), bytes)
  assert.deepEqual(decodeGroupRecord(encodeOffsetCommitKey('g', 't', 1), bytes), {
    kind: 'offset',
    group: 'g',
    topic: 't',
    partition: 1,
    value,
  })
})

test('group metadata key v2 and value v3, byte for byte', () => {
  assert.deepEqual(encodeGroupMetadataKey('g'), hex(`0002 | 0001 ${ascii('g')}`))
  const value = {
    protocolType: 'consumer',
    generation: 1,
    protocol: 'range',
    leader: 'm1',
    currentStateTimestampMs: 1000,
    members: [
      {
        memberId: 'm1',
        groupInstanceId: null,
        clientId: 'c',
        clientHost: 'h',
        rebalanceTimeoutMs: 30_000,
        sessionTimeoutMs: 10_000,
        subscription: hex('01'),
        assignment: hex('0203'),
      },
    ],
  }
  const bytes = hex(
    `0003 | 0008 ${ascii('consumer')} | 00000001 | 0005 ${ascii('range')} | 0002 ${ascii('m1')} | 00000000000003e8
     | 00000001 | 0002 ${ascii('m1')} | ffff | 0001 ${ascii('c')} | 0001 ${ascii('h')} | 00007530 | 00002710
     | 00000001 01 | 00000002 0203`,
  )
  assert.deepEqual(encodeGroupMetadataValue(value), bytes)
  assert.deepEqual(decodeGroupRecord(encodeGroupMetadataKey('g'), bytes), {
    kind: 'group',
    group: 'g',
    value,
  })
})

test('tombstones decode as null values', () => {
  assert.deepEqual(decodeGroupRecord(encodeGroupMetadataKey('g'), null), {
    kind: 'group',
    group: 'g',
    value: null,
  })
  const d = decodeGroupRecord(encodeOffsetCommitKey('g', 't', 0), null)
  assert.equal(d.value, null)
})

test('older versions Kafka wrote still load: offset key v0, offset value v1, group value v0', () => {
  const key0 = hex(`0000 | 0001 ${ascii('g')} | 0001 ${ascii('t')} | 00000002`)
  const value1 = hex(`0001 | 0000000000000009 | 0000 | 0000000000000001 | 0000000000000002`)
  assert.deepEqual(decodeGroupRecord(key0, value1), {
    kind: 'offset',
    group: 'g',
    topic: 't',
    partition: 2,
    value: { offset: 9, leaderEpoch: -1, metadata: '', commitTimestampMs: 1 },
  })
  const group0 = hex(
    `0000 | 0008 ${ascii('consumer')} | 00000003 | 0005 ${ascii('range')} | 0002 ${ascii('m1')}
     | 00000001 | 0002 ${ascii('m1')} | 0001 ${ascii('c')} | 0001 ${ascii('h')} | 00002710 | 00000000 | 00000000`,
  )
  const d = decodeGroupRecord(encodeGroupMetadataKey('g'), group0)
  assert.ok(d.kind === 'group' && d.value !== null)
  assert.equal(d.value.currentStateTimestampMs, -1)
  assert.equal(d.value.members[0]!.rebalanceTimeoutMs, 10_000, 'v0 had none: the session timeout stands in')
  assert.equal(d.value.members[0]!.groupInstanceId, null)
})

test('bad records are typed errors: truncation, versions, lengths, limits', () => {
  const key = encodeGroupMetadataKey('g')
  const cases: [Uint8Array, Uint8Array | null, string][] = [
    [hex('00'), null, 'TRUNCATED'],
    [hex('0009 0001 67'), null, 'UNSUPPORTED_VERSION'],
    [hex('0002 0005 67'), null, 'TRUNCATED'],
    [hex('0002 fffe'), null, 'INVALID_VALUE'],
    [hex('0002 ffff'), null, 'INVALID_VALUE'],
    [hex('0002 0001 ff'), null, 'INVALID_VALUE'],
    [key, hex('0004'), 'UNSUPPORTED_VERSION'],
    [encodeOffsetCommitKey('g', 't', 0), hex('0004'), 'UNSUPPORTED_VERSION'],
    [
      encodeOffsetCommitKey('g', 't', 0),
      hex('0003 7fffffffffffffff 00000000 0000 0000000000000000'),
      'INVALID_VALUE',
    ],
    [
      key,
      hex(
        `0003 0000 00000001 ffff ffff 0000000000000000 ${(limits.groupMembersMax + 1).toString(16).padStart(8, '0')}`,
      ),
      'LIMIT_EXCEEDED',
    ],
    [
      key,
      hex(
        '0003 0000 00000001 ffff ffff 0000000000000000 00000001 0000 ffff 0000 0000 00000000 00000000 ffffffff',
      ),
      'INVALID_VALUE',
    ],
  ]
  for (const [k, v, code] of cases) {
    assert.throws(
      () => decodeGroupRecord(k, v),
      (e: unknown) => e instanceof GroupRecordError && e.code === code,
      `${Buffer.from(k).toString('hex')} / ${v === null ? 'null' : Buffer.from(v).toString('hex')} → ${code}`,
    )
  }
})

test('any bytes decode or fail with GroupRecordError, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.option(fc.uint8Array({ maxLength: 128 })), (k, v) => {
      try {
        decodeGroupRecord(k, v)
      } catch (e) {
        if (!(e instanceof GroupRecordError)) throw e
      }
    }),
    { numRuns: 2_000 },
  )
})

test('encode then decode is the identity for any value', () => {
  const str = fc.string({ maxLength: 20 })
  const member = fc.record(
    {
      memberId: str,
      groupInstanceId: fc.option(str),
      clientId: str,
      clientHost: str,
      rebalanceTimeoutMs: fc.integer({ min: 0, max: 0x7fffffff }),
      sessionTimeoutMs: fc.integer({ min: 0, max: 0x7fffffff }),
      subscription: fc.uint8Array({ maxLength: 20 }),
      assignment: fc.uint8Array({ maxLength: 20 }),
    },
    { noNullPrototype: true },
  )
  const group = fc.record(
    {
      protocolType: str,
      generation: fc.integer({ min: 0, max: 0x7fffffff }),
      protocol: fc.option(str),
      leader: fc.option(str),
      currentStateTimestampMs: fc.maxSafeNat(),
      members: fc.array(member, { maxLength: 4 }),
    },
    { noNullPrototype: true },
  )
  fc.assert(
    fc.property(str, group, (g, value) => {
      assert.deepEqual(decodeGroupRecord(encodeGroupMetadataKey(g), encodeGroupMetadataValue(value)), {
        kind: 'group',
        group: g,
        value,
      })
    }),
    { numRuns: 300 },
  )
})
