/**
 * A consumer-group scenario against a real node, shared by the group compat tests: members run as
 * child processes printing `m <partition> <offset>` per delivered message and `c <partition>
 * <offset>` per acknowledged commit (test/compat/group-worker.ts, kafka_python_group.py, kcat -G).
 * The scenario waits until the group is Stable with every member, produces, optionally SIGKILLs a
 * member mid-way, and checks what the tests promise:
 * - every message is delivered; without a kill, exactly once;
 * - a repeat of (p, o) never lies below the last commit of p acknowledged before it, so the new
 *   owner resumed from committed offsets and repeats only what followed the last commit;
 * - a killed member's partitions are delivered by others within the session timeout (+ slack).
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'

export interface Member {
  readonly command: string
  readonly args: readonly string[]
}

export interface ScenarioOptions {
  readonly broker: string
  readonly topic: string
  readonly group: string
  readonly partitions: number
  readonly messages: number
  readonly members: readonly Member[]
  readonly sessionTimeoutMs: number
  /** SIGKILL one member once this fraction of the messages was delivered. */
  readonly killAt?: number
  readonly timeoutMs: number
}

export interface ScenarioResult {
  readonly delivered: number
  readonly repeats: number
  /** Kill → first delivery of one of the killed member's partitions by another member. */
  readonly handoverMs: number | null
  readonly elapsedMs: number
}

interface Delivery {
  readonly member: number
  readonly partition: number
  readonly offset: number
  readonly atMs: number
}

const HANDOVER_SLACK_MS = 5_000

async function waitFor(
  what: string,
  deadline: number,
  cond: () => boolean | Promise<boolean>,
): Promise<void> {
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function runGroupScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const deadline = started + o.timeoutMs
  const kafka = new Kafka({ brokers: [o.broker], clientId: 'group-scenario', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: o.topic, numPartitions: o.partitions }] })

  const deliveries: Delivery[] = []
  /** Per partition: highest acknowledged commit so far (next offset to read). */
  const committed = new Map<number, number>()
  const seen = new Set<string>()
  let repeats = 0
  const violations: string[] = []
  const stderr: string[] = o.members.map(() => '')
  const procs: ChildProcess[] = o.members.map((m, index) => {
    const p = spawn(m.command, [...m.args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let buf = ''
    p.stdout?.on('data', (b: Buffer) => {
      buf += b.toString()
      let nl = buf.indexOf('\n')
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim()
        buf = buf.slice(nl + 1)
        nl = buf.indexOf('\n')
        const [kind, ps, os] = line.split(' ')
        const partition = Number(ps)
        const offset = Number(os)
        if (kind === 'c') committed.set(partition, Math.max(committed.get(partition) ?? 0, offset))
        if (kind !== 'm') continue
        const key = `${partition}:${offset}`
        if (seen.has(key)) {
          repeats++
          const c = committed.get(partition) ?? 0
          if (offset < c) violations.push(`member ${index} re-read ${key} below the commit ${c}`)
        }
        seen.add(key)
        deliveries.push({ member: index, partition, offset, atMs: Date.now() })
      }
    })
    p.stderr?.on('data', (b: Buffer) => {
      stderr[index] = (stderr[index] + b.toString()).slice(-4000)
    })
    return p
  })
  const exited = procs.map((p) => new Promise<void>((r) => p.on('exit', () => r())))
  try {
    await waitFor(`a Stable group of ${o.members.length}`, deadline, async () => {
      const d = await admin.describeGroups([o.group])
      const g = d.groups[0]
      return g !== undefined && g.state === 'Stable' && g.members.length === o.members.length
    })
    const producer = kafka.producer()
    await producer.connect()
    const CHUNK = 5_000
    for (let start = 0; start < o.messages; start += CHUNK) {
      const messages = []
      for (let i = start; i < Math.min(o.messages, start + CHUNK); i++) messages.push({ value: `${i}` })
      await producer.send({ topic: o.topic, acks: -1, messages })
    }
    await producer.disconnect()

    let handoverMs: number | null = null
    let victimIndex = -1
    if (o.killAt !== undefined) {
      await waitFor(
        'deliveries before the kill',
        deadline,
        () => seen.size >= o.messages * (o.killAt as number),
      )
      const highs = new Map(
        (await admin.fetchTopicOffsets(o.topic)).map((p) => [p.partition, Number(p.high)]),
      )
      // Each partition's current owner and how far it got: the victim is the member whose
      // partitions hold the most undelivered messages, so that there is something to move.
      const owner = new Map<number, number>()
      const reached = new Map<number, number>()
      for (const d of deliveries) {
        owner.set(d.partition, d.member)
        reached.set(d.partition, Math.max(reached.get(d.partition) ?? 0, d.offset + 1))
      }
      const left = o.members.map(() => 0)
      for (const [p, m] of owner) left[m] = (left[m] ?? 0) + (highs.get(p) ?? 0) - (reached.get(p) ?? 0)
      victimIndex = left.indexOf(Math.max(...left))
      const victim = procs[victimIndex] as ChildProcess
      victim.kill('SIGKILL')
      await exited[victimIndex]
      const killedAt = Date.now()
      const mine = new Set(
        [...owner]
          .filter(([p, m]) => m === victimIndex && (reached.get(p) ?? 0) < (highs.get(p) ?? 0))
          .map(([p]) => p),
      )
      assert.ok(mine.size > 0, 'the killed member had partitions with messages left')
      const moved = (d: Delivery): boolean =>
        d.member !== victimIndex && d.atMs >= killedAt && mine.has(d.partition)
      await waitFor('the killed member’s partitions to move', deadline, () => deliveries.some(moved))
      const first = deliveries.find(moved)
      handoverMs = (first as Delivery).atMs - killedAt
      assert.ok(
        handoverMs <= o.sessionTimeoutMs + HANDOVER_SLACK_MS,
        `partitions moved after ${handoverMs} ms (session timeout ${o.sessionTimeoutMs} ms)`,
      )
    }
    await waitFor(`all ${o.messages} messages`, deadline, () => seen.size >= o.messages)
    // A moment for late repeats to show up before judging.
    await new Promise((r) => setTimeout(r, 500))
    assert.deepEqual(violations, [])
    assert.equal(seen.size, o.messages)
    const offsets = await admin.fetchTopicOffsets(o.topic)
    let total = 0
    for (const p of offsets) {
      const high = Number(p.high)
      total += high
      for (let off = 0; off < high; off++)
        assert.ok(seen.has(`${p.partition}:${off}`), `missing ${p.partition}:${off}`)
    }
    assert.equal(total, o.messages)
    if (o.killAt === undefined) assert.equal(repeats, 0, 'no repeats while no member fails')
    return { delivered: deliveries.length, repeats, handoverMs, elapsedMs: Date.now() - started }
  } catch (e) {
    throw new Error(`${(e as Error).message}\nmember stderr:\n${stderr.join('\n---\n')}`)
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM')
    const grace = setTimeout(() => {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    }, 10_000)
    await Promise.all(exited)
    clearTimeout(grace)
    await admin.disconnect()
  }
}
