/** The nemesis against a recording host: each action does what its name says. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nodeId, term } from '../../src/lib/branded.js'
import { createPrng } from '../../src/lib/prng.js'
import type { Message } from '../../src/raft/index.js'
import { Nemesis, type NemesisHost } from '../../src/testing/sim/nemesis.js'
import { SimNet } from '../../src/testing/sim/net.js'
import type { NodeInput, SimNode } from '../../src/testing/sim/node.js'
import { drawWeather, type NemesisAction, type Weather } from '../../src/testing/sim/weather.js'

interface Recorder extends NemesisHost {
  crashes: [number, number][]
  inputs: NodeInput[]
  sparesLeft: number[]
}

function host(voters: number[], learners: number[] = []): Recorder {
  const inputs: NodeInput[] = []
  const leader = {
    id: 1,
    status: () => ({
      id: nodeId(1),
      term: term(2),
      confState: { voters: voters.map(nodeId), learners: learners.map(nodeId) },
    }),
    input: (x: NodeInput) => inputs.push(x),
  } as unknown as SimNode
  const r: Recorder = {
    net: new SimNet(createPrng(1), 9),
    crashes: [],
    inputs,
    sparesLeft: [],
    liveIds: () => voters,
    memberIds: () => voters,
    leader: () => leader,
    crashFor: (id, downMs) => r.crashes.push([id, downMs]),
    startSpare: () => r.sparesLeft.shift(),
    log: () => {},
  }
  return r
}

function only(action: NemesisAction, extra: Partial<Weather> = {}): Weather {
  const w = drawWeather(createPrng(3))
  const weights = Object.fromEntries(Object.keys(w.actionWeights).map((k) => [k, k === action ? 1 : 0]))
  return { ...w, ...extra, actionWeights: weights as Weather['actionWeights'] }
}

test('isolate cuts one node off from every other', () => {
  const h = host([1, 2, 3])
  new Nemesis(createPrng(5), only('isolate'), h).act()
  const cut = [1, 2, 3].filter((n) =>
    [1, 2, 3].every((m) => m === n || (h.net.isCut(n, m) && h.net.isCut(m, n))),
  )
  assert.equal(cut.length, 1)
})

test('a power cut crashes every live node with one restart time; a bounce restarts within 5 ms', () => {
  const h = host([1, 2, 3, 4, 5])
  new Nemesis(createPrng(5), only('powerCut'), h).act()
  assert.deepEqual(
    h.crashes.map(([id]) => id),
    [1, 2, 3, 4, 5],
  )
  assert.equal(new Set(h.crashes.map(([, ms]) => ms)).size, 1)
  const b = host([1, 2, 3])
  new Nemesis(createPrng(6), only('bounce'), b).act()
  assert.equal(b.crashes.length, 1)
  assert.ok((b.crashes[0]?.[1] as number) <= 5)
})

test('membership: promote a learner first, then add a spare, then remove a voter beyond three', () => {
  const a = host([1, 2, 3], [4])
  new Nemesis(createPrng(1), only('membership'), a).act()
  assert.deepEqual(a.inputs, [{ k: 'conf', cc: { type: 'addVoter', nodeId: 4 } }])
  const b = host([1, 2, 3])
  b.sparesLeft.push(6)
  new Nemesis(createPrng(1), only('membership'), b).act()
  assert.deepEqual(b.inputs, [{ k: 'conf', cc: { type: 'addLearner', nodeId: 6 } }])
  const c = host([1, 2, 3])
  new Nemesis(createPrng(1), only('membership'), c).act()
  assert.deepEqual(c.inputs, [], 'never below three voters')
  const d = host([1, 2, 3, 4])
  new Nemesis(createPrng(1), only('membership'), d).act()
  const x = d.inputs[0]
  assert.ok(
    x?.k === 'conf' && x.cc.type === 'removeNode' && x.cc.nodeId !== 1,
    'removes a voter other than the leader',
  )
})

test('a voter that grants a vote is restarted when the weather says so', () => {
  const grant = { type: 'voteResp', from: nodeId(2), to: nodeId(1), term: term(3), reject: false } as Message
  const h = host([1, 2, 3])
  const n = new Nemesis(createPrng(1), only('heal', { bounceAfterVoteP: 1 }), h)
  n.afterSend({ ...grant, reject: true } as Message)
  assert.equal(h.crashes.length, 0)
  n.afterSend(grant)
  assert.deepEqual(
    h.crashes.map(([id]) => id),
    [2],
  )
})
