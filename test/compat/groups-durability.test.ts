/**
 * Group state and committed offsets survive a SIGKILL of the node: a kafkajs member (child
 * process) commits everything it read, both the member and the node are SIGKILLed, and the node
 * restarted on the same data folder describes the same Stable group (generation, leader, members,
 * assignment) and fetches the same offsets; a new member then reads only what came after.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { type NodeProcess, removeDir, startNodeProcess, tempDataDir } from '../helpers/node-process.js'
import { repoRoot } from '../helpers/repo.js'

const TOPIC = 'groups-durability'
const GROUP = 'g-durability'
const PARTITIONS = 4
const FIRST = 2_000
const SECOND = 500
const ARGS = ['--group-initial-rebalance-delay-ms', '0']

function kafkaOf(node: NodeProcess): Kafka {
  return new Kafka({ brokers: [node.broker], clientId: 'groups-durability', logLevel: logLevel.NOTHING })
}

async function produce(kafka: Kafka, from: number, count: number): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  const messages = Array.from({ length: count }, (_, i) => ({ value: `${from + i}` }))
  await producer.send({ topic: TOPIC, acks: -1, messages })
  await producer.disconnect()
}

async function committedOffsets(kafka: Kafka): Promise<Map<number, number>> {
  const admin = kafka.admin()
  await admin.connect()
  const fetched = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })
  await admin.disconnect()
  return new Map((fetched[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
}

async function describe(kafka: Kafka): Promise<unknown> {
  const admin = kafka.admin()
  await admin.connect()
  const d = await admin.describeGroups([GROUP])
  await admin.disconnect()
  const g = d.groups[0]
  assert.ok(g !== undefined)
  return {
    state: g.state,
    protocol: g.protocol,
    protocolType: g.protocolType,
    members: g.members.map((m) => ({
      id: m.memberId,
      assignment: Buffer.from(m.memberAssignment).toString('hex'),
    })),
  }
}

async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

test('committed offsets and group state survive a SIGKILL of the node', { timeout: 150_000 }, async () => {
  const dataDir = tempDataDir()
  let node = await startNodeProcess({ dataDir, args: ARGS })
  try {
    let kafka = kafkaOf(node)
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] })
    await admin.disconnect()
    await produce(kafka, 0, FIRST)

    const worker = join(repoRoot(), 'dist', 'test', 'compat', 'group-worker.js')
    const member = spawn(process.execPath, [worker, 'kafkajs', node.broker, TOPIC, GROUP, '12000'], {
      stdio: 'ignore',
    })
    const memberExit = new Promise((r) => member.on('exit', r))
    await until('every offset committed', async () => {
      const c = await committedOffsets(kafka)
      return [...c.values()].reduce((a, b) => a + b, 0) === FIRST
    })
    const before = await describe(kafka)
    const offsetsBefore = await committedOffsets(kafka)
    assert.equal((before as { state: string }).state, 'Stable')
    member.kill('SIGKILL')
    await memberExit
    await node.kill()

    node = await startNodeProcess({ dataDir, args: ARGS })
    kafka = kafkaOf(node)
    // The member's 12 s session has not run out yet: the group is as it was.
    assert.deepEqual(await describe(kafka), before)
    assert.deepEqual(await committedOffsets(kafka), offsetsBefore)

    await produce(kafka, FIRST, SECOND)
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6_000, heartbeatInterval: 500 })
    await consumer.connect()
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
    const values: number[] = []
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(Number(message.value?.toString()))
      },
    })
    // The dead member's slot keeps the first rebalance waiting until its session expires.
    await until(`${SECOND} new messages`, async () => values.length >= SECOND)
    await new Promise((r) => setTimeout(r, 500))
    await consumer.disconnect()
    assert.equal(values.length, SECOND, 'nothing before the committed offsets is read again')
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: SECOND }, (_, i) => FIRST + i),
    )
  } finally {
    assert.equal(await node.stop(), 0, 'clean shutdown')
    removeDir(dataDir)
  }
})
