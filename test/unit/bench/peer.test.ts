/**
 * The benchmark harness's pure parts: workload YAML validation, the standard set as committed,
 * percentiles and spreads, and the headline ratio picking the best fsync-before-ack peer.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { headlineLines, type Results } from '../../../bench/peer/report.js'
import { barChart, ladderChart } from '../../../bench/peer/svg.js'
import { failedRun, type RunResult } from '../../../bench/peer/run.js'
import { latencyHistogram, percentilesMs, recordMs, spread } from '../../../bench/peer/stats.js'
import { loadWorkloads, parseWorkload, type Workload } from '../../../bench/peer/workload.js'
import { repoRoot } from '../../helpers/repo.js'

const MINIMAL =
  'topics: 1\npartitionsPerTopic: 4\nmessageSize: 100\nproducersPerTopic: 1\nconsumerPerSubscription: 1\nproducerRate: 0\ntestDurationSeconds: 5\n'

test('a minimal workload parses with defaults; the name comes from the file', () => {
  const w = parseWorkload(MINIMAL, 'dir/my-load.yaml')
  assert.equal(w.name, 'my-load')
  assert.equal(w.partitionsPerTopic, 4)
  assert.equal(w.warmupSeconds, 0)
  assert.equal(w.consumerBacklogMessages, 0)
  assert.equal(w.backlogPhaseSecondsMax, 300)
})

test('OMB minute fields convert to seconds', () => {
  const w = parseWorkload(
    MINIMAL.replace('testDurationSeconds: 5', 'testDurationMinutes: 2\nwarmupDurationMinutes: 1'),
    'x.yaml',
  )
  assert.equal(w.testDurationSeconds, 120)
  assert.equal(w.warmupSeconds, 60)
})

test('bad workloads are refused with the file and the field named', () => {
  const cases: [string, RegExp][] = [
    [MINIMAL.replace('messageSize: 100', 'messageSize: 4'), /x\.yaml: messageSize/],
    [MINIMAL.replace('partitionsPerTopic: 4', 'partitionsPerTopic: 1.5'), /partitionsPerTopic/],
    [`${MINIMAL}surprise: 1\n`, /unknown field 'surprise'/],
    [MINIMAL.replace('testDurationSeconds: 5', 'testDurationSeconds: 0'), /live test needs/],
    ['- a\n- b\n', /expected a mapping/],
    ['topics: [1\n', /x\.yaml/],
  ]
  for (const [text, why] of cases) assert.throws(() => parseWorkload(text, 'x.yaml'), why)
})

test('the committed standard set is (a) to (d) as the issue states', () => {
  const ws = loadWorkloads(join(repoRoot(), 'bench', 'workloads'), 'all')
  const byName = new Map(ws.map((w) => [w.name.slice(0, 1), w]))
  const a = byName.get('a') as Workload
  const b = byName.get('b') as Workload
  const c = byName.get('c') as Workload
  const d = byName.get('d') as Workload
  assert.deepEqual([a.producerRate, a.partitionsPerTopic, a.messageSize], [0, 1, 100])
  assert.deepEqual([b.producerRate, b.partitionsPerTopic, b.messageSize], [0, 16, 1024])
  assert.deepEqual([c.producerRate, c.partitionsPerTopic, c.messageSize], [10_000, 16, 1024])
  assert.deepEqual([d.consumerBacklogMessages, d.messageSize], [1_000_000, 1024])
  assert.deepEqual(
    loadWorkloads(join(repoRoot(), 'bench', 'workloads'), 'b').map((w) => w.name),
    [b.name],
  )
  assert.throws(() => loadWorkloads(join(repoRoot(), 'bench', 'workloads'), 'zz'), /no workload 'zz'/)
})

test('percentiles come back in milliseconds within HdrHistogram precision', () => {
  const h = latencyHistogram()
  for (let i = 1; i <= 1000; i++) recordMs(h, i / 10)
  const p = percentilesMs(h)
  assert.ok(p !== null)
  assert.ok(Math.abs(p.p50 - 50) < 0.1, `p50 ${p.p50}`)
  assert.ok(Math.abs(p.p99 - 99) < 0.1, `p99 ${p.p99}`)
  assert.ok(Math.abs(p.max - 100) < 0.1, `max ${p.max}`)
  assert.equal(p.count, 1000)
  assert.equal(percentilesMs(latencyHistogram()), null)
})

test('spread is the median with min and max of the finite values', () => {
  assert.deepEqual(spread([3, 1, null, 2, Number.NaN]), { median: 2, min: 1, max: 3, n: 3 })
  assert.deepEqual(spread([4, 1]), { median: 2.5, min: 1, max: 4, n: 2 })
  assert.equal(spread([null, undefined]), null)
})

function run(system: string, workload: string, publishRate: number): RunResult {
  return {
    system,
    workload,
    repeat: 0,
    publishRate,
    publishMBps: 0,
    consumeRate: publishRate,
    publishLatencyMs: null,
    endToEndLatencyMs: null,
    backlogPublishSeconds: null,
    backlogComplete: null,
    drainSeconds: null,
    published: 0,
    consumed: 0,
    errors: 0,
    measuredSeconds: 1,
    loadAvg1: 0,
    wallSeconds: 1,
    firstError: null,
    failed: false,
  }
}

test('the headline compares Petrel with the best peer that fsyncs before the ack', () => {
  const w = parseWorkload(MINIMAL, 'a-max.yaml')
  const res = {
    systems: ['petrel-kafkajs', 'rabbitmq-quorum', 'nats-sync-always', 'nats-default'].map((name) => ({
      name,
      durability: '',
    })),
    workloads: [w],
    runs: [
      run('petrel-kafkajs', 'a-max', 9000),
      run('petrel-kafkajs', 'a-max', 11000),
      run('rabbitmq-quorum', 'a-max', 4000),
      run('nats-sync-always', 'a-max', 5000),
      run('nats-default', 'a-max', 50000),
    ],
  } as unknown as Results
  const [line] = headlineLines(res)
  assert.match(line ?? '', /nats-sync-always 5\.0k → Petrel ÷ peer = 2\.00× \(ahead\)/)
})

test('a failed repeat is left out of the medians', () => {
  const w = parseWorkload(MINIMAL, 'a-max.yaml')
  const res = {
    systems: ['petrel-kafkajs', 'rabbitmq-quorum'].map((name) => ({ name, durability: '' })),
    workloads: [w],
    runs: [
      run('petrel-kafkajs', 'a-max', 8000),
      run('rabbitmq-quorum', 'a-max', 4000),
      failedRun('rabbitmq-quorum', w, 1, new Error('541 INTERNAL_ERROR'), 1),
      failedRun('rabbitmq-quorum', w, 2, new Error('541 INTERNAL_ERROR'), 1),
    ],
  } as unknown as Results
  const [line] = headlineLines(res)
  assert.match(line ?? '', /rabbitmq-quorum 4\.0k → Petrel ÷ peer = 2\.00× \(ahead\)/)
})

test('charts carry every system label and value and scale bars to the largest', () => {
  const svg = barChart(
    'T <1>',
    [
      {
        title: 'a',
        unit: 'msg/s',
        rows: [
          { label: 'x', median: 50, min: 40, max: 100 },
          { label: 'y', median: 100, min: 100, max: 100 },
        ],
      },
    ],
    () => '#000',
  )
  assert.match(svg, /^<svg [^>]*width="900"/)
  assert.match(svg, /T &lt;1&gt;/)
  const widths = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]))
  assert.equal(widths.length, 2)
  assert.ok(Math.abs((widths[0] as number) * 2 - (widths[1] as number)) < 0.2, `bars ${widths}`)
  const ladder = ladderChart('L', [
    {
      title: 'c',
      rows: [
        {
          label: 'x',
          points: [
            { name: 'p50', ms: 1 },
            { name: 'max', ms: 100 },
          ],
        },
      ],
    },
  ])
  assert.equal([...ladder.matchAll(/<circle /g)].length, 4, 'two legend markers and two points')
  assert.match(ladder, />100 ms</)
})
