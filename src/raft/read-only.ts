/**
 * ReadIndex requests waiting for a quorum of heartbeat acknowledgements (Raft thesis §6.4).
 * A request is identified by its context; acknowledging one also confirms every older one,
 * since a quorum that answered a later heartbeat recognised our leadership at the earlier time too.
 */
import type { NodeId } from '../lib/branded.js'
import type { Index } from './types.js'

export interface PendingRead {
  from: NodeId
  index: Index
  context: Uint8Array
}

interface Entry {
  read: PendingRead
  acks: Set<NodeId>
}

export class ReadOnly {
  private queue: Entry[] = []

  add(read: PendingRead, self: NodeId): void {
    this.queue.push({ read, acks: new Set([self]) })
  }

  /** Record an ack for `context`; returns the reads that are now confirmed, oldest first. */
  ack(from: NodeId, context: Uint8Array, isQuorum: (acks: ReadonlySet<NodeId>) => boolean): PendingRead[] {
    const at = this.queue.findIndex((e) => sameBytes(e.read.context, context))
    const entry = this.queue[at]
    if (entry === undefined) return []
    entry.acks.add(from)
    if (!isQuorum(entry.acks)) return []
    const released = this.queue.slice(0, at + 1).map((e) => e.read)
    this.queue = this.queue.slice(at + 1)
    return released
  }

  size(): number {
    return this.queue.length
  }

  clear(): void {
    this.queue = []
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
