/** Latency histograms (HdrHistogram, microseconds, 3 significant digits) and run summaries. */
import { build, type Histogram } from 'hdr-histogram-js'

export interface Percentiles {
  p50: number
  p99: number
  p999: number
  max: number
  count: number
}

const LATENCY_US_MAX = 600_000_000

export function latencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_US_MAX,
    numberOfSignificantValueDigits: 3,
  })
}

/** Records a latency in milliseconds (fractional) as whole microseconds, clamped to the range. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.min(LATENCY_US_MAX, Math.max(1, Math.round(ms * 1000)))
  h.recordValue(us)
}

/** Percentiles in milliseconds; null when nothing was recorded. */
export function percentilesMs(h: Histogram): Percentiles | null {
  if (h.totalCount === 0) return null
  return {
    p50: h.getValueAtPercentile(50) / 1000,
    p99: h.getValueAtPercentile(99) / 1000,
    p999: h.getValueAtPercentile(99.9) / 1000,
    max: h.maxValue / 1000,
    count: h.totalCount,
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const n = s.length
  if (n === 0) return Number.NaN
  const mid = Math.floor(n / 2)
  return n % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export interface Spread {
  median: number
  min: number
  max: number
  n: number
}

/** Median with min and max of the finite values; null when there are none. */
export function spread(xs: readonly (number | null | undefined)[]): Spread | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
  if (v.length === 0) return null
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length }
}
