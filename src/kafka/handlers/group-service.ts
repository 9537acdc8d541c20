/**
 * What the group handlers need from the node's group-coordinator driver (node/groups-driver.ts).
 * The driver owns the one coordinator, the `__consumer_offsets` log and the timers; handlers only
 * translate wire messages per version and hand it a call to run.
 */
import type { GroupCoordinator } from '../../groups/index.js'
import type { CallContext, Step } from '../../groups/types.js'

/** Kafka's internal topic holding group metadata and committed offsets. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'

/** Topics that Metadata lists only when asked for by name. */
export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC
}

export interface GroupService {
  /**
   * Runs one coordinator call. Resolves with its answer once the records it emitted (and every
   * record before them) are durable; a parked request resolves when a later step or timer answers
   * it. Rejects when the log append fails (the driver then reloads the coordinator from the log).
   */
  step<R>(call: (coordinator: GroupCoordinator, ctx: CallContext) => Step<R | null>): Promise<R>
  /** Runs a call that writes nothing, after every record emitted before it is durable. */
  read<R>(call: (coordinator: GroupCoordinator) => R): Promise<R>
}
