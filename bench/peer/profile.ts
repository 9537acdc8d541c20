/**
 * Top functions of a V8 CPU profile (`node --cpu-prof`) by self time, as a Markdown table:
 * where a node spends its CPU under a workload. Samples are attributed to the innermost frame;
 * "(idle)", "(program)" and "(garbage collector)" are kept since they say where time went too.
 */
import { readFileSync } from 'node:fs'

interface CpuProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: CpuProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface TopFunction {
  name: string
  where: string
  selfMs: number
  percent: number
  /** Share of the time the process was not idle. */
  busyPercent: number
}

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/')
  if (i >= 0) return url.slice(i + 1)
  const j = url.lastIndexOf('/node_modules/')
  if (j >= 0) return url.slice(j + 1)
  return url.replace(/^file:\/\//, '')
}

export function topFunctions(
  path: string,
  count: number,
): { top: TopFunction[]; totalMs: number; busyMs: number } {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<string, { name: string; where: string; us: number }>()
  const samples = p.samples ?? []
  const deltas = p.timeDeltas ?? []
  let total = 0
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number)
    // A sample's time is the gap to the next sample (V8's deltas are to the previous one).
    const us = Math.max(0, deltas[i + 1] ?? 0)
    if (node === undefined) continue
    total += us
    const cf = node.callFrame
    const name = cf.functionName === '' ? '(anonymous)' : cf.functionName
    const where = cf.url === '' ? '' : `${shortUrl(cf.url)}:${cf.lineNumber + 1}`
    const key = `${name}@${where}`
    const e = selfUs.get(key) ?? { name, where, us: 0 }
    e.us += us
    selfUs.set(key, e)
  }
  const idle = [...selfUs.values()].filter((e) => e.name === '(idle)').reduce((t, e) => t + e.us, 0)
  const busy = total - idle
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: e.us / 1000,
      percent: total === 0 ? 0 : (100 * e.us) / total,
      busyPercent: busy === 0 || e.name === '(idle)' ? 0 : (100 * e.us) / busy,
    }))
  return { top, totalMs: total / 1000, busyMs: busy / 1000 }
}

export function topFunctionsMarkdown(path: string, count: number): string {
  const { top, totalMs, busyMs } = topFunctions(path, count)
  const lines = [
    `Profile: ${(totalMs / 1000).toFixed(1)} s of samples, ${(busyMs / 1000).toFixed(1)} s of them not idle.`,
    '',
    '| # | function | where | self ms | % of all | % of busy |',
    '|---:|---|---|---:|---:|---:|',
    ...top.map(
      (t, i) =>
        `| ${i + 1} | \`${t.name}\` | ${t.where} | ${t.selfMs.toFixed(0)} | ${t.percent.toFixed(1)} | ${t.name === '(idle)' ? '–' : t.busyPercent.toFixed(1)} |`,
    ),
  ]
  return lines.join('\n')
}
