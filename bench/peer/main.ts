/**
 * `npm run bench -- --workload NAME|all [--systems a,b] [--repeats N] [--backlog-repeats N]
 *  [--scale F] [--out DIR] [--no-profile]`
 *
 * Installs the peers when missing, then for each repeat starts every system in turn (the order
 * rotates each repeat), each with a fresh data folder, runs the workloads against it and stops it
 * by process id. Writes results.json, results.md, throughput/latency SVG and PNG into
 * bench/results/<date>/ (or --out), prints the table, and, when workload b is in the set, profiles
 * the Petrel node under it with --cpu-prof. `--scale 0.1` shortens every duration and backlog for
 * trying the harness; such runs are marked as scaled in their results.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { describeMachine } from './machine.js'
import { topFunctionsMarkdown } from './profile.js'
import { markdown, type Results, writeCharts } from './report.js'
import { failedRun, type RunResult, runWorkload } from './run.js'
import { SYSTEM_NAMES, type SystemName, type SystemOptions, systemSpec } from './systems.js'
import { loadWorkloads, type Workload } from './workload.js'

interface Args {
  workload: string
  systems: SystemName[]
  repeats: number
  backlogRepeats: number
  scale: number
  out: string | null
  profile: boolean
}

const HELP = `usage: npm run bench -- --workload NAME|all [--systems ${SYSTEM_NAMES.join(',')}]
  [--repeats N (3)] [--backlog-repeats N (1)] [--scale F (1)] [--out DIR] [--no-profile]`

function parseArgs(argv: string[]): Args {
  const a: Args = {
    workload: 'all',
    systems: [...SYSTEM_NAMES],
    repeats: 3,
    backlogRepeats: 1,
    scale: 1,
    out: null,
    profile: true,
  }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    const v = (): string => {
      const x = argv[++i]
      if (x === undefined) throw new Error(`${k} needs a value`)
      return x
    }
    const int = (min: number, max: number): number => {
      const x = Number(v())
      if (!Number.isInteger(x) || x < min || x > max)
        throw new Error(`${k} must be an integer in [${min}, ${max}]`)
      return x
    }
    if (k === '--workload') a.workload = v()
    else if (k === '--systems') {
      a.systems = v()
        .split(',')
        .map((s) => {
          if (!(SYSTEM_NAMES as readonly string[]).includes(s)) throw new Error(`unknown system '${s}'`)
          return s as SystemName
        })
    } else if (k === '--repeats') a.repeats = int(1, 20)
    else if (k === '--backlog-repeats') a.backlogRepeats = int(0, 20)
    else if (k === '--scale') {
      a.scale = Number(v())
      if (!(a.scale > 0 && a.scale <= 10)) throw new Error('--scale must be in (0, 10]')
    } else if (k === '--out') a.out = v()
    else if (k === '--no-profile') a.profile = false
    else if (k === '--help' || k === '-h') {
      process.stdout.write(`${HELP}\n`)
      process.exit(0)
    } else throw new Error(`unknown argument '${k}'\n${HELP}`)
  }
  return a
}

function scaled(w: Workload, f: number): Workload {
  if (f === 1) return w
  return {
    ...w,
    testDurationSeconds: Math.max(1, Math.round(w.testDurationSeconds * f)),
    warmupSeconds: Math.round(w.warmupSeconds * f),
    consumerBacklogMessages: Math.round(w.consumerBacklogMessages * f),
    backlogPhaseSecondsMax: Math.max(1, Math.round(w.backlogPhaseSecondsMax * f)),
  }
}

/** Seconds to start and stop one server, on average over the systems (RabbitMQ is the slow one). */
const SERVER_START_STOP_S = 10

/** Seconds a run is expected to take before one has been seen; replaced by what was seen. */
function guessSeconds(w: Workload): number {
  if (w.consumerBacklogMessages > 0)
    return Math.min(w.consumerBacklogMessages / 8000, 2 * w.backlogPhaseSecondsMax) + 5
  return w.warmupSeconds + w.testDurationSeconds + 2
}

function fmtDuration(s: number): string {
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`
}

interface Plan {
  repeat: number
  system: SystemName
  workloads: Workload[]
}

function plan(a: Args, workloads: Workload[]): Plan[] {
  const out: Plan[] = []
  for (let r = 0; r < a.repeats; r++) {
    for (let i = 0; i < a.systems.length; i++) {
      const system = a.systems[(i + r) % a.systems.length] as SystemName
      const ws = workloads.filter((w) => w.consumerBacklogMessages === 0 || r < a.backlogRepeats)
      if (ws.length > 0) out.push({ repeat: r, system, workloads: ws })
    }
  }
  return out
}

function installPeers(repo: string): string {
  const out = execFileSync('bash', [join(repo, 'bench', 'peer', 'install-peers.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const bin = out.trim().split('\n').pop()
  if (bin === undefined || bin === '') throw new Error('install-peers.sh printed no nats-server path')
  return bin
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2))
  const repo = join(fileURLToPath(import.meta.url), '..', '..', '..', '..')
  const workloads = loadWorkloads(join(repo, 'bench', 'workloads'), a.workload).map((w) => scaled(w, a.scale))
  const natsBinary = installPeers(repo)
  const opts: SystemOptions = { repo, natsBinary }
  const startedAt = new Date()
  const out = a.out ?? join(repo, 'bench', 'results', startedAt.toISOString().slice(0, 10))
  mkdirSync(out, { recursive: true })
  const machine = describeMachine(repo, natsBinary, tmpdir())
  const steps = plan(a, workloads)
  const seen = new Map<string, number>()
  const estimate = (s: SystemName, w: Workload) => seen.get(`${s}/${w.name}`) ?? guessSeconds(w)
  const totalRuns = steps.reduce((n, p) => n + p.workloads.length, 0)
  const loadSamples: number[] = [loadavg()[0] ?? 0]
  const sampler = setInterval(() => loadSamples.push(loadavg()[0] ?? 0), 10_000)
  const runs: RunResult[] = []
  const t0 = performance.now()
  let done = 0
  for (let si = 0; si < steps.length; si++) {
    const step = steps[si] as Plan
    const spec = systemSpec(step.system, opts)
    line(`starting ${step.system} (repeat ${step.repeat + 1}/${a.repeats})`)
    const server = await spec.start()
    const driver = spec.driver(server)
    try {
      for (let wi = 0; wi < step.workloads.length; wi++) {
        const w = step.workloads[wi] as Workload
        // Each later step also starts and stops its server; the profile run at the end is one more.
        let left = (steps.length - si) * SERVER_START_STOP_S
        for (let sj = si; sj < steps.length; sj++) {
          const st = steps[sj] as Plan
          for (const x of st.workloads.slice(sj === si ? wi : 0)) left += estimate(st.system, x)
        }
        const runStart = performance.now()
        // One system's fault (a server closing a connection, a client error) is recorded as a failed
        // repeat; the run goes on with the next workload and system.
        const res = await runWorkload({ driver, repeat: step.repeat }, w, (status) => {
          const el = (performance.now() - runStart) / 1000
          line(
            `[${done + 1}/${totalRuns}] ${step.system} · ${w.name} · repeat ${step.repeat + 1}/${a.repeats} · ${status} · ~${fmtDuration(Math.max(0, left - el))} left`,
          )
        }).catch((e: unknown) => {
          process.stdout.write(`\n${step.system} ${w.name} repeat ${step.repeat + 1} failed: ${String(e)}\n`)
          return failedRun(step.system, w, step.repeat, e, (performance.now() - runStart) / 1000)
        })
        seen.set(`${step.system}/${w.name}`, (performance.now() - runStart) / 1000 + 1)
        runs.push(res)
        done++
      }
    } finally {
      await driver.close()
      await server.stop()
    }
  }
  const notes: string[] = []
  if (a.scale !== 1)
    notes.push(`SCALED RUN (--scale ${a.scale}): durations and backlog are not the standard set.`)
  let profileMd: string | null = null
  const b = workloads.find((w) => w.name.startsWith('b-'))
  const petrelRow = a.systems.find((s): s is 'petrel-client' | 'petrel-kafkajs' => s.startsWith('petrel-'))
  if (a.profile && b !== undefined && petrelRow !== undefined) {
    profileMd = await profileRun(repo, natsBinary, b, petrelRow)
  }
  clearInterval(sampler)
  const finishedAt = new Date()
  const results: Results = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    machine,
    loadAvgSamples: loadSamples.map((x) => Math.round(x * 100) / 100),
    systems: a.systems.map((s) => ({ name: s, durability: systemSpec(s, opts).durability })),
    workloads,
    runs,
    notes,
  }
  process.stdout.write('\n')
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const md = markdown(results)
  writeFileSync(join(out, 'results.md'), `${md}\n![throughput](throughput.png)\n\n![latency](latency.png)\n`)
  const charts = writeCharts(results, out)
  if (profileMd !== null)
    writeFileSync(
      join(out, 'profile-b.md'),
      `# CPU profile of the Petrel node under ${b?.name}\n\n${profileMd}\n`,
    )
  process.stdout.write(`${md}\n`)
  if (profileMd !== null)
    process.stdout.write(`\nCPU profile of the Petrel node under ${b?.name}:\n${profileMd}\n`)
  process.stdout.write(
    `\nwrote ${out}: results.json, results.md, ${charts.map((c) => c.split('/').pop()).join(', ')}\n`,
  )
}

/** Workload b once more against a Petrel node run with --cpu-prof; returns the top functions. */
async function profileRun(
  repo: string,
  natsBinary: string,
  w: Workload,
  row: 'petrel-client' | 'petrel-kafkajs',
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'petrel-bench-prof-'))
  const spec = systemSpec(row, { repo, natsBinary, cpuProfileDir: dir })
  line(`profiling petrel under ${w.name}`)
  const server = await spec.start()
  const driver = spec.driver(server)
  try {
    await runWorkload({ driver, repeat: 0 }, w, (s) => line(`profile · ${row} · ${w.name} · ${s}`))
  } finally {
    await driver.close()
    await server.stop()
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) return 'no profile was written'
  return `Driven by ${row}, one run of ${w.name}.\n\n${topFunctionsMarkdown(join(dir, file), 20)}\n\nRaw profile: ${join(dir, file)} (not committed).`
}

let lastPlainLine = 0
const PLAIN_LINE_MS = 5000

/** The progress line: rewritten in place on a terminal, one line every few seconds otherwise. */
function line(s: string): void {
  if (process.stdout.isTTY) {
    const cols = process.stdout.columns ?? 150
    process.stdout.write(`\r\x1b[K${s.slice(0, cols - 1)}`)
    return
  }
  const now = performance.now()
  if (now - lastPlainLine < PLAIN_LINE_MS && !s.startsWith('starting') && !s.startsWith('profiling')) return
  lastPlainLine = now
  process.stdout.write(`${s}\n`)
}

main().catch((e: unknown) => {
  process.stderr.write(`\nbench failed: ${(e as Error).stack ?? String(e)}\n`)
  process.exit(1)
})
