/** The real clock and timers behind io/clock.ts. */
import type { Clock } from '../clock.js'

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(delayMs, cb) {
    const t = setTimeout(cb, delayMs)
    return () => clearTimeout(t)
  },
}
