/**
 * What a run exercised, summed over seeds by the CLI: evidence that the faults and the paths
 * they are meant to reach (snapshots, membership, ReadIndex, torn frames) happen at all.
 */
export interface Coverage {
  crashes: number
  unsyncedFramesLost: number
  tornFrames: number
  corruptFrames: number
  snapshotsInstalled: number
  confChangesApplied: number
  leaderElections: number
  readIndexReads: number
  messagesDropped: number
  messagesDuplicated: number
}

export function emptyCoverage(): Coverage {
  return {
    crashes: 0,
    unsyncedFramesLost: 0,
    tornFrames: 0,
    corruptFrames: 0,
    snapshotsInstalled: 0,
    confChangesApplied: 0,
    leaderElections: 0,
    readIndexReads: 0,
    messagesDropped: 0,
    messagesDuplicated: 0,
  }
}

export function addCoverage(into: Coverage, c: Coverage): void {
  for (const k of Object.keys(into) as (keyof Coverage)[]) into[k] += c[k]
}

export function describeCoverage(c: Coverage): string {
  return [
    `${c.crashes} crashes (${c.unsyncedFramesLost} unsynced frames lost, ${c.tornFrames} torn, ${c.corruptFrames} corrupt)`,
    `${c.leaderElections} elections`,
    `${c.snapshotsInstalled} snapshots installed`,
    `${c.confChangesApplied} membership entries applied (counted per node)`,
    `${c.readIndexReads} ReadIndex reads`,
    `${c.messagesDropped} messages dropped, ${c.messagesDuplicated} duplicated`,
  ].join(', ')
}
