import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { JoinGroupRequest } from '../../../src/groups/types.js'
import type { Clock } from '../../../src/io/clock.js'
import { type Logger, silentLogger } from '../../../src/io/log.js'
import { CONSUMER_OFFSETS_TOPIC } from '../../../src/kafka/handlers/group-service.js'
import { GroupsDriver, javaStringHash, partitionForGroup } from '../../../src/node/groups-driver.js'
import { openBroker } from '../../helpers/broker.js'

/** A clock whose time moves only when the test says so. */
class FakeClock implements Clock {
  now = 1_000_000
  private timers: { at: number; cb: () => void }[] = []
  nowMs(): number {
    return this.now
  }
  setTimer(delayMs: number, cb: () => void): () => void {
    const t = { at: this.now + delayMs, cb }
    this.timers.push(t)
    return () => {
      this.timers = this.timers.filter((x) => x !== t)
    }
  }
  pending(): number {
    return this.timers.length
  }
  advance(ms: number): void {
    this.now += ms
    const due = this.timers.filter((t) => t.at <= this.now)
    this.timers = this.timers.filter((t) => t.at > this.now)
    for (const t of due) t.cb()
  }
}

function join0(groupId: string, memberId = ''): JoinGroupRequest {
  return {
    apiVersion: 3,
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: new Uint8Array([1, 2, 3]) }],
    clientId: 'c',
    clientHost: '',
  }
}

const PARTITIONS = 5

async function withDriver<T>(
  dir: string,
  clock: FakeClock,
  delayMs: number,
  body: (d: GroupsDriver, b: Awaited<ReturnType<typeof openBroker>>) => Promise<T>,
  logger: Logger = silentLogger,
): Promise<T> {
  const b = await openBroker(dir)
  const d = await GroupsDriver.start(b.broker, clock, logger, {
    config: { initialRebalanceDelayMs: delayMs },
    offsetsTopicPartitions: PARTITIONS,
  })
  try {
    return await body(d, b)
  } finally {
    d.close()
    await b.close()
  }
}

test('__consumer_offsets partitions follow Java String.hashCode like Kafka', () => {
  assert.equal(javaStringHash(''), 0)
  assert.equal(javaStringHash('hello'), 99162322)
  // Integer.MIN_VALUE: Kafka's Utils.abs maps it to 0.
  assert.equal(javaStringHash('polygenelubricants'), -2147483648)
  assert.equal(partitionForGroup('polygenelubricants', 50), 0)
  assert.equal(partitionForGroup('hello', 50), 99162322 % 50)
  assert.equal(partitionForGroup('héllo✓', 7), Math.abs(javaStringHash('héllo✓')) % 7)
})

test('__consumer_offsets is created compacted, with 100 MiB segments, as Kafka creates it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdriver-'))
  try {
    await withDriver(dir, new FakeClock(), 0, async (_d, b) => {
      const config = b.broker.topic('__consumer_offsets')?.config
      assert.equal(config?.cleanupPolicy, 'compact')
      assert.equal(config?.segmentBytes, 104_857_600)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a parked JoinGroup is answered by the timer, after its records are durable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdriver-'))
  const logged: { event: string; fields: Record<string, unknown> | undefined }[] = []
  const logger: Logger = {
    info: (event, fields) => logged.push({ event, fields }),
    warn: (event, fields) => logged.push({ event, fields }),
    error: (event, fields) => logged.push({ event, fields }),
  }
  try {
    const clock = new FakeClock()
    await withDriver(
      dir,
      clock,
      3000,
      async (d, b) => {
        assert.equal(b.broker.topic(CONSUMER_OFFSETS_TOPIC)?.partitions, PARTITIONS)
        let answered = false
        const joined = d
          .step((c, ctx) => c.joinGroup(join0('g1'), ctx))
          .then((r) => {
            answered = true
            return r
          })
        await new Promise((r) => setTimeout(r, 20))
        assert.equal(answered, false, 'parked during the initial delay')
        assert.equal(clock.pending(), 1, 'one timer at the next deadline')
        clock.advance(3000)
        const r = await joined
        assert.equal(r.errorCode, 'NONE')
        assert.equal(r.generationId, 1)
        assert.equal(r.leader, r.memberId)
        const sync = await d.step((c, ctx) =>
          c.syncGroup(
            {
              groupId: 'g1',
              generationId: 1,
              memberId: r.memberId,
              groupInstanceId: null,
              protocolType: null,
              protocolName: null,
              assignments: [{ memberId: r.memberId, assignment: new Uint8Array([9]) }],
            },
            ctx,
          ),
        )
        assert.equal(sync.errorCode, 'NONE')
        // The Stable group record was durable before the answer: the high watermark covers it.
        const p = await b.broker.partition(CONSUMER_OFFSETS_TOPIC, partitionForGroup('g1', PARTITIONS))
        assert.ok((p?.log.highWatermark() ?? 0) >= 1)
        assert.deepEqual(
          logged
            .filter((l) => l.event === 'group.generation')
            .map((l) => [l.fields?.group, l.fields?.generation, l.fields?.members]),
          [['g1', 1, 1]],
          'one log line per generation',
        )
      },
      logger,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('groups and committed offsets are loaded back from __consumer_offsets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gdriver-'))
  try {
    const clock = new FakeClock()
    const groupIds = Array.from({ length: 12 }, (_, i) => `group-${i}`)
    const memberOf = new Map<string, string>()
    await withDriver(dir, clock, 0, async (d) => {
      for (const g of groupIds) {
        const joined = d.step((c, ctx) => c.joinGroup(join0(g), ctx))
        clock.advance(0)
        const r = await joined
        memberOf.set(g, r.memberId)
        await d.step((c, ctx) =>
          c.syncGroup(
            {
              groupId: g,
              generationId: r.generationId,
              memberId: r.memberId,
              groupInstanceId: null,
              protocolType: null,
              protocolName: null,
              assignments: [{ memberId: r.memberId, assignment: new Uint8Array([7]) }],
            },
            ctx,
          ),
        )
        const commit = await d.step((c, ctx) =>
          c.offsetCommit(
            {
              apiVersion: 8,
              groupId: g,
              generationId: r.generationId,
              memberId: r.memberId,
              groupInstanceId: null,
              topics: [
                {
                  name: 't',
                  partitions: [
                    {
                      partitionIndex: 0,
                      committedOffset: g.length * 10,
                      committedLeaderEpoch: -1,
                      committedMetadata: 'm',
                    },
                  ],
                },
              ],
            },
            ctx,
          ),
        )
        assert.equal(commit.topics[0]?.partitions[0]?.errorCode, 'NONE')
      }
      // group-0 leaves, so that its offsets may be deleted (an Empty group subscribes to nothing).
      const left = await d.step((c, ctx) =>
        c.leaveGroup(
          {
            groupId: 'group-0',
            members: [{ memberId: memberOf.get('group-0') ?? '', groupInstanceId: null }],
          },
          ctx,
        ),
      )
      assert.equal(left.members[0]?.errorCode, 'NONE')
      const deleted = await d.step((c, ctx) =>
        c.offsetDelete({ groupId: 'group-0', topics: [{ name: 't', partitionIndexes: [0] }] }, ctx),
      )
      assert.equal(deleted.topics[0]?.partitions[0]?.errorCode, 'NONE')
    })
    await withDriver(dir, clock, 0, async (d) => {
      for (const g of groupIds) {
        const described = await d.read((c) => c.describeGroups([g], 5))
        const offsets = await d.read((c) =>
          c.offsetFetch({ groupId: g, topics: [{ name: 't', partitionIndexes: [0] }] }),
        )
        if (g === 'group-0') {
          assert.equal(described[0]?.groupState, 'Empty')
          assert.equal(offsets.topics[0]?.partitions[0]?.committedOffset, -1, 'deleted offsets stay deleted')
          continue
        }
        assert.equal(described[0]?.groupState, 'Stable', g)
        assert.deepEqual(
          described[0]?.members.map((m) => m.memberId),
          [memberOf.get(g)],
        )
        assert.equal(offsets.topics[0]?.partitions[0]?.committedOffset, g.length * 10, g)
      }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
