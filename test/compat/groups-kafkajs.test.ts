/**
 * kafkajs consumer groups against a real node process: three members (child processes) over 12
 * partitions consume 100,000 messages exactly once; then a fresh group loses a member to SIGKILL
 * and the others take its partitions over within the session timeout, resuming from committed
 * offsets (group-scenario.ts states the checks).
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'
import { repoRoot } from '../helpers/repo.js'
import { type Member, runGroupScenario } from './group-scenario.js'

const SESSION_MS = 6_000
let node: NodeProcess

function members(client: string, topic: string, group: string): Member[] {
  const worker = join(repoRoot(), 'dist', 'test', 'compat', 'group-worker.js')
  return [0, 1, 2].map(() => ({
    command: process.execPath,
    args: [worker, client, node.broker, topic, group, String(SESSION_MS)],
  }))
}

before(async () => {
  node = await startNodeProcess({ args: ['--group-initial-rebalance-delay-ms', '0'] })
})

after(async () => {
  assert.equal(await node.stop(), 0, 'clean shutdown')
  removeDir(node.dataDir)
})

test('kafkajs: 3 members over 12 partitions consume 100,000 messages exactly once', {
  timeout: 180_000,
}, async () => {
  const r = await runGroupScenario({
    broker: node.broker,
    topic: 'groups-kafkajs',
    group: 'g-kafkajs',
    partitions: 12,
    messages: 100_000,
    members: members('kafkajs', 'groups-kafkajs', 'g-kafkajs'),
    sessionTimeoutMs: SESSION_MS,
    timeoutMs: 150_000,
  })
  console.log(`kafkajs group: ${r.delivered} deliveries, ${r.repeats} repeats, ${r.elapsedMs} ms`)
})

test('kafkajs: a SIGKILLed member’s partitions move within the session timeout', {
  timeout: 180_000,
}, async () => {
  const r = await runGroupScenario({
    broker: node.broker,
    topic: 'groups-kafkajs-kill',
    group: 'g-kafkajs-kill',
    partitions: 12,
    messages: 100_000,
    members: members('kafkajs', 'groups-kafkajs-kill', 'g-kafkajs-kill'),
    sessionTimeoutMs: SESSION_MS,
    killAt: 1 / 3,
    timeoutMs: 150_000,
  })
  console.log(
    `kafkajs kill: handover ${r.handoverMs} ms, ${r.repeats} repeats (after the last commit), ${r.elapsedMs} ms`,
  )
})
