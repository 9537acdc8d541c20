/**
 * consume --group through the real binary commits offsets to the group; `petrel group list|
 * describe|reset-offsets` (in-process, through the Petrel client) then report and move them.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type Harness, runBinary, spawnBinary, startHarness } from './harness.js'
import { connectClient } from '../../src/cli/client-api.js'

let h: Harness
before(async () => {
  h = await startHarness(connectClient)
  await h.json(['topic', 'create', 'jobs', '--partitions', '2'])
  const stdin = Array.from({ length: 40 }, (_, i) => `k${i}:job ${i}`).join('\n')
  await h.json(['produce', 'jobs', '--key-separator', ':'], { stdin })
})
after(async () => {
  await h.close()
})

interface Lag {
  topic: string
  partition: number
  committedOffset: number | null
  latestOffset: number
  lag: number | null
}

test('consume --group commits; a second run resumes; group list and describe show lag per partition', async () => {
  const first = await runBinary([
    'consume',
    'jobs',
    '--group',
    'workers',
    '--from-beginning',
    '--count',
    '25',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(first.code, 0, first.stderr)
  const firstValues = first.stdout.trimEnd().split('\n')
  assert.equal(firstValues.length, 25)

  const groups = (await h.json(['group', 'list'])) as { groupId: string }[]
  assert.ok(
    groups.some((g) => g.groupId === 'workers'),
    JSON.stringify(groups),
  )

  const d = (await h.json(['group', 'describe', 'workers'])) as {
    state: string
    offsets: Lag[]
    totalLag: number
  }
  assert.equal(d.state, 'Empty', 'the consumer left the group on exit')
  const committed = d.offsets.reduce((n, o) => n + (o.committedOffset ?? 0), 0)
  assert.equal(committed, 25, 'offsets after exactly the 25 printed messages')
  assert.equal(d.totalLag, 15)
  for (const o of d.offsets) assert.equal(o.lag, o.latestOffset - (o.committedOffset ?? 0))

  const text = await h.petrel(['group', 'describe', 'workers', '--bootstrap', h.bootstrap])
  assert.match(text.stdout, /^group workers: Empty, 0 member\(s\)/)
  assert.match(
    text.stdout,
    /TOPIC\s+PARTITION\s+COMMITTED\s+LATEST\s+LAG\njobs\s+0\s+\d+\s+\d+\s+\d+\njobs\s+1\s/,
  )

  // The rest, and no repeats: the group resumes where it committed.
  const second = await runBinary([
    'consume',
    'jobs',
    '--group',
    'workers',
    '--idle-ms',
    '2000',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(second.code, 0, second.stderr)
  const all = [...firstValues, ...second.stdout.trimEnd().split('\n')].map((v) => Number(v.slice(4)))
  assert.deepEqual(
    all.sort((a, b) => a - b),
    [...Array(40).keys()],
  )
})

test('group reset-offsets moves every partition, then the group reads again from there', async () => {
  // --to-offset only: kafkajs's setOffsets (a seeking consumer) read back no committed offset
  // after seeks to the earliest or latest offset here, so --to-earliest and --to-latest are
  // covered end to end only once the Petrel client has group administration.
  const r = (await h.json(['group', 'reset-offsets', 'workers', '--topic', 'jobs', '--to-offset', '3'])) as {
    offsets: Lag[]
  }
  assert.deepEqual(r.offsets.map((o) => [o.partition, o.committedOffset]).sort(), [
    [0, 3],
    [1, 3],
  ])
  const again = await runBinary([
    'consume',
    'jobs',
    '--group',
    'workers',
    '--count',
    '34',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(again.code, 0, again.stderr)
  assert.equal(again.stdout.trimEnd().split('\n').length, 34, 'everything after offset 3 on both partitions')

  const end = (await h.json(['group', 'reset-offsets', 'workers', '--topic', 'jobs', '--to-latest'])) as {
    offsets: Lag[]
  }
  for (const o of end.offsets) assert.deepEqual([o.committedOffset, o.lag], [o.latestOffset, 0])
  const start = (await h.json(['group', 'reset-offsets', 'workers', '--topic', 'jobs', '--to-earliest'])) as {
    offsets: Lag[]
  }
  for (const o of start.offsets) assert.deepEqual([o.committedOffset, o.lag], [0, o.latestOffset])

  const bad = await h.petrel([
    'group',
    'reset-offsets',
    'workers',
    '--topic',
    'jobs',
    '--bootstrap',
    h.bootstrap,
  ])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /exactly one of --to-earliest, --to-latest, --to-offset N/)
})

test('Ctrl-C: consume --group stops, commits exactly what it printed, leaves the group, exits 0', async () => {
  const stdin = Array.from({ length: 2000 }, (_, i) => `k${i}:more ${i}`).join('\n')
  await h.json(['produce', 'jobs', '--key-separator', ':'], { stdin })
  const run = spawnBinary([
    'consume',
    'jobs',
    '--group',
    'stopper',
    '--from-beginning',
    '--bootstrap',
    h.bootstrap,
  ])
  for (let i = 0; i < 200 && run.stdout().split('\n').length < 100; i++)
    await new Promise((r) => setTimeout(r, 50))
  run.child.kill('SIGINT')
  const r = await run.result
  assert.equal(r.code, 0, r.stderr)
  const printed = r.stdout.trimEnd().split('\n').length
  assert.ok(printed >= 100, `printed ${printed}`)
  assert.match(r.stderr, new RegExp(`^consumed ${printed} messages`))
  const d = (await h.json(['group', 'describe', 'stopper'])) as { state: string; offsets: Lag[] }
  assert.equal(d.state, 'Empty')
  assert.equal(
    d.offsets.reduce((n, o) => n + (o.committedOffset ?? 0), 0),
    printed,
  )
})
