/**
 * The replicated state machine on top of Raft: an append-only list of numbers with exactly-once
 * client requests. Each command carries (client, seq); a client has one request outstanding at a
 * time, so a command whose seq is not above the client's last applied seq is a retry and gets the
 * cached answer instead of being applied again.
 */
import { assert } from '../../lib/assert.js'

export type Command =
  | { readonly c: number; readonly s: number; readonly op: 'append'; readonly v: number }
  | { readonly c: number; readonly s: number; readonly op: 'read' }

/** `append` answers the position the value took; `read` answers the whole list at that point. */
export type Answer =
  | { readonly op: 'append'; readonly at: number }
  | { readonly op: 'read'; readonly list: readonly number[] }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export function encodeCommand(cmd: Command): Uint8Array {
  return encoder.encode(JSON.stringify(cmd))
}

/** Every replica applies the same entry bytes; decoding them once is enough. */
const decoded = new WeakMap<Uint8Array, Command>()

/** Undefined for entries that are not client commands (a leader's empty entry, a conf change). */
export function decodeCommand(data: Uint8Array): Command | undefined {
  if (data.length === 0 || data[0] !== 0x7b) return undefined
  const known = decoded.get(data)
  if (known !== undefined) return known
  const v = JSON.parse(decoder.decode(data)) as Command
  assert(typeof v.c === 'number' && typeof v.s === 'number', 'malformed simulator command')
  decoded.set(data, v)
  return v
}

export class ListMachine {
  readonly list: number[] = []
  private readonly last = new Map<number, { seq: number; answer: Answer }>()
  appliedIndex = 0

  /** Applies the command at `index` and returns its answer (cached if it is a retry). */
  apply(index: number, cmd: Command | undefined): Answer | undefined {
    assert(index === this.appliedIndex + 1, `apply out of order: ${index} after ${this.appliedIndex}`)
    this.appliedIndex = index
    if (cmd === undefined) return undefined
    const seen = this.last.get(cmd.c)
    if (seen !== undefined && cmd.s <= seen.seq) return seen.seq === cmd.s ? seen.answer : undefined
    let answer: Answer
    if (cmd.op === 'append') {
      this.list.push(cmd.v)
      answer = { op: 'append', at: this.list.length - 1 }
    } else {
      answer = { op: 'read', list: [...this.list] }
    }
    this.last.set(cmd.c, { seq: cmd.s, answer })
    return answer
  }

  /** Skips applying up to `index`: used after a snapshot restores `state`. */
  restore(index: number, state: ListMachineState): void {
    this.list.length = 0
    this.list.push(...state.list)
    this.last.clear()
    for (const [c, seq, answer] of state.last) this.last.set(c, { seq, answer })
    this.appliedIndex = index
  }

  state(): ListMachineState {
    return { list: [...this.list], last: [...this.last].map(([c, v]) => [c, v.seq, v.answer] as const) }
  }
}

export interface ListMachineState {
  readonly list: readonly number[]
  readonly last: readonly (readonly [number, number, Answer])[]
}
