/**
 * Runs one workload against one driver and measures it.
 *
 * Every payload starts with the send time (performance.now(), float64 ms) and the partition index;
 * producers and consumers live in this one process, so end-to-end latency is receive time minus
 * that stamp on one clock. Publish latency is send call to acknowledgement.
 *
 * Max rate (producerRate 0): each producer keeps WINDOW messages unacknowledged and sends the next
 * as each ack arrives. Fixed rate: a 1 ms tick sends what is due so far, still at most WINDOW
 * unacknowledged per producer (if a system cannot keep up, the measured rate says so).
 * Live tests: warm-up, then counters and histograms are reset and the test runs its duration.
 * Backlog tests: publish consumerBacklogMessages with no consumer, then start the consumers and
 * time until all of them are read (the drain time). Each phase stops at backlogPhaseSecondsMax: a
 * system that cannot publish the full backlog in time is drained of what it acknowledged, and the
 * result says so (backlogComplete false).
 */
import { randomFillSync } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Histogram } from 'hdr-histogram-js'
import type { Consumer, Driver, Producer } from './drivers/types.js'
import { latencyHistogram, type Percentiles, percentilesMs, recordMs } from './stats.js'
import type { Workload } from './workload.js'

/** Unacknowledged messages per producer: the same for every system. */
export const WINDOW = 1000
const SETTLE_TIMEOUT_MS = 30_000
const TICK_MS = 1

export interface RunResult {
  system: string
  workload: string
  repeat: number
  /** Acknowledged messages per second during the measured window (or the backlog publish). */
  publishRate: number
  publishMBps: number
  /** Messages read per second during the measured window (or while draining). */
  consumeRate: number
  publishLatencyMs: Percentiles | null
  endToEndLatencyMs: Percentiles | null
  /** Backlog tests: seconds to publish the backlog, and to read it all back. */
  backlogPublishSeconds: number | null
  /** Backlog tests: false when the publish phase hit its time cap before the full count. */
  backlogComplete: boolean | null
  /** Seconds to read back everything that was acknowledged; null if the cap came first. */
  drainSeconds: number | null
  published: number
  consumed: number
  errors: number
  measuredSeconds: number
  /** 1-minute load average when the run ended. */
  loadAvg1: number
  /** Wall-clock seconds of the whole run: topic creation to deletion. */
  wallSeconds: number
  firstError: string | null
  /** The run ended with an exception (a server or client fault): its figures are left out of medians. */
  failed: boolean
}

/** A run that threw: recorded so the report names it, and left out of the medians. */
export function failedRun(
  system: string,
  w: Workload,
  repeat: number,
  e: unknown,
  wallSeconds: number,
): RunResult {
  return {
    system,
    workload: w.name,
    repeat,
    publishRate: 0,
    publishMBps: 0,
    consumeRate: 0,
    publishLatencyMs: null,
    endToEndLatencyMs: null,
    backlogPublishSeconds: null,
    backlogComplete: null,
    drainSeconds: null,
    published: 0,
    consumed: 0,
    errors: 1,
    measuredSeconds: 0,
    loadAvg1: loadavg()[0] ?? 0,
    wallSeconds,
    firstError: `run failed: ${e instanceof Error ? e.message : String(e)}`,
    failed: true,
  }
}

export type ProgressFn = (status: string) => void

class Counters {
  acked = 0
  consumed = 0
  errors = 0
  firstError: string | null = null
  pubLatency: Histogram = latencyHistogram()
  e2eLatency: Histogram = latencyHistogram()
  measuring = false

  reset(): void {
    this.acked = 0
    this.consumed = 0
    this.pubLatency = latencyHistogram()
    this.e2eLatency = latencyHistogram()
  }
}

function makePayload(template: Buffer, partition: number): Buffer {
  const b = Buffer.allocUnsafe(template.length)
  template.copy(b)
  b.writeDoubleLE(performance.now(), 0)
  b.writeUInt32LE(partition, 8)
  return b
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function until(cond: () => boolean, timeoutMs: number, progress?: () => void): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  let lastTick = 0
  while (!cond()) {
    if (performance.now() > deadline) return false
    if (progress !== undefined && performance.now() - lastTick > 1000) {
      lastTick = performance.now()
      progress()
    }
    await sleep(5)
  }
  return true
}

/** One producer's sending loop; `limit()` says how many more it may send now. */
class ProducerLoop {
  outstanding = 0
  sent = 0
  private next: number

  constructor(
    private readonly producer: Producer,
    private readonly w: Workload,
    index: number,
    private readonly template: Buffer,
    private readonly c: Counters,
  ) {
    this.next = index % w.partitionsPerTopic
  }

  pump(allowed: number): void {
    let n = Math.min(allowed, WINDOW - this.outstanding)
    while (n-- > 0) this.sendOne()
  }

  private sendOne(): void {
    const p = this.next
    this.next = (this.next + 1) % this.w.partitionsPerTopic
    const payload = makePayload(this.template, p)
    const t0 = payload.readDoubleLE(0)
    this.outstanding++
    this.sent++
    this.producer.send(p, payload).then(
      () => {
        this.outstanding--
        if (this.c.measuring) {
          this.c.acked++
          recordMs(this.c.pubLatency, performance.now() - t0)
        }
        this.onAck()
      },
      (e: unknown) => {
        this.outstanding--
        this.c.errors++
        this.c.firstError ??= (e as Error).message
        this.onAck()
      },
    )
  }

  onAck: () => void = () => {}
}

export interface Target {
  driver: Driver
  repeat: number
}

export async function runWorkload(t: Target, w: Workload, progress: ProgressFn): Promise<RunResult> {
  const runStart = performance.now()
  const topic = `bench-${w.name}-${t.repeat}-${Date.now().toString(36)}`
  const c = new Counters()
  const template = Buffer.alloc(w.messageSize)
  randomFillSync(template)
  await t.driver.createTopic(topic, w.partitionsPerTopic)
  const producers: Producer[] = []
  const consumers: Consumer[] = []
  const onMessage = (payload: Uint8Array): void => {
    if (!c.measuring) return
    c.consumed++
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
    recordMs(c.e2eLatency, performance.now() - view.getFloat64(0, true))
  }
  const startConsumers = async (): Promise<void> => {
    for (let i = 0; i < w.consumerPerSubscription; i++) {
      const mine = [...Array(w.partitionsPerTopic).keys()].filter((p) => p % w.consumerPerSubscription === i)
      if (mine.length > 0) consumers.push(await t.driver.createConsumer(topic, mine, onMessage))
    }
  }
  try {
    for (let i = 0; i < w.producersPerTopic; i++)
      producers.push(await t.driver.createProducer(topic, w.partitionsPerTopic))
    const loops = producers.map((p, i) => new ProducerLoop(p, w, i, template, c))
    const result =
      w.consumerBacklogMessages > 0
        ? await runBacklog(w, c, loops, startConsumers, progress)
        : await runLive(w, c, loops, startConsumers, progress)
    c.measuring = false
    for (const p of producers.splice(0)) await p.close().catch(() => {})
    for (const k of consumers.splice(0)) await k.close().catch(() => {})
    await t.driver.deleteTopic(topic, w.partitionsPerTopic).catch(() => {})
    const wallSeconds = (performance.now() - runStart) / 1000
    return {
      system: t.driver.name,
      workload: w.name,
      repeat: t.repeat,
      ...result,
      wallSeconds,
      failed: false,
    }
  } finally {
    c.measuring = false
    for (const p of producers) await p.close().catch(() => {})
    for (const k of consumers) await k.close().catch(() => {})
  }
}

type Measured = Omit<RunResult, 'system' | 'workload' | 'repeat' | 'wallSeconds' | 'failed'>

async function runLive(
  w: Workload,
  c: Counters,
  loops: ProducerLoop[],
  startConsumers: () => Promise<void>,
  progress: ProgressFn,
): Promise<Measured> {
  await startConsumers()
  c.measuring = true
  let running = true
  const perProducerRate = w.producerRate / loops.length
  const t0 = performance.now()
  let timer: NodeJS.Timeout | undefined
  if (w.producerRate === 0) {
    for (const l of loops) {
      l.onAck = () => {
        if (running) l.pump(1)
      }
      l.pump(WINDOW)
    }
  } else {
    timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) * perProducerRate) / 1000)
      for (const l of loops) l.pump(Math.max(0, due - l.sent))
    }, TICK_MS)
  }
  const warmupEnd = t0 + w.warmupSeconds * 1000
  // The measured window starts when the warm-up has ended, so a stalled event loop cannot shorten it.
  let measureStart = w.warmupSeconds === 0 ? t0 : Number.POSITIVE_INFINITY
  const report = () => {
    const now = performance.now()
    const warm = now >= measureStart
    const rate = warm ? c.acked / Math.max(0.001, (now - measureStart) / 1000) : 0
    const el = ((now - t0) / 1000).toFixed(0)
    progress(`${warm ? 'measure' : 'warm-up'} ${el}s · pub ${fmtRate(rate)} msg/s · errors ${c.errors}`)
  }
  while (measureStart === Number.POSITIVE_INFINITY) {
    await sleep(Math.min(1000, Math.max(1, warmupEnd - performance.now())))
    if (performance.now() >= warmupEnd) {
      c.reset()
      measureStart = performance.now()
    }
    report()
  }
  const end = measureStart + w.testDurationSeconds * 1000
  while (performance.now() < end) {
    await sleep(Math.min(1000, Math.max(1, end - performance.now())))
    report()
  }
  const measuredSeconds = (performance.now() - measureStart) / 1000
  const acked = c.acked
  const consumed = c.consumed
  running = false
  if (timer !== undefined) clearInterval(timer)
  // Let acknowledgements and deliveries in flight arrive so that the system is idle before the next run.
  await until(() => loops.every((l) => l.outstanding === 0), SETTLE_TIMEOUT_MS)
  c.measuring = false
  return {
    publishRate: acked / measuredSeconds,
    publishMBps: (acked * w.messageSize) / measuredSeconds / 1e6,
    consumeRate: consumed / measuredSeconds,
    publishLatencyMs: percentilesMs(c.pubLatency),
    endToEndLatencyMs: percentilesMs(c.e2eLatency),
    backlogPublishSeconds: null,
    backlogComplete: null,
    drainSeconds: null,
    published: acked,
    consumed,
    errors: c.errors,
    measuredSeconds,
    loadAvg1: loadavg()[0] ?? 0,
    firstError: c.firstError,
  }
}

async function runBacklog(
  w: Workload,
  c: Counters,
  loops: ProducerLoop[],
  startConsumers: () => Promise<void>,
  progress: ProgressFn,
): Promise<Measured> {
  const total = w.consumerBacklogMessages
  const capMs = w.backlogPhaseSecondsMax * 1000
  const sentAll = () => loops.reduce((s, l) => s + l.sent, 0)
  let stopped = false
  c.measuring = true
  const t0 = performance.now()
  for (const l of loops) {
    l.onAck = () => {
      if (!stopped && sentAll() < total) l.pump(1)
    }
    l.pump(Math.min(WINDOW, Math.ceil(total / loops.length)))
  }
  const published = await until(
    () => c.acked + c.errors >= total,
    capMs,
    () =>
      progress(
        `publish backlog ${fmtRate(c.acked)}/${fmtRate(total)} · ${fmtRate(c.acked / ((performance.now() - t0) / 1000))} msg/s`,
      ),
  )
  // At the cap, stop sending and let what is in flight be acknowledged: the backlog is what was acked.
  stopped = true
  await until(() => loops.every((l) => l.outstanding === 0), SETTLE_TIMEOUT_MS)
  const publishSeconds = (performance.now() - t0) / 1000
  const acked = c.acked
  const pubLatency = percentilesMs(c.pubLatency)
  const t1 = performance.now()
  await startConsumers()
  const drained = await until(
    () => c.consumed >= acked,
    capMs,
    () =>
      progress(
        `drain ${fmtRate(c.consumed)}/${fmtRate(acked)} · ${fmtRate(c.consumed / ((performance.now() - t1) / 1000))} msg/s`,
      ),
  )
  const drainSeconds = (performance.now() - t1) / 1000
  c.measuring = false
  if (!published)
    c.firstError ??= `publish stopped at the ${w.backlogPhaseSecondsMax} s cap: backlog ${acked} of ${total}`
  if (!drained)
    c.firstError ??= `drain stopped at the ${w.backlogPhaseSecondsMax} s cap: ${c.consumed} of ${acked} read`
  return {
    publishRate: acked / publishSeconds,
    publishMBps: (acked * w.messageSize) / publishSeconds / 1e6,
    consumeRate: c.consumed / drainSeconds,
    publishLatencyMs: pubLatency,
    endToEndLatencyMs: null,
    backlogPublishSeconds: publishSeconds,
    backlogComplete: published,
    drainSeconds: drained ? drainSeconds : null,
    published: acked,
    consumed: c.consumed,
    errors: c.errors,
    measuredSeconds: publishSeconds + drainSeconds,
    loadAvg1: loadavg()[0] ?? 0,
    firstError: c.firstError,
  }
}

export function fmtRate(x: number): string {
  if (!Number.isFinite(x)) return '-'
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`
  return x.toFixed(0)
}
