/**
 * From the raw runs to what a person reads: per workload, each system's medians over repeats with
 * the spread (min–max), Petrel's ratio to each row, the headline ratio to the best like-for-like
 * peer, and the charts (SVG, and PNG when rsvg-convert is there).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Machine } from './machine.js'
import type { RunResult } from './run.js'
import { type Spread, spread } from './stats.js'
import { type BarPanel, barChart, colorFor, fmtNum, type LadderPanel, ladderChart } from './svg.js'
import type { Workload } from './workload.js'

export interface Results {
  startedAt: string
  finishedAt: string
  wallSeconds: number
  machine: Machine
  /** 1-minute load average sampled every 10 s during the whole invocation. */
  loadAvgSamples: number[]
  systems: { name: string; durability: string }[]
  workloads: Workload[]
  runs: RunResult[]
  notes: string[]
}

/** Petrel's rows, the first present being the one ratios are taken from: our client, then kafkajs. */
const PETREL_ROWS = ['petrel-client', 'petrel-kafkajs']

export function primaryPetrel(res: Pick<Results, 'systems'>): string {
  return PETREL_ROWS.find((p) => res.systems.some((s) => s.name === p)) ?? 'petrel-client'
}
/** Rows that do not fsync before the ack; never the "best peer". */
const NOT_LIKE_FOR_LIKE = new Set(['nats-default'])

type Metric = (r: RunResult) => number | null | undefined

const M = {
  pub: (r: RunResult) => r.publishRate,
  con: (r: RunResult) => r.consumeRate,
  pubP50: (r: RunResult) => r.publishLatencyMs?.p50,
  pubP99: (r: RunResult) => r.publishLatencyMs?.p99,
  pubP999: (r: RunResult) => r.publishLatencyMs?.p999,
  pubMax: (r: RunResult) => r.publishLatencyMs?.max,
  e2eP50: (r: RunResult) => r.endToEndLatencyMs?.p50,
  e2eP99: (r: RunResult) => r.endToEndLatencyMs?.p99,
  e2eP999: (r: RunResult) => r.endToEndLatencyMs?.p999,
  e2eMax: (r: RunResult) => r.endToEndLatencyMs?.max,
  drain: (r: RunResult) => r.drainSeconds,
} satisfies Record<string, Metric>

function runsOf(res: Results, w: string, s: string): RunResult[] {
  return res.runs.filter((r) => r.workload === w && r.system === s && r.failed !== true)
}

function stat(res: Results, w: string, s: string, m: Metric): Spread | null {
  return spread(runsOf(res, w, s).map(m))
}

function cell(sp: Spread | null): string {
  if (sp === null) return '–'
  if (sp.n === 1 || sp.min === sp.max) return fmtNum(sp.median)
  return `${fmtNum(sp.median)} (${fmtNum(sp.min)}–${fmtNum(sp.max)})`
}

function ratio(a: Spread | null, b: Spread | null): number | null {
  if (a === null || b === null || b.median === 0) return null
  return a.median / b.median
}

const fmtRatio = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)}×`)

/** The figure a workload is judged by: throughput for max-rate tests, e2e p99 at fixed rate, drain time. */
export function headline(w: Workload): { what: string; metric: Metric; higherIsBetter: boolean } {
  // Read rate, not drain seconds: a system that hit the publish cap has a smaller backlog to drain.
  if (w.consumerBacklogMessages > 0)
    return { what: 'read-back rate, msg/s', metric: M.con, higherIsBetter: true }
  if (w.producerRate > 0) return { what: 'end-to-end p99, ms', metric: M.e2eP99, higherIsBetter: false }
  return { what: 'publish rate, msg/s', metric: M.pub, higherIsBetter: true }
}

function workloadTable(res: Results, w: Workload): string[] {
  const systems = res.systems.map((s) => s.name)
  const PETREL = primaryPetrel(res)
  const petrelPub = stat(res, w.name, PETREL, M.pub)
  const petrelE2e = stat(res, w.name, PETREL, M.e2eP99)
  const petrelDrain = stat(res, w.name, PETREL, M.drain)
  const backlog = w.consumerBacklogMessages > 0
  const lines = [
    backlog
      ? '| system | backlog acked | publish msg/s | Petrel ÷ row | publish p50 / p99 / p99.9 / max ms | drain s | Petrel ÷ row (drain s) | read msg/s |'
      : '| system | publish msg/s | Petrel ÷ row | consume msg/s | publish p50 / p99 / p99.9 / max ms | end-to-end p50 / p99 / p99.9 / max ms | Petrel ÷ row (e2e p99) |',
    backlog ? '|---|---:|---:|---:|---:|---:|---:|---:|' : '|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of systems) {
    const pub = stat(res, w.name, s, M.pub)
    if (pub === null) continue
    const pubLat = [M.pubP50, M.pubP99, M.pubP999, M.pubMax]
      .map((m) => fmtNum(stat(res, w.name, s, m)?.median ?? Number.NaN))
      .join(' / ')
    const e2eLat = [M.e2eP50, M.e2eP99, M.e2eP999, M.e2eMax]
      .map((m) => fmtNum(stat(res, w.name, s, m)?.median ?? Number.NaN))
      .join(' / ')
    const name = NOT_LIKE_FOR_LIKE.has(s) ? `${s} (no fsync before ack)` : s
    if (backlog) {
      const drain = stat(res, w.name, s, M.drain)
      const rs = runsOf(res, w.name, s)
      const capped = rs.some((x) => x.backlogComplete === false) ? ' (cap hit)' : ''
      const acked = `${cell(spread(rs.map((x) => x.published)))}${capped}`
      lines.push(
        `| ${name} | ${acked} | ${cell(pub)} | ${fmtRatio(ratio(petrelPub, pub))} | ${pubLat} | ${cell(drain)} | ${fmtRatio(ratio(petrelDrain, drain))} | ${cell(stat(res, w.name, s, M.con))} |`,
      )
    } else {
      const e2e = stat(res, w.name, s, M.e2eP99)
      lines.push(
        `| ${name} | ${cell(pub)} | ${fmtRatio(ratio(petrelPub, pub))} | ${cell(stat(res, w.name, s, M.con))} | ${pubLat} | ${e2eLat} | ${fmtRatio(ratio(petrelE2e, e2e))} |`,
      )
    }
  }
  return lines
}

/** One line per workload: Petrel's headline ratio to the best like-for-like peer. */
export function headlineLines(res: Results): string[] {
  const out: string[] = []
  const PETREL = primaryPetrel(res)
  for (const w of res.workloads) {
    const h = headline(w)
    const petrel = stat(res, w.name, PETREL, h.metric)
    let best: { name: string; sp: Spread } | null = null
    for (const s of res.systems) {
      if (PETREL_ROWS.includes(s.name) || NOT_LIKE_FOR_LIKE.has(s.name)) continue
      const sp = stat(res, w.name, s.name, h.metric)
      if (sp === null) continue
      const better =
        best === null || (h.higherIsBetter ? sp.median > best.sp.median : sp.median < best.sp.median)
      if (better) best = { name: s.name, sp }
    }
    if (petrel === null || best === null) {
      out.push(`- ${w.name}: no complete comparison`)
      continue
    }
    const r = petrel.median / best.sp.median
    const verdict = h.higherIsBetter ? (r >= 1 ? 'ahead' : 'behind') : r <= 1 ? 'ahead' : 'behind'
    out.push(
      `- **${w.name}** (${h.what}): ${PETREL} ${fmtNum(petrel.median)} vs best fsync-before-ack peer ${best.name} ${fmtNum(best.sp.median)} → Petrel ÷ peer = ${r.toFixed(2)}× (${verdict})`,
    )
  }
  return out
}

export function markdown(res: Results): string {
  const m = res.machine
  const load = res.loadAvgSamples
  const lines = [
    `# Petrel beside RabbitMQ and NATS JetStream — ${res.startedAt.slice(0, 10)}`,
    '',
    `Run ${res.startedAt} → ${res.finishedAt} (${(res.wallSeconds / 60).toFixed(1)} min). Every figure is the median over repeats with the min–max in brackets; systems alternate order over repeats.`,
    '',
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}; disk ${m.disk}.`,
    `Load average (1 min) during the run: min ${Math.min(...load).toFixed(2)}, median ${(spread(load)?.median ?? 0).toFixed(2)}, max ${Math.max(...load).toFixed(2)} (at start ${m.loadAvgAtStart.join(' ')}).`,
    `Versions: ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    `Ratios are Petrel ÷ row, Petrel being the ${primaryPetrel(res)} row: above 1× Petrel publishes (or reads) faster; for latency and drain time below 1× Petrel is lower/faster.`,
    '',
    '## Headline',
    '',
    ...headlineLines(res),
    '',
  ]
  for (const w of res.workloads) {
    const rate = w.producerRate === 0 ? 'max rate' : `${w.producerRate} msg/s`
    const shape =
      w.consumerBacklogMessages > 0
        ? `${w.consumerBacklogMessages} messages published with no consumer, then drained`
        : `${rate}, ${w.testDurationSeconds} s after ${w.warmupSeconds} s warm-up`
    lines.push(
      `## ${w.name}`,
      '',
      `${w.partitionsPerTopic} partition(s), ${w.messageSize} B messages, ${w.producersPerTopic} producer(s), ${w.consumerPerSubscription} consumer(s); ${shape}.`,
      '',
    )
    lines.push(...workloadTable(res, w), '')
  }
  lines.push('## Durability per row', '', ...res.systems.map((s) => `- ${s.name}: ${s.durability}`), '')
  const errs = res.runs.filter((r) => r.errors > 0 || r.firstError !== null)
  if (errs.length > 0) {
    lines.push(
      '## Errors',
      '',
      ...errs.map(
        (r) => `- ${r.system} ${r.workload} repeat ${r.repeat}: ${r.errors} errors; ${r.firstError ?? ''}`,
      ),
      '',
    )
  }
  if (res.notes.length > 0) lines.push('## Notes', '', ...res.notes.map((n) => `- ${n}`), '')
  return lines.join('\n')
}

export function writeCharts(res: Results, dir: string): string[] {
  const colors = new Map(res.systems.map((s, i) => [s.name, colorFor(i)]))
  const colorOf = (label: string) => colors.get(label) ?? '#999'
  const bars = (w: Workload, m: Metric, what: string, unit: string): BarPanel => ({
    title: `${w.name}: ${what}`,
    unit,
    rows: res.systems.flatMap((s) => {
      const sp = stat(res, w.name, s.name, m)
      return sp === null ? [] : [{ label: s.name, median: sp.median, min: sp.min, max: sp.max }]
    }),
  })
  const tp: BarPanel[] = []
  for (const w of res.workloads) {
    tp.push(bars(w, M.pub, 'publish rate (acked)', 'messages/s, median; whisker min–max'))
    if (w.consumerBacklogMessages > 0)
      tp.push(bars(w, M.con, 'drain rate (read back the backlog)', 'messages/s'))
  }
  const ladders: LadderPanel[] = []
  for (const w of res.workloads) {
    if (w.consumerBacklogMessages > 0) continue
    const panel = (title: string, ms: Metric[]): LadderPanel => ({
      title,
      rows: res.systems.flatMap((s) => {
        const pts = ['p50', 'p99', 'p99.9', 'max'].map((name, i) => ({
          name,
          ms: stat(res, w.name, s.name, ms[i] as Metric)?.median ?? Number.NaN,
        }))
        return pts.some((p) => !Number.isFinite(p.ms)) ? [] : [{ label: s.name, points: pts }]
      }),
    })
    ladders.push(
      panel(`${w.name}: end-to-end latency (send → receive)`, [M.e2eP50, M.e2eP99, M.e2eP999, M.e2eMax]),
    )
    ladders.push(panel(`${w.name}: publish latency (send → ack)`, [M.pubP50, M.pubP99, M.pubP999, M.pubMax]))
  }
  const files: string[] = []
  const write = (name: string, svg: string) => {
    const path = join(dir, name)
    writeFileSync(path, svg)
    files.push(path)
    try {
      execFileSync('rsvg-convert', ['-o', path.replace(/\.svg$/, '.png'), path], { stdio: 'ignore' })
      files.push(path.replace(/\.svg$/, '.png'))
    } catch {
      process.stderr.write(`rsvg-convert failed or missing: ${name} has no PNG\n`)
    }
  }
  write('throughput.svg', barChart('Throughput, fsync before ack except nats-default', tp, colorOf))
  write('latency.svg', ladderChart('Latency percentiles (median over repeats), log scale', ladders))
  return files
}
