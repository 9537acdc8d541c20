/**
 * Time as an input: wall-clock milliseconds and one-shot timers. Cores never call Date.now or
 * setTimeout; drivers pass a Clock (io/impl/clock.ts in production, a fake one in tests).
 */
export interface Clock {
  nowMs(): number
  /** Calls `cb` once after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, cb: () => void): () => void
}
