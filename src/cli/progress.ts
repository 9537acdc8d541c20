/**
 * Progress for long commands: a bar redrawn in place on a terminal (never when stderr is a file
 * or pipe, so logs stay clean), and one final rate line. Formatting is pure; the clock comes from
 * CliIo so tests drive it.
 */
import type { CliIo } from './io.js'

/** Redraws at most this often; a terminal does not need more and writes cost time. */
export const PROGRESS_REDRAW_MS = 100

export interface RateSummary {
  readonly messages: number
  readonly bytes: number
  readonly seconds: number
  readonly messagesPerSecond: number
  readonly megabytesPerSecond: number
}

export function summarize(messages: number, bytes: number, elapsedMs: number): RateSummary {
  // A zero interval (tiny runs on a coarse clock) would divide by zero; a millisecond is honest.
  const seconds = Math.max(elapsedMs, 1) / 1000
  return {
    messages,
    bytes,
    seconds: Math.round(seconds * 1000) / 1000,
    messagesPerSecond: Math.round(messages / seconds),
    megabytesPerSecond: Math.round((bytes / seconds / (1024 * 1024)) * 100) / 100,
  }
}

export function rateLine(verb: string, s: RateSummary): string {
  return (
    `${verb} ${s.messages} messages (${formatBytes(s.bytes)}) in ${s.seconds.toFixed(2)} s: ` +
    `${s.messagesPerSecond} msg/s, ${s.megabytesPerSecond.toFixed(2)} MiB/s`
  )
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

/** `[#####.....]  50% 500/1000` fitted to `columns`; with no known total, a count only. */
export function renderBar(done: number, total: number | undefined, columns: number): string {
  if (total === undefined || total <= 0) return `${done} messages`
  const fraction = Math.min(1, done / total)
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}`
  const width = Math.max(10, Math.min(50, columns - tail.length - 3))
  const filled = Math.round(fraction * width)
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`
}

export class Progress {
  private done = 0
  private bytes = 0
  private lastDrawMs = Number.NEGATIVE_INFINITY
  private drawn = false
  private readonly startMs: number

  constructor(
    private readonly io: CliIo,
    private readonly total: number | undefined,
  ) {
    this.startMs = io.nowMs()
  }

  add(messages: number, bytes: number): void {
    this.done += messages
    this.bytes += bytes
    if (!this.io.errIsTty) return
    const now = this.io.nowMs()
    if (now - this.lastDrawMs < PROGRESS_REDRAW_MS && this.done !== this.total) return
    this.lastDrawMs = now
    this.drawn = true
    this.io.err(`\r${renderBar(this.done, this.total, this.io.columns)}\x1b[K`)
  }

  /** Erases the bar (if one was drawn) and returns the totals. */
  finish(): RateSummary {
    if (this.drawn) this.io.err('\r\x1b[K')
    return summarize(this.done, this.bytes, this.io.nowMs() - this.startMs)
  }
}
