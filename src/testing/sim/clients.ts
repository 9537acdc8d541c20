/**
 * Simulated clients of the list: each has one request outstanding, retries it (same seq, so the
 * state machine deduplicates) on a timeout or a "not leader" answer, and records every operation
 * it invoked for the history checker. Clients do not know who leads; they follow hints.
 */
import type { Prng } from '../../lib/prng.js'
import type { ClientOp } from './check-history.js'
import type { Command } from './kv.js'
import type { ClientReply } from './node.js'

export interface ClientHost {
  nowMs(): number
  /** Nodes a client may try (started and not removed). */
  candidates(): readonly number[]
  sendRequest(client: number, node: number, cmd: Command): void
  scheduleTimeout(client: number, seq: number, attempt: number, afterMs: number): void
  scheduleNext(client: number, afterMs: number): void
}

const VALUES_PER_CLIENT = 1_000_000

export class SimClient {
  private seq = 0
  private attempt = 0
  private current: ClientOp | undefined
  private target: number
  /** The next retry goes to `target` (set by a leader hint) instead of a random node. */
  private keepTarget = false
  stopped = false

  constructor(
    readonly id: number,
    private readonly prng: Prng,
    private readonly host: ClientHost,
    readonly history: ClientOp[],
    private readonly timeoutMs: number,
  ) {
    const c = host.candidates()
    this.target = c[prng.int(c.length)] ?? 1
  }

  get busy(): boolean {
    return this.current !== undefined
  }

  /** Starts the next operation (if the previous one finished and the client was not stopped). */
  next(): void {
    if (this.stopped || this.current !== undefined) return
    this.seq++
    const kind = this.prng.chance(0.75) ? 'append' : 'read'
    this.current = {
      client: this.id,
      seq: this.seq,
      kind,
      value: kind === 'append' ? this.id * VALUES_PER_CLIENT + this.seq : -1,
      invokedMs: this.host.nowMs(),
      completedMs: undefined,
      answer: undefined,
    }
    this.history.push(this.current)
    this.attempt = 0
    this.send()
  }

  private command(op: ClientOp): Command {
    return op.kind === 'append'
      ? { c: this.id, s: op.seq, op: 'append', v: op.value }
      : { c: this.id, s: op.seq, op: 'read' }
  }

  private send(): void {
    const op = this.current
    if (op === undefined) return
    this.attempt++
    this.host.sendRequest(this.id, this.target, this.command(op))
    this.host.scheduleTimeout(this.id, op.seq, this.attempt, this.timeoutMs)
  }

  timeout(seq: number, attempt: number): void {
    if (this.current?.seq !== seq || this.attempt !== attempt) return
    if (!this.keepTarget) {
      const c = this.host.candidates()
      this.target = c[this.prng.int(c.length)] ?? this.target
    }
    this.keepTarget = false
    this.send()
  }

  reply(from: number, seq: number, r: ClientReply): void {
    const op = this.current
    if (op === undefined || op.seq !== seq) return
    if (r.kind === 'notLeader') {
      if (from !== this.target) return
      // Follow the hint, or try another node; wait a little so an election can finish.
      const c = this.host.candidates()
      const hinted = r.hint !== null && c.includes(r.hint) ? r.hint : undefined
      this.target = hinted ?? c[this.prng.int(c.length)] ?? this.target
      this.keepTarget = true
      this.attempt++
      this.host.scheduleTimeout(this.id, seq, this.attempt, hinted === undefined ? 20 : 1)
      return
    }
    op.completedMs = this.host.nowMs()
    op.answer = r.answer
    this.current = undefined
    this.host.scheduleNext(this.id, this.prng.range(0, 30))
  }
}
