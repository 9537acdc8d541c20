/**
 * Client history checks for the append-only list, run once at the end against the final list
 * (which every node's list must be a prefix of). An append-only list makes linearizability cheap
 * to check: every state ever observed must be a prefix of the final list, and real-time order
 * gives each operation a lower bound on the length it may observe or the position it may take.
 */
import type { Answer } from './kv.js'
import { violated } from './violation.js'

export interface ClientOp {
  readonly client: number
  readonly seq: number
  readonly kind: 'append' | 'read'
  /** The value appended (appends only); values are unique across the run. */
  readonly value: number
  readonly invokedMs: number
  completedMs: number | undefined
  answer: Answer | undefined
}

export function checkHistory(ops: readonly ClientOp[], finalList: readonly number[]): void {
  const positionOf = new Map<number, number>()
  finalList.forEach((v, i) => {
    if (positionOf.has(v)) violated('history', 'exactly-once', `value ${v} appears twice in the list`)
    positionOf.set(v, i)
  })
  const invoked = new Set(ops.filter((o) => o.kind === 'append').map((o) => o.value))
  for (const v of finalList) {
    if (!invoked.has(v)) violated('history', 'no-phantom', `value ${v} was never appended by a client`)
  }
  for (const op of ops) checkOne(op, positionOf, finalList)
  checkRealTime(ops)
}

function checkOne(op: ClientOp, positionOf: Map<number, number>, finalList: readonly number[]): void {
  const a = op.answer
  if (a === undefined) return
  const who = `client ${op.client} seq ${op.seq}`
  if (a.op === 'append') {
    const at = positionOf.get(op.value)
    if (at === undefined) violated('history', 'acked-write-kept', `${who}: acked value ${op.value} is lost`)
    if (at !== a.at) violated('history', 'acked-write-kept', `${who}: acked at ${a.at}, final ${at}`)
    return
  }
  for (let i = 0; i < a.list.length; i++) {
    if (a.list[i] !== finalList[i]) {
      violated('history', 'read-is-prefix', `${who}: read [${a.list.join(',')}] is not a prefix of the list`)
    }
  }
}

/** An operation invoked after another completed must observe at least what that one did. */
function checkRealTime(ops: readonly ClientOp[]): void {
  const done = ops
    .filter((o) => o.completedMs !== undefined && o.answer !== undefined)
    .map((o) => ({ at: o.completedMs as number, bound: observedLength(o.answer as Answer), op: o }))
    .sort((x, y) => x.at - y.at)
  const byInvoke = ops.filter((o) => o.answer !== undefined).sort((x, y) => x.invokedMs - y.invokedMs)
  let j = 0
  let bound = 0
  let boundBy: ClientOp | undefined
  for (const op of byInvoke) {
    for (; j < done.length && (done[j]?.at as number) < op.invokedMs; j++) {
      const d = done[j]
      if (d !== undefined && d.bound > bound) {
        bound = d.bound
        boundBy = d.op
      }
    }
    const a = op.answer as Answer
    const seen = a.op === 'read' ? a.list.length : a.at
    if (seen < bound) {
      const by = boundBy === undefined ? '' : ` (client ${boundBy.client} seq ${boundBy.seq} finished first)`
      violated(
        'history',
        'real-time-order',
        `client ${op.client} seq ${op.seq} ${a.op} saw ${seen} < ${bound}${by}`,
      )
    }
  }
}

function observedLength(a: Answer): number {
  return a.op === 'read' ? a.list.length : a.at + 1
}
