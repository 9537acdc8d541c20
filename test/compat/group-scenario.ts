/**
 * A consumer-group scenario against a real node, shared by the group compat tests: members run as
 * child processes printing `m <partition> <offset>` per delivered message and `c <partition>
 * <offset>` per acknowledged commit (test/compat/group-worker.ts, kafka_python_group.py, kcat -G).
 * The scenario waits until the group is Stable with every member, produces, optionally SIGKILLs a
 * member mid-way, and checks what the tests promise:
 * - every message is delivered; without a kill, exactly once;
 * - a repeat of (p, o) never lies below the last commit of p acknowledged before the kill, so
 *   the new owner resumed from committed offsets and repeats only what followed the last commit;
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
  /** SIGKILL one member once this fraction of the messages was produced and delivered. */
  readonly killAt?: number
  readonly timeoutMs: number
  /**
   * For members that cannot say when a commit is acknowledged (kcat auto-commits): learn the
   * committed offsets by asking the broker every 200 ms instead.
   */
  readonly pollCommits?: boolean
}

export interface ScenarioResult {
  readonly delivered: number
  readonly repeats: number
  /** Per partition: how many deliveries were repeats, and the commit acknowledged before the kill. */
  readonly repeated: readonly { partition: number; repeats: number; committedAtKill: number }[]
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
  let committedAtKill: Map<number, number> | null = null
  const repeatsOf = new Map<number, number>()
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
          repeatsOf.set(partition, (repeatsOf.get(partition) ?? 0) + 1)
          // Judged against the commits acknowledged before the kill: after it, a client may still
          // land commits of what it read (platformatic retries a commit after rejoining).
          const c = committedAtKill?.get(partition) ?? 0
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
  const closed = procs.map((p) => new Promise<void>((r) => p.on('close', () => r())))
  let polling = o.pollCommits === true
  const pollErrors: string[] = []
  const poller = (async () => {
    while (polling) {
      const fetched = await admin
        .fetchOffsets({ groupId: o.group, topics: [o.topic] })
        .catch((e: unknown) => {
          pollErrors.push(String(e))
          return []
        })
      for (const t of fetched) {
        for (const p of t.partitions) {
          const off = Number(p.offset)
          if (off >= 0) committed.set(p.partition, Math.max(committed.get(p.partition) ?? 0, off))
        }
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  })()
  try {
    await waitFor(`a Stable group of ${o.members.length}`, deadline, async () => {
      const d = await admin.describeGroups([o.group])
      const g = d.groups[0]
      return g !== undefined && g.state === 'Stable' && g.members.length === o.members.length
    })
    // Produced in chunks; with a kill, the victim dies once `killAt` of the messages were sent
    // and delivered, and the rest is produced after, so its partitions have messages to move.
    let handoverMs: number | null = null
    let victimIndex = -1
    let killedAt = 0
    let mine = new Set<number>()
    const killAt = o.killAt === undefined ? Number.POSITIVE_INFINITY : Math.ceil(o.messages * o.killAt)
    const producer = kafka.producer()
    await producer.connect()
    const CHUNK = 5_000
    for (let start = 0; start < o.messages; ) {
      const end = Math.min(o.messages, start + CHUNK, start < killAt ? killAt : o.messages)
      const messages = []
      for (let i = start; i < end; i++) messages.push({ value: `${i}` })
      await producer.send({ topic: o.topic, acks: -1, messages })
      start = end
      if (start !== killAt) continue
      await waitFor('deliveries before the kill', deadline, () => seen.size >= killAt)
      // Every partition read so far has a commit (kcat auto-commits every 5 s whatever the
      // setting), so that the kill tests resuming from real commits, not from the beginning.
      await waitFor(`a commit on every partition before the kill ${pollErrors.slice(0, 1)}`, deadline, () =>
        deliveries.every((d) => (committed.get(d.partition) ?? 0) > 0),
      )
      // The victim: the member that owns the most partitions (by their latest delivery).
      const ownerOf = (): Map<number, number> => new Map(deliveries.map((d) => [d.partition, d.member]))
      const owned = o.members.map(() => 0)
      for (const m of ownerOf().values()) owned[m] = (owned[m] ?? 0) + 1
      victimIndex = owned.indexOf(Math.max(...owned))
      ;(procs[victimIndex] as ChildProcess).kill('SIGKILL')
      // 'close' comes after the victim's last stdout bytes were read: its deliveries are all in.
      await closed[victimIndex]
      committedAtKill = new Map(committed)
      killedAt = Date.now()
      mine = new Set([...ownerOf()].filter(([, m]) => m === victimIndex).map(([p]) => p))
    }
    await producer.disconnect()
    if (o.killAt !== undefined) {
      assert.ok(mine.size > 0, 'the killed member owned partitions')
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
    const repeated = [...repeatsOf]
      .sort((a, b) => a[0] - b[0])
      .map(([partition, n]) => ({
        partition,
        repeats: n,
        committedAtKill: committedAtKill?.get(partition) ?? 0,
      }))
    return { delivered: deliveries.length, repeats, repeated, handoverMs, elapsedMs: Date.now() - started }
  } catch (e) {
    const perPartition = new Map<number, number>()
    for (const d of deliveries) perPartition.set(d.partition, (perPartition.get(d.partition) ?? 0) + 1)
    const last = new Map<number, string>()
    for (const d of deliveries) last.set(d.partition, `m${d.member}@${d.offset}`)
    const state = [...perPartition].sort((a, b) => a[0] - b[0]).map(([p, n]) => `${p}:${n} ${last.get(p)}`)
    throw new Error(
      `${(e as Error).message}; ${seen.size} distinct, ${repeats} repeats; per partition ${state.join(', ')}; ` +
        `commits ${JSON.stringify([...committed])}\nmember stderr:\n${stderr.join('\n---\n')}`,
    )
  } finally {
    polling = false
    await poller.catch(() => {})
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM')
    const grace = setTimeout(() => {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    }, 10_000)
    await Promise.all(exited)
    clearTimeout(grace)
    await admin.disconnect()
  }
}
