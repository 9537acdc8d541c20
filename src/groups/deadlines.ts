/**
 * When each group's next timer is due, kept so that `tick` and `nextDeadlineMs` touch only the
 * groups whose time has come instead of scanning every group. One valid entry per group (the
 * deadline last scheduled for it); older heap entries are skipped when they surface, and the heap
 * is rebuilt once stale entries outnumber live ones, so its size stays bounded.
 */
interface Entry {
  readonly atMs: number
  readonly groupId: string
}

function before(a: Entry, b: Entry): boolean {
  return a.atMs !== b.atMs ? a.atMs < b.atMs : a.groupId < b.groupId
}

/** A binary min-heap ordered by time, then group id, so that equal deadlines fire in one order. */
class MinHeap {
  private readonly items: Entry[] = []

  get size(): number {
    return this.items.length
  }

  peek(): Entry | undefined {
    return this.items[0]
  }

  push(e: Entry): void {
    const items = this.items
    items.push(e)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  pop(): Entry | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    items[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < items.length && before(items[l]!, items[m]!)) m = l
      if (r < items.length && before(items[r]!, items[m]!)) m = r
      if (m === i) return top
      ;[items[i], items[m]] = [items[m]!, items[i]!]
      i = m
    }
  }

  clear(): void {
    this.items.length = 0
  }
}

export class Deadlines {
  private readonly heap = new MinHeap()
  /** The one deadline that counts per group; a heap entry that disagrees is stale. */
  private readonly scheduled = new Map<string, number>()

  /** Records a group's current next deadline (null: no timer runs). */
  set(groupId: string, atMs: number | null): void {
    if (atMs === null) {
      this.scheduled.delete(groupId)
      return
    }
    if (this.scheduled.get(groupId) === atMs) return
    this.scheduled.set(groupId, atMs)
    this.heap.push({ atMs, groupId })
    if (this.heap.size > 2 * this.scheduled.size + 1_024) this.rebuild()
  }

  /** Removes and returns the groups due at `nowMs`, earliest first. */
  takeDue(nowMs: number): string[] {
    const due: string[] = []
    for (let top = this.live(); top !== undefined && top.atMs <= nowMs; top = this.live()) {
      this.heap.pop()
      this.scheduled.delete(top.groupId)
      due.push(top.groupId)
    }
    return due
  }

  next(): number | null {
    return this.live()?.atMs ?? null
  }

  /** The earliest entry that is still the group's scheduled deadline, dropping stale ones. */
  private live(): Entry | undefined {
    for (let top = this.heap.peek(); top !== undefined; top = this.heap.peek()) {
      if (this.scheduled.get(top.groupId) === top.atMs) return top
      this.heap.pop()
    }
    return undefined
  }

  private rebuild(): void {
    this.heap.clear()
    for (const [groupId, atMs] of this.scheduled) this.heap.push({ atMs, groupId })
  }
}
