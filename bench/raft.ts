/**
 * `npm run bench:raft`: entries/s and MB/s committed through a 3-voter Raft group in memory (no
 * I/O, no serialization; messages are handed over as objects), for 1-entry and 64-entry
 * proposals. Prints the median of several runs; never a pass/fail.
 */
import { performance } from 'node:perf_hooks'
import { type NodeId, nodeId } from '../src/lib/branded.js'
import { createPrng } from '../src/lib/prng.js'
import { MemoryRaftStorage, type Message, RawNode } from '../src/raft/index.js'

const entryBytes = Number(process.env.ENTRY_BYTES ?? 256)
const runs = Number(process.env.RUNS ?? 5)
/** Proposals made before each round of Readies and deliveries: the pipelining depth. */
const proposalsPerRound = 16
const compactEvery = 20_000

interface Member {
  id: NodeId
  node: RawNode
  storage: MemoryRaftStorage
  applied: number
}

function makeGroup(): Member[] {
  const ids = [nodeId(1), nodeId(2), nodeId(3)]
  return ids.map((id) => {
    const storage = new MemoryRaftStorage({ voters: ids, learners: [] })
    const node = new RawNode({
      id,
      electionTicks: 10,
      heartbeatTicks: 1,
      prng: createPrng(id),
      storage,
      preVote: true,
      checkQuorum: true,
      maxInflightMsgs: 256,
      maxInflightBytes: 64 * 1024 * 1024,
      maxMsgBytes: 1024 * 1024,
    })
    return { id, node, storage, applied: 0 }
  })
}

/** One round: every member handles its Ready (persist, queue messages, apply), then all messages are delivered. */
function round(group: Member[], byId: Map<NodeId, Member>): number {
  const msgs: Message[] = []
  let moved = 0
  for (const m of group) {
    if (!m.node.hasReady()) continue
    const rd = m.node.ready()
    if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot)
    m.storage.append(rd.entries)
    if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState)
    msgs.push(...rd.messages)
    const last = rd.committedEntries[rd.committedEntries.length - 1]
    if (last !== undefined) m.applied = last.index
    m.node.advance(rd)
    moved++
    const snapIndex = m.storage.snapshot().metadata.index
    if (m.applied - snapIndex >= compactEvery) {
      m.storage.createSnapshot(m.applied, m.node.status().confState, new Uint8Array(0))
      m.storage.compact(m.applied)
    }
  }
  for (const msg of msgs) byId.get(msg.to)?.node.step(msg)
  return moved + msgs.length
}

function runOnce(entriesPerProposal: number, entriesPerRun: number): number {
  const group = makeGroup()
  const byId = new Map(group.map((m) => [m.id, m]))
  const leader = group[0]
  if (leader === undefined) throw new Error('empty group')
  leader.node.campaign()
  while (round(group, byId) > 0) {}
  const payload = new Uint8Array(entryBytes).fill(7)
  const batch = Array.from({ length: entriesPerProposal }, () => payload)
  const proposals = Math.ceil(entriesPerRun / entriesPerProposal)
  const start = performance.now()
  let proposed = 0
  const target = leader.node.status().lastIndex + proposals * entriesPerProposal
  while (proposed < proposals) {
    for (let i = 0; i < proposalsPerRound && proposed < proposals; i++, proposed++) {
      const r = leader.node.propose(batch)
      if (!r.ok) throw new Error(`proposal refused: ${r.error}`)
    }
    round(group, byId)
  }
  while (leader.applied < target) round(group, byId)
  return performance.now() - start
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

console.log(`raft bench: 3 voters in memory, ${entryBytes}-byte entries, median of ${runs} runs`)
for (const [perProposal, entriesPerRun] of [
  [1, Number(process.env.ENTRIES_SINGLE ?? 20_000)],
  [64, Number(process.env.ENTRIES_BATCHED ?? 128_000)],
] as const) {
  runOnce(perProposal, Math.min(entriesPerRun, 2_048)) // warm-up
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(runOnce(perProposal, entriesPerRun))
  const ms = median(times)
  const entriesPerSec = (entriesPerRun / ms) * 1000
  const mbPerSec = (entriesPerSec * entryBytes) / (1024 * 1024)
  console.log(
    `${String(perProposal).padStart(2)}-entry proposals: ${Math.round(entriesPerSec).toLocaleString('en-US')} entries/s, ${mbPerSec.toFixed(1)} MB/s committed (${entriesPerRun} entries, median ${ms.toFixed(0)} ms)`,
  )
}
