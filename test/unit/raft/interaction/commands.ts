/**
 * The commands of the interaction scripts. One line in, printed lines out; see
 * test/unit/raft/testdata/README.md for the list.
 */
import { assert } from '../../../../src/lib/assert.js'
import { type NodeId, nodeId } from '../../../../src/lib/branded.js'
import type {
  ConfChange,
  MemoryRaftStorage,
  PlantedBugs,
  ProposeResult,
  Snapshot,
} from '../../../../src/raft/index.js'
import {
  defaultNodeOptions,
  describeEntry,
  encodeApp,
  type InteractionEnv,
  type NodeOptions,
  parseIds,
} from './env.js'

const bytes = new TextEncoder()

const FLAGS = new Set(['prevote', 'checkquorum'])

type Args = { pos: string[]; kv: Map<string, string>; flags: Set<string> }

function parseArgs(words: string[]): Args {
  const a: Args = { pos: [], kv: new Map(), flags: new Set() }
  for (const w of words) {
    const eq = w.indexOf('=')
    if (eq > 0) a.kv.set(w.slice(0, eq), w.slice(eq + 1))
    else if (FLAGS.has(w)) a.flags.add(w)
    else a.pos.push(w)
  }
  return a
}

function id(s: string | undefined): NodeId {
  assert(s !== undefined, 'node id expected')
  return nodeId(Number(s))
}

function num(s: string | undefined, fallback: number): number {
  return s === undefined ? fallback : Number(s)
}

export function runCommand(env: InteractionEnv, line: string): void {
  const [cmd, ...rest] = line.trim().split(/\s+/)
  const a = parseArgs(rest)
  switch (cmd) {
    case 'add-nodes':
      addNodes(env, a)
      return
    case 'campaign':
      env.get(id(a.pos[0])).node.campaign()
      return
    case 'tick':
      for (let i = 0; i < num(a.pos[1], 1); i++) env.get(id(a.pos[0])).node.tick()
      return
    case 'tick-heartbeat': {
      const sn = env.get(id(a.pos[0]))
      for (let i = 0; i < sn.opts.heartbeatTicks; i++) sn.node.tick()
      return
    }
    case 'tick-election':
      tickElection(env, id(a.pos[0]))
      return
    case 'propose':
      propose(env, a)
      return
    case 'propose-conf-change': {
      const cc: ConfChange = { type: a.pos[1] as ConfChange['type'], nodeId: id(a.pos[2]) }
      printResult(env, env.get(id(a.pos[0])).node.proposeConfChange(cc))
      return
    }
    case 'transfer-leadership':
      env.get(id(a.pos[0])).node.transferLeadership(id(a.pos[1]))
      return
    case 'read-index': {
      const ok = env.get(id(a.pos[0])).node.readIndex(bytes.encode(a.pos[1] ?? ''))
      if (!ok) env.print('read dropped')
      return
    }
    case 'process-ready':
      for (const p of a.pos) env.processReady(id(p))
      return
    case 'deliver-msgs':
      for (const p of a.pos) env.deliver(id(p), a.kv.has('from') ? id(a.kv.get('from')) : undefined)
      return
    case 'drop-msgs':
      for (const p of a.pos) env.inbox.set(id(p), [])
      return
    case 'stabilize':
      env.stabilize(a.pos.length > 0 ? a.pos.map(id) : env.sortedIds())
      return
    case 'isolate':
      env.isolated.add(id(a.pos[0]))
      return
    case 'heal':
      env.isolated.clear()
      return
    case 'status':
      status(env, a.pos.length > 0 ? a.pos.map(id) : env.sortedIds())
      return
    case 'log':
      printLog(env, id(a.pos[0]))
      return
    case 'compact': {
      const sn = env.get(id(a.pos[0]))
      const index = Number(a.pos[1])
      const st = sn.node.status()
      assert(index <= st.applied, 'compact only applied entries')
      const appliedUpTo = appliedDataUpTo(sn.storage, index, sn.storage.snapshot())
      sn.storage.createSnapshot(index, st.confState, encodeApp(appliedUpTo))
      sn.storage.compact(index)
      return
    }
    case 'restart':
      env.restart(id(a.pos[0]))
      return
    default:
      assert(false, `unknown command ${cmd}`)
  }
}

function addNodes(env: InteractionEnv, a: Args): void {
  const n = Number(a.pos[0])
  const first = env.nodes.size === 0 ? 1 : Math.max(...env.sortedIds()) + 1
  const ids = Array.from({ length: n }, (_, i) => nodeId(first + i))
  const voters = a.kv.has('voters') ? parseIds(a.kv.get('voters') ?? '') : ids
  const learners = parseIds(a.kv.get('learners') ?? '')
  const bugs: PlantedBugs = {}
  const bug = a.kv.get('bug')
  if (bug !== undefined) (bugs as Record<string, boolean>)[bug] = true
  const opts: NodeOptions = {
    ...defaultNodeOptions,
    preVote: a.flags.has('prevote'),
    checkQuorum: a.flags.has('checkquorum'),
    electionTicks: num(a.kv.get('election'), defaultNodeOptions.electionTicks),
    heartbeatTicks: num(a.kv.get('heartbeat'), defaultNodeOptions.heartbeatTicks),
    maxInflightMsgs: num(a.kv.get('inflight'), defaultNodeOptions.maxInflightMsgs),
    maxInflightBytes: num(a.kv.get('inflight-bytes'), defaultNodeOptions.maxInflightBytes),
    maxMsgBytes: num(a.kv.get('max-msg-bytes'), defaultNodeOptions.maxMsgBytes),
    bugs,
  }
  for (const i of ids) env.addNode(i, { voters, learners }, opts)
}

/** Tick until a follower or candidate's timer fires (its term or role moves); a leader ticks one election timeout. */
function tickElection(env: InteractionEnv, nid: NodeId): void {
  const sn = env.get(nid)
  const before = sn.node.status()
  if (before.role === 'leader') {
    for (let i = 0; i < sn.opts.electionTicks; i++) sn.node.tick()
    return
  }
  for (let i = 0; i < 2 * sn.opts.electionTicks; i++) {
    sn.node.tick()
    const now = sn.node.status()
    if (now.term !== before.term || now.role !== before.role || sn.node.hasReady()) return
  }
}

function propose(env: InteractionEnv, a: Args): void {
  const sn = env.get(id(a.pos[0]))
  printResult(env, sn.node.propose(a.pos.slice(1).map((w) => bytes.encode(w))))
}

function printResult(env: InteractionEnv, r: ProposeResult): void {
  if (r.ok) env.print(`ok ${r.firstIndex}..${r.lastIndex} term ${r.term}`)
  else env.print(`refused ${r.error} leader ${r.leader ?? '-'}`)
}

function status(env: InteractionEnv, ids: readonly NodeId[]): void {
  for (const nid of ids) {
    const st = env.get(nid).node.status()
    const conf = `voters=[${st.confState.voters.join(',')}] learners=[${st.confState.learners.join(',')}]`
    env.print(
      `${nid}: ${st.role} term=${st.term} vote=${st.vote ?? '-'} leader=${st.leader ?? '-'} commit=${st.commit} applied=${st.applied} last=${st.lastIndex} ${conf}`,
    )
    if (st.progress === undefined) continue
    for (const [pid, p] of st.progress) {
      const inflight = p.inflightMsgs > 0 ? ` inflight=${p.inflightMsgs}/${p.inflightBytes}B` : ''
      const learner = p.isLearner ? ' learner' : ''
      env.print(`  ${pid}: ${p.state} match=${p.match} next=${p.next}${inflight}${learner}`)
    }
  }
}

function printLog(env: InteractionEnv, nid: NodeId): void {
  const sn = env.get(nid)
  const s = sn.storage
  const snap = s.snapshot().metadata
  if (snap.index > 0) env.print(`snapshot ${snap.index}/${snap.term}`)
  const ents = s.entries(s.firstIndex(), s.lastIndex() + 1, Number.POSITIVE_INFINITY)
  if (ents.length === 0 && snap.index === 0) env.print('empty')
  for (const e of ents) env.print(describeEntry(e))
  env.print(`applied: [${sn.applied.join(' ')}]`)
}

/** The application image as of `index`: the snapshot's, then every applied entry up to index. */
function appliedDataUpTo(s: MemoryRaftStorage, index: number, snap: Snapshot): string[] {
  const dec = new TextDecoder()
  const base: string[] = snap.data.length === 0 ? [] : (JSON.parse(dec.decode(snap.data)) as string[])
  for (const e of s.entries(s.firstIndex(), index + 1, Number.POSITIVE_INFINITY)) {
    if (e.kind === 'normal' && e.data.length > 0) base.push(dec.decode(e.data))
  }
  return base
}
