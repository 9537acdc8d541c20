/**
 * Workloads as small YAML files in the shape of the OpenMessaging Benchmark's: the same field
 * names, plus `consumerBacklogMessages` (publish that many with no consumer, then drain) and
 * durations in seconds. Parsed once, every field checked, with a message naming the file.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parse } from 'yaml'

export interface Workload {
  readonly name: string
  readonly topics: number
  readonly partitionsPerTopic: number
  readonly messageSize: number
  readonly producersPerTopic: number
  readonly subscriptionsPerTopic: number
  readonly consumerPerSubscription: number
  /** Messages per second over all producers; 0 = as fast as acknowledgements allow. */
  readonly producerRate: number
  /** 0 = a live test of `testDurationSeconds`; otherwise publish this many, then drain them. */
  readonly consumerBacklogMessages: number
  readonly testDurationSeconds: number
  readonly warmupSeconds: number
  /** Backlog tests: each phase (publish, drain) stops after this long (our addition to OMB's shape). */
  readonly backlogPhaseSecondsMax: number
}

/** Smallest payload: 8 bytes of send time plus 4 of partition index. */
export const payloadBytesMin = 12
const messageBytesMax = 1 << 20
const backlogMessagesMax = 10_000_000
const partitionsMax = 256

const KEYS = new Set([
  'name',
  'topics',
  'partitionsPerTopic',
  'messageSize',
  'producersPerTopic',
  'subscriptionsPerTopic',
  'consumerPerSubscription',
  'producerRate',
  'consumerBacklogMessages',
  'testDurationSeconds',
  'testDurationMinutes',
  'warmupSeconds',
  'warmupDurationMinutes',
  'backlogPhaseSecondsMax',
])

function intField(o: Record<string, unknown>, key: string, min: number, max: number, dflt?: number): number {
  const v = o[key] ?? dflt
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${key} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`)
  }
  return v
}

function seconds(o: Record<string, unknown>, secKey: string, minKey: string): number {
  if (o[minKey] !== undefined) return intField(o, minKey, 0, 600) * 60
  return intField(o, secKey, 0, 36_000, 0)
}

export function parseWorkload(text: string, file: string): Workload {
  let o: unknown
  try {
    o = parse(text)
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`)
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error(`${file}: expected a mapping`)
  const rec = o as Record<string, unknown>
  try {
    for (const k of Object.keys(rec)) if (!KEYS.has(k)) throw new Error(`unknown field '${k}'`)
    const name = rec.name ?? basename(file).replace(/\.ya?ml$/, '')
    if (typeof name !== 'string' || !/^[a-z0-9-]{1,40}$/.test(name))
      throw new Error('name must match [a-z0-9-]{1,40}')
    const w: Workload = {
      name,
      topics: intField(rec, 'topics', 1, 1),
      partitionsPerTopic: intField(rec, 'partitionsPerTopic', 1, partitionsMax),
      messageSize: intField(rec, 'messageSize', payloadBytesMin, messageBytesMax),
      producersPerTopic: intField(rec, 'producersPerTopic', 1, 16),
      subscriptionsPerTopic: intField(rec, 'subscriptionsPerTopic', 1, 1, 1),
      consumerPerSubscription: intField(rec, 'consumerPerSubscription', 1, 16),
      producerRate: intField(rec, 'producerRate', 0, 10_000_000),
      consumerBacklogMessages: intField(rec, 'consumerBacklogMessages', 0, backlogMessagesMax, 0),
      testDurationSeconds: seconds(rec, 'testDurationSeconds', 'testDurationMinutes'),
      warmupSeconds: seconds(rec, 'warmupSeconds', 'warmupDurationMinutes'),
      backlogPhaseSecondsMax: intField(rec, 'backlogPhaseSecondsMax', 1, 3600, 300),
    }
    if (w.consumerBacklogMessages === 0 && w.testDurationSeconds === 0) {
      throw new Error('a live test needs testDurationSeconds > 0')
    }
    return w
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`)
  }
}

/** Every workload in `dir`, by file name order; `only` picks one by name or file stem. */
export function loadWorkloads(dir: string, only: string): Workload[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
  const all = files.map((f) => parseWorkload(readFileSync(join(dir, f), 'utf8'), join(dir, f)))
  if (only === 'all') return all
  const picked = all.filter((w) => w.name === only || w.name.startsWith(`${only}-`))
  if (picked.length === 0)
    throw new Error(`no workload '${only}' in ${dir}: ${all.map((w) => w.name).join(', ')}`)
  return picked
}
