/**
 * The nemesis of the fault phase (Jepsen's word): every so often it picks one fault, with the
 * weights this seed's weather drew, and applies it to the network, the nodes or the membership.
 * It also injects one targeted fault: restarting a voter right after it grants a vote.
 */
import type { NodeId } from '../../lib/branded.js'
import { nodeId } from '../../lib/branded.js'
import type { Prng } from '../../lib/prng.js'
import type { Message } from '../../raft/index.js'
import type { SimNet } from './net.js'
import type { SimNode } from './node.js'
import { pickAction, type Weather } from './weather.js'

export interface NemesisHost {
  readonly net: SimNet
  /** Members (started, not removed) that are up. */
  liveIds(): number[]
  /** Started and not removed. */
  memberIds(): number[]
  leader(): SimNode | undefined
  /** Crashes the node now and restarts it after `downMs`. */
  crashFor(id: number, downMs: number): void
  /** Starts the next spare node and returns its id, or undefined if none is left. */
  startSpare(): number | undefined
  log(line: string): void
}

export class Nemesis {
  private rollingNext = 0

  constructor(
    private readonly prng: Prng,
    private readonly weather: Weather,
    private readonly host: NemesisHost,
  ) {}

  /** Ms until the next action. */
  gapMs(): number {
    return this.prng.range(this.weather.nemesisGapMinMs, this.weather.nemesisGapMaxMs)
  }

  act(): void {
    const p = this.prng
    const h = this.host
    const action = pickAction(p, this.weather.actionWeights)
    const live = h.liveIds()
    switch (action) {
      case 'crash':
      case 'bounce': {
        const victim = live[p.int(live.length)]
        const downMs = action === 'crash' ? p.range(10, this.weather.downMaxMs) : p.range(0, 5)
        if (victim !== undefined) h.crashFor(victim, downMs)
        return
      }
      case 'powerCut': {
        const downMs = p.range(0, 50)
        h.log('nemesis power cut')
        for (const id of live) h.crashFor(id, downMs)
        return
      }
      case 'rolling': {
        const all = h.memberIds()
        const victim = all[this.rollingNext++ % all.length] as number
        h.net.healAll()
        h.net.isolate(victim, all)
        h.log(`nemesis rolling isolate ${victim}`)
        return
      }
      case 'membership':
        this.changeMembership()
        return
      case 'transfer':
        this.transfer()
        return
      default:
        h.log(`nemesis ${h.net.partition(action, h.memberIds())}`)
    }
  }

  /** Called for every message a node sends during the fault phase. */
  afterSend(m: Message): void {
    if (m.type !== 'voteResp' || m.reject || !this.prng.chance(this.weather.bounceAfterVoteP)) return
    this.host.crashFor(m.from, this.prng.range(0, 5))
  }

  private transfer(): void {
    const leader = this.host.leader()
    const voters = leader?.status()?.confState.voters.filter((v) => v !== leader.id) ?? []
    const to = voters[this.prng.int(voters.length)]
    if (leader === undefined || to === undefined) return
    this.host.log(`nemesis transfer n${leader.id} -> n${to}`)
    leader.input({ k: 'transfer', to })
  }

  /** One step of membership churn through the leader: promote a learner, add a spare, or remove. */
  private changeMembership(): void {
    const leader = this.host.leader()
    const st = leader?.status()
    if (leader === undefined || st === undefined) return
    const { voters, learners } = st.confState
    const learner = learners[0]
    if (learner !== undefined) {
      leader.input({ k: 'conf', cc: { type: 'addVoter', nodeId: learner } })
      return
    }
    const spare = this.host.startSpare()
    if (spare !== undefined) {
      leader.input({ k: 'conf', cc: { type: 'addLearner', nodeId: nodeId(spare) } })
      return
    }
    // Keep at least three voters, so that one crash never leaves the cluster without a quorum.
    if (voters.length <= 3) return
    const others: NodeId[] = voters.filter((v) => v !== leader.id)
    const victim = others[this.prng.int(others.length)]
    if (victim !== undefined) leader.input({ k: 'conf', cc: { type: 'removeNode', nodeId: victim } })
  }
}
