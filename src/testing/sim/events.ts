/**
 * The simulator's agenda: a binary min-heap of events keyed by (simulated ms, insertion number).
 * The insertion number breaks ties, so two runs of one seed pop events in exactly the same order.
 */
export interface Scheduled<T> {
  readonly atMs: number
  readonly seq: number
  readonly event: T
}

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = []
  private seqNext = 0

  get size(): number {
    return this.heap.length
  }

  push(atMs: number, event: T): void {
    const item: Scheduled<T> = { atMs, seq: this.seqNext++, event }
    this.heap.push(item)
    let i = this.heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = this.heap[parent] as Scheduled<T>
      if (!before(item, p)) break
      this.heap[i] = p
      i = parent
    }
    this.heap[i] = item
  }

  peekMs(): number | undefined {
    return this.heap[0]?.atMs
  }

  pop(): Scheduled<T> | undefined {
    const top = this.heap[0]
    const last = this.heap.pop()
    if (top === undefined || last === undefined || this.heap.length === 0) return top
    let i = 0
    const n = this.heap.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const lItem = this.heap[l] as Scheduled<T>
      const rItem = this.heap[r]
      const child = rItem !== undefined && before(rItem, lItem) ? r : l
      const c = this.heap[child] as Scheduled<T>
      if (!before(c, last)) break
      this.heap[i] = c
      i = child
    }
    this.heap[i] = last
    return top
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq)
}
