/**
 * The join/sync sequences real clients produce, with the versions, ids and timeouts each sends
 * (kafka-compat.md §1): kafkajs 2.2.4 (JoinGroup v5 + MEMBER_ID_REQUIRED retry, its own
 * RoundRobinAssigner and metadata encoding), librdkafka 2.0.2 (v5, range/roundrobin), kafka-python
 * 2.0.2 (v2, no member id required) and static members (librdkafka with group.instance.id).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import kafkajs from 'kafkajs'
import type { JoinGroupProtocol, JoinGroupResponse } from '../../../src/groups/types.js'
import { Harness, type Pending, subscription } from './harness.js'

const { AssignerProtocol, PartitionAssigners } = kafkajs

interface Flavor {
  readonly joinVersion: number
  readonly sessionTimeoutMs: number
  readonly rebalanceTimeoutMs: number
  readonly clientId: string
  readonly protocols: readonly JoinGroupProtocol[]
  readonly groupInstanceId?: string
}

/** One client's side of the protocol: what it sends and what it remembers between requests. */
class Client {
  memberId = ''
  generationId = -1
  join: Pending<JoinGroupResponse> | null = null
  readonly trace: string[] = []

  constructor(
    readonly h: Harness,
    readonly f: Flavor,
  ) {}

  /** Sends JoinGroup; on MEMBER_ID_REQUIRED retries at once with the id it was given. */
  startJoin(): void {
    const send = () =>
      this.h.join({
        apiVersion: this.f.joinVersion,
        memberId: this.memberId,
        groupInstanceId: this.f.groupInstanceId ?? null,
        sessionTimeoutMs: this.f.sessionTimeoutMs,
        rebalanceTimeoutMs: this.f.rebalanceTimeoutMs,
        protocols: [...this.f.protocols],
        clientId: this.f.clientId,
      })
    this.join = send()
    if (this.join.response?.errorCode === 'MEMBER_ID_REQUIRED') {
      this.trace.push(`JoinGroup v${this.f.joinVersion} '' → MEMBER_ID_REQUIRED`)
      this.memberId = this.join.response.memberId
      this.join = send()
    }
    this.trace.push(
      `JoinGroup v${this.f.joinVersion} ${this.memberId === '' ? "''" : 'id'} → ${this.h.isParked(this.join) ? 'parked' : this.h.answer(this.join).errorCode}`,
    )
  }

  finishJoin(): JoinGroupResponse {
    assert.ok(this.join !== null)
    const r = this.h.answer(this.join)
    this.join = null
    assert.equal(r.errorCode, 'NONE')
    this.memberId = r.memberId
    this.generationId = r.generationId
    this.trace.push(
      `joined generation ${r.generationId} as ${r.leader === r.memberId ? 'leader' : 'follower'}`,
    )
    return r
  }

  heartbeat(): string {
    return this.h.heartbeat(this.memberId, this.generationId, this.f.groupInstanceId ?? null)
  }
}

const kafkajsFlavor = (topics: string[]): Flavor => {
  const assigner = PartitionAssigners.roundRobin({ cluster: null } as never)
  const p = assigner.protocol({ topics })
  return {
    joinVersion: 5,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 60_000,
    clientId: 'kafkajs',
    protocols: [{ name: p.name, metadata: p.metadata }],
  }
}

const librdkafkaFlavor = (topics: string[], groupInstanceId?: string): Flavor => ({
  joinVersion: 5,
  sessionTimeoutMs: 45_000,
  rebalanceTimeoutMs: 300_000, // max.poll.interval.ms
  clientId: 'rdkafka',
  protocols: [
    { name: 'range', metadata: subscription(...topics) },
    { name: 'roundrobin', metadata: subscription(...topics) },
  ],
  ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
})

const kafkaPythonFlavor = (topics: string[]): Flavor => ({
  joinVersion: 2,
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 300_000,
  clientId: 'kafka-python-2.0.2',
  protocols: [
    { name: 'range', metadata: subscription(...topics) },
    { name: 'roundrobin', metadata: subscription(...topics) },
  ],
})

/** kafkajs's own RoundRobinAssigner over a 12-partition topic, fed our JoinGroup members. */
async function kafkajsAssign(leader: JoinGroupResponse) {
  const cluster = {
    findTopicPartitionMetadata: () => Array.from({ length: 12 }, (_, partitionId) => ({ partitionId })),
  }
  const assigner = PartitionAssigners.roundRobin({ cluster } as never)
  const members = leader.members.map((m) => ({
    memberId: m.memberId,
    memberMetadata: Buffer.from(m.metadata),
  }))
  for (const m of members)
    assert.deepEqual(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics, ['orders'])
  const assignment = await assigner.assign({ members, topics: ['orders'] })
  return assignment.map((a) => ({ memberId: a.memberId, assignment: a.memberAssignment }))
}

test('kafkajs: three consumers land in one generation, share 12 partitions, and survive a kill', async () => {
  const h = new Harness('kjs', { initialRebalanceDelayMs: 3_000 })
  const clients = [0, 1, 2].map(() => new Client(h, kafkajsFlavor(['orders'])))
  for (const c of clients) {
    c.startJoin()
    h.tick(h.nowMs + 500)
  }
  h.waitOutJoinPhase()
  const joins = clients.map((c) => c.finishJoin())
  assert.deepEqual(clients[0]!.trace, [
    "JoinGroup v5 '' → MEMBER_ID_REQUIRED",
    'JoinGroup v5 id → parked',
    'joined generation 1 as leader',
  ])
  assert.equal(joins[0]!.protocolName, 'RoundRobinAssigner')
  const followers = clients.slice(1).map((c) => h.sync(c.memberId, 1))
  assert.ok(followers.every((f) => h.isParked(f)))
  const leaderSync = h.answer(h.sync(clients[0]!.memberId, 1, await kafkajsAssign(joins[0]!)))
  const owned = [leaderSync, ...followers.map((f) => h.answer(f))].map(
    (s) => AssignerProtocol.MemberAssignment.decode(Buffer.from(s.assignment))?.assignment.orders ?? [],
  )
  assert.deepEqual(
    owned.flat().sort((a, b) => a - b),
    Array.from({ length: 12 }, (_, i) => i),
  )
  assert.ok(owned.every((o) => o.length === 4))
  // Heartbeats every 3 s; consumer 3 is killed (stops heartbeating) after committing.
  const [c1, c2, c3] = clients as [Client, Client, Client]
  assert.deepEqual(h.commit(c3.memberId, 1, { 'orders:2': 500 }), ['NONE'])
  let t = 0
  for (; t < 30_000; t += 3_000) {
    h.tick(h.nowMs + 3_000)
    if (c1.heartbeat() !== 'NONE') break
    c2.heartbeat()
  }
  assert.equal(c1.heartbeat(), 'REBALANCE_IN_PROGRESS', 'consumer 3 expired within its session timeout')
  assert.ok(t <= 30_000)
  c1.startJoin()
  c2.startJoin()
  const rejoined = [c1.finishJoin(), c2.finishJoin()]
  assert.equal(rejoined[0]!.generationId, 2)
  assert.equal(rejoined[0]!.members.length, 2)
  assert.deepEqual(h.commit(c3.memberId, 1, { 'orders:2': 900 }), ['UNKNOWN_MEMBER_ID'])
  assert.deepEqual(h.commit(c2.memberId, 2, { 'orders:2': 900 }), ['REBALANCE_IN_PROGRESS'], 'sync first')
  const f2 = h.sync(c2.memberId, 2)
  h.sync(c1.memberId, 2, await kafkajsAssign(rejoined[0]!))
  assert.equal(h.answer(f2).errorCode, 'NONE')
  assert.deepEqual(h.commit(c3.memberId, 1, { 'orders:2': 900 }), ['UNKNOWN_MEMBER_ID'])
  assert.equal(h.fetch('orders', 2), 500, 'the new owner resumes from the last commit')
})

test('librdkafka 2.0.2: v5 with the MEMBER_ID_REQUIRED retry, range chosen, commit v7, LeaveGroup v1', () => {
  const h = new Harness('rdk', { initialRebalanceDelayMs: 3_000 })
  const a = new Client(h, librdkafkaFlavor(['t']))
  const b = new Client(h, librdkafkaFlavor(['t']))
  a.startJoin()
  b.startJoin()
  h.waitOutJoinPhase()
  const ja = a.finishJoin()
  b.finishJoin()
  assert.equal(ja.protocolName, 'range', 'both list range first')
  assert.deepEqual(b.trace.slice(0, 2), ["JoinGroup v5 '' → MEMBER_ID_REQUIRED", 'JoinGroup v5 id → parked'])
  const fb = h.sync(b.memberId, 1)
  h.sync(a.memberId, 1, [
    { memberId: a.memberId, assignment: new Uint8Array([1]) },
    { memberId: b.memberId, assignment: new Uint8Array([2]) },
  ])
  assert.deepEqual([...h.answer(fb).assignment], [2])
  assert.deepEqual(h.commit(b.memberId, 1, { 't:0': 42 }, { apiVersion: 7 }), ['NONE'])
  assert.equal(h.leave(b.memberId), 'NONE')
  assert.equal(a.heartbeat(), 'REBALANCE_IN_PROGRESS')
  a.startJoin()
  assert.equal(a.finishJoin().generationId, 2)
})

test('kafka-python 2.0.2: JoinGroup v2 needs no member id; SyncGroup/Heartbeat v1, commit v2, fetch v1', () => {
  const h = new Harness('kp', { initialRebalanceDelayMs: 3_000 })
  const c = new Client(h, kafkaPythonFlavor(['t']))
  c.startJoin()
  assert.deepEqual(c.trace, ["JoinGroup v2 '' → parked"])
  h.waitOutJoinPhase()
  const j = c.finishJoin()
  assert.equal(j.leader, j.memberId)
  assert.match(j.memberId, /^kafka-python-2\.0\.2-/)
  assert.deepEqual(
    h.answer(h.sync(c.memberId, 1, [{ memberId: c.memberId, assignment: new Uint8Array([9]) }])).errorCode,
    'NONE',
  )
  assert.equal(c.heartbeat(), 'NONE')
  assert.deepEqual(h.commit(c.memberId, 1, { 't:0': 7 }, { apiVersion: 2 }), ['NONE'])
  assert.equal(h.fetch('t', 0), 7)
  assert.equal(h.fetch('t', 1), -1)
})

test('kafka-python and librdkafka share a group (range, roundrobin); kafkajs cannot join it', () => {
  const h = new Harness('mixed', { initialRebalanceDelayMs: 3_000 })
  const py = new Client(h, kafkaPythonFlavor(['t']))
  const rd = new Client(h, librdkafkaFlavor(['t']))
  py.startJoin()
  rd.startJoin()
  h.waitOutJoinPhase()
  assert.equal(py.finishJoin().members.length, 2)
  assert.equal(rd.finishJoin().protocolName, 'range')
  const js = new Client(h, kafkajsFlavor(['t']))
  assert.equal(
    h.answer(h.join({ ...js.f, protocols: [...js.f.protocols] })).errorCode,
    'INCONSISTENT_GROUP_PROTOCOL',
  )
})

test('static members (librdkafka group.instance.id): a restart without LeaveGroup keeps the assignment', () => {
  const h = new Harness('st', { initialRebalanceDelayMs: 3_000 })
  const a = new Client(h, librdkafkaFlavor(['t'], 'host-a'))
  const b = new Client(h, librdkafkaFlavor(['t'], 'host-b'))
  a.startJoin()
  b.startJoin()
  assert.deepEqual(a.trace, ["JoinGroup v5 '' → parked"], 'static members skip MEMBER_ID_REQUIRED')
  h.waitOutJoinPhase()
  a.finishJoin()
  b.finishJoin()
  const fb = h.sync(b.memberId, 1)
  h.sync(a.memberId, 1, [
    { memberId: a.memberId, assignment: new Uint8Array([1]) },
    { memberId: b.memberId, assignment: new Uint8Array([2]) },
  ])
  assert.deepEqual([...h.answer(fb).assignment], [2])
  // b's process restarts: static members send no LeaveGroup; it comes back with no member id.
  h.tick(h.nowMs + 5_000)
  assert.equal(a.heartbeat(), 'NONE')
  const restarted = new Client(h, librdkafkaFlavor(['t'], 'host-b'))
  restarted.startJoin()
  const j = restarted.finishJoin()
  assert.equal(j.generationId, 1, 'no rebalance')
  assert.notEqual(j.memberId, b.memberId)
  assert.deepEqual([...h.answer(h.sync(restarted.memberId, 1)).assignment], [2])
  assert.equal(a.heartbeat(), 'NONE', 'a never noticed')
  assert.equal(b.heartbeat(), 'FENCED_INSTANCE_ID', 'a zombie of the old process is fenced')
})
