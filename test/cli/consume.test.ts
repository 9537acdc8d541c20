/**
 * produce → consume end to end: a node started in-process, the real `petrel` binary as a child
 * process (through the Petrel client): --json lines parse and carry keys and headers, text
 * output prints them on request, --count and --idle-ms stop it.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connectClient } from '../../src/cli/client-api.js'
import { type Harness, runBinary, spawnBinary, startHarness } from './harness.js'

let h: Harness
before(async () => {
  h = await startHarness(connectClient)
  await h.json(['topic', 'create', 'events', '--partitions', '3'])
  const stdin = Array.from({ length: 30 }, (_, i) => `user${i % 4}|event ${i}`).join('\n')
  await h.json(['produce', 'events', '--key-separator', '|', '--header', 'source=cli', '--header', 'v=2'], {
    stdin,
  })
})
after(async () => {
  await h.close()
})

interface Line {
  topic: string
  partition: number
  offset: number
  timestampMs: number
  key: string | null
  value: string
  headers: { key: string; value: string }[]
}

test('consume --from-beginning --count --json: every message once, keys and headers intact', async () => {
  const r = await runBinary([
    'consume',
    'events',
    '--from-beginning',
    '--count',
    '30',
    '--json',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
  assert.equal(lines.length, 30)
  assert.deepEqual(
    lines.map((l) => Number(l.value.slice(6))).sort((a, b) => a - b),
    [...Array(30).keys()],
  )
  for (const l of lines) {
    assert.equal(l.topic, 'events')
    assert.equal(l.key, `user${Number(l.value.slice(6)) % 4}`)
    assert.deepEqual(l.headers, [
      { key: 'source', value: 'cli' },
      { key: 'v', value: '2' },
    ])
    assert.ok(l.timestampMs > 0)
  }
  // One key, one partition: the partitioner places keys, and offsets within a partition ascend.
  const byKey = new Map<string, Set<number>>()
  for (const l of lines) byKey.set(l.key ?? '', (byKey.get(l.key ?? '') ?? new Set()).add(l.partition))
  for (const parts of byKey.values()) assert.equal(parts.size, 1)
  assert.match(r.stderr, /^consumed 30 messages \(.*\) in \d+\.\d\d s: \d+ msg\/s, \d+\.\d\d MiB\/s\n$/)
})

test('consume text output with --print-key and --print-headers; --idle-ms ends a short read', async () => {
  // In-process (the others run the binary): a consumer closed while a fetch is parked must not
  // leave an unhandled rejection behind, which node:test would report.
  const r = await h.petrel([
    'consume',
    'events',
    '--from-beginning',
    '--print-key',
    '--print-headers',
    '--idle-ms',
    '1500',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 30, 'all 30, then idle')
  for (const l of lines) assert.match(l, /^user\d\tsource=cli,v=2\tevent \d+$/)
  assert.match(r.stderr, /^consumed 30 messages/)
})

test('consume without --from-beginning sees only new messages', async () => {
  let done = false
  const reading = runBinary([
    'consume',
    'events',
    '--count',
    '1',
    '--json',
    '--bootstrap',
    h.bootstrap,
  ]).finally(() => {
    done = true
  })
  // Keep producing until the consumer (a fresh process, slow to start on a busy machine) has one.
  for (let i = 0; !done && i < 60; i++) {
    await h.json(['produce', 'events', '--key', 'late'], { stdin: `fresh ${i}\n` })
    await new Promise((r) => setTimeout(r, 250))
  }
  const r = await reading
  assert.equal(r.code, 0, r.stderr)
  const m = JSON.parse(r.stdout) as Line
  assert.equal(m.key, 'late')
  assert.match(m.value, /^fresh \d+$/, 'none of the 30 earlier messages')
})

test('consume of an unknown topic exits 1 with one line', async () => {
  const r = await runBinary(['consume', 'missing', '--count', '1', '--bootstrap', h.bootstrap])
  assert.equal(r.code, 1)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /^petrel consume: unknown topic 'missing'\n$/)
})

test('Ctrl-C ends produce waiting on an open stdin: what was sent is summarized, exit 0', async () => {
  const run = spawnBinary(['produce', 'events', '--json', '--bootstrap', h.bootstrap], {
    stdin: 'one\ntwo\n',
    keepStdinOpen: true,
  })
  // Wait until both lines are acknowledged (the topic's latest offsets grow by 2), then stop it.
  const total = async () =>
    (
      (await h.json(['topic', 'describe', 'events'])) as { partitions: { latestOffset: number }[] }
    ).partitions.reduce((n, p) => n + p.latestOffset, 0)
  const before = await total()
  for (let i = 0; i < 100 && (await total()) < before + 2; i++) await new Promise((r) => setTimeout(r, 100))
  run.child.kill('SIGINT')
  const r = await run.result
  assert.equal(r.code, 0, r.stderr)
  assert.equal((JSON.parse(r.stdout) as { messages: number }).messages, 2)
})
