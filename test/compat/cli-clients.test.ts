/**
 * Debian's command-line clients against a real node process: kcat 1.7.1 (librdkafka 2.0.2)
 * produces 10,000 lines and reads the same lines back, and `kcat -L` lists the topic;
 * kafka-python 2.0.2 produces and consumes 10,000 messages. `.ci/run` installs both packages.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type NodeProcess, removeDir, startNodeProcess } from '../helpers/node-process.js'
import { repoRoot } from '../helpers/repo.js'

const LINES = 10_000
let node: NodeProcess

function run(cmd: string, args: string[], input?: string): string {
  assert.ok(
    existsSync(cmd),
    `${cmd} is missing: install the Debian packages kcat and python3-kafka (.ci/run does)`,
  )
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 })
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

before(async () => {
  node = await startNodeProcess({ args: ['--default-partitions', '3'] })
})

after(async () => {
  assert.equal(await node.stop(), 0, 'clean shutdown')
  removeDir(node.dataDir)
})

test('kcat produces 10,000 lines, reads the same lines back, and lists the topic', {
  timeout: 120_000,
}, () => {
  const topic = 'compat-kcat'
  const lines = Array.from({ length: LINES }, (_, i) => `line-${i}`)
  run('/usr/bin/kcat', ['-b', node.broker, '-P', '-t', topic, '-X', 'acks=all'], `${lines.join('\n')}\n`)
  const out = run('/usr/bin/kcat', ['-b', node.broker, '-C', '-t', topic, '-e', '-q', '-f', '%s\n'])
  const got = out.split('\n').filter((l) => l.length > 0)
  assert.equal(got.length, LINES)
  // kcat reads partitions interleaved; the set must be exact.
  assert.deepEqual([...got].sort(), [...lines].sort())
  const meta = run('/usr/bin/kcat', ['-b', node.broker, '-L', '-t', topic])
  assert.match(meta, new RegExp(`topic "${topic}" with 3 partitions`))
  assert.match(meta, /broker 0 at 127\.0\.0\.1:\d+/)
})

test('kafka-python produces and consumes 10,000 messages', { timeout: 120_000 }, () => {
  const script = join(repoRoot(), 'test', 'compat', 'kafka_python_roundtrip.py')
  const out = run('/usr/bin/python3', [script, node.broker, 'compat-kafka-python', String(LINES)])
  const summary = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
  assert.deepEqual(summary, { acked: LINES, read: LINES, partitions: 3, ok: true })
})
