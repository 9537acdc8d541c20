/**
 * The driver contract for timers: a driver that calls tick only when nextDeadlineMs() has come must
 * see exactly what a driver ticking every millisecond sees. Two coordinators get the same random
 * requests across several groups at the same times; their outputs must match step for step.
 * Timeouts are short (hundreds of ms) so that ticking every millisecond stays cheap. After every
 * call the coordinator's deadline index must also agree with a scan of all groups.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { GroupCoordinator } from '../../../src/groups/coordinator.js'
import type { Core } from '../../../src/groups/core.js'
import { nextDeadline } from '../../../src/groups/rebalance.js'
import type { GroupRecord, JoinGroupResponse, Step, TickOutput } from '../../../src/groups/types.js'
import { createPrng } from '../../../src/lib/prng.js'
import { subscription } from './harness.js'

const GROUPS = ['g0', 'g1']

type Op =
  | { kind: 'join'; group: number; who: number; v: number; session: number }
  | { kind: 'sync'; group: number; who: number }
  | { kind: 'heartbeat'; group: number; who: number }
  | { kind: 'leave'; group: number; who: number }
  | { kind: 'wait'; ms: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('join' as const),
    group: fc.nat(1),
    who: fc.nat(1),
    v: fc.constantFrom(2, 5),
    // Sessions shorter and longer than the rebalance timeout, so that each timer can fire first.
    session: fc.constantFrom(300, 900),
  }),
  fc.record({ kind: fc.constant('sync' as const), group: fc.nat(1), who: fc.nat(1) }),
  fc.record({ kind: fc.constant('heartbeat' as const), group: fc.nat(1), who: fc.nat(1) }),
  fc.record({ kind: fc.constant('leave' as const), group: fc.nat(1), who: fc.nat(1) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 700 }) }),
)

/**
 * White box: the earliest deadline over every group, by scanning them all. The coordinator keeps
 * an index instead; after every call the two must agree, or some call forgot to reschedule.
 */
function scannedNextDeadline(c: GroupCoordinator): number | null {
  const { core } = c as unknown as { core: Core }
  let next: number | null = null
  for (const g of core.groups.values()) {
    const d = nextDeadline(g)
    if (d !== null && (next === null || d < next)) next = d
  }
  return next
}

/** Everything a step put out, as comparable plain data. */
function flatten(out: TickOutput | Step<unknown>): unknown {
  const records = out.records.map((r: GroupRecord) => [[...r.key], r.value === null ? null : [...r.value]])
  return { response: 'response' in out ? out.response : undefined, deferred: out.deferred, records }
}

test('ticking at nextDeadlineMs is the same as ticking every millisecond', () => {
  fc.assert(
    fc.property(fc.constantFrom(0, 300), fc.array(op, { minLength: 5, maxLength: 30 }), (delay, ops) => {
      const config = { initialRebalanceDelayMs: delay, sessionTimeoutMinMs: 100 }
      const every = new GroupCoordinator({ config, prng: createPrng(5) })
      const lazy = new GroupCoordinator({ config, prng: createPrng(5) })
      const ids = new Map<string, string>()
      const gens = new Map<string, number>()
      let now = 0
      let requestId = 1
      const advance = (to: number) => {
        for (let t = now + 1; t <= to; t++) {
          const a = every.tick(t)
          const next = lazy.nextDeadlineMs()
          const b = next !== null && next <= t ? lazy.tick(t) : { deferred: [], records: [] }
          assert.deepEqual(flatten(b), flatten(a), `tick at ${t}`)
          assert.equal(lazy.nextDeadlineMs(), scannedNextDeadline(lazy), `index after tick at ${t}`)
        }
        now = to
      }
      for (const o of ops) {
        if (o.kind === 'wait') {
          advance(now + o.ms)
          continue
        }
        advance(now + 1)
        const groupId = GROUPS[o.group]!
        const key = `${groupId}/${o.who}`
        const memberId = ids.get(key) ?? ''
        const ctx = { nowMs: now, requestId: requestId++ }
        const call = (c: GroupCoordinator): Step<unknown> => {
          switch (o.kind) {
            case 'join':
              return c.joinGroup(
                {
                  apiVersion: o.v,
                  groupId,
                  sessionTimeoutMs: o.session,
                  rebalanceTimeoutMs: 600,
                  memberId,
                  groupInstanceId: null,
                  protocolType: 'consumer',
                  protocols: [{ name: 'range', metadata: subscription('t') }],
                  clientId: `c${o.who}`,
                  clientHost: 'h',
                },
                ctx,
              )
            case 'sync':
              return c.syncGroup(
                {
                  groupId,
                  generationId: gens.get(key) ?? -1,
                  memberId,
                  groupInstanceId: null,
                  protocolType: null,
                  protocolName: null,
                  assignments: [],
                },
                ctx,
              )
            case 'heartbeat':
              return c.heartbeat(
                { groupId, generationId: gens.get(key) ?? -1, memberId, groupInstanceId: null },
                ctx,
              )
            case 'leave':
              return c.leaveGroup({ groupId, members: [{ memberId, groupInstanceId: null }] }, ctx)
          }
        }
        const a = call(every)
        const b = call(lazy)
        assert.deepEqual(flatten(b), flatten(a), `${o.kind} at ${now}`)
        assert.equal(lazy.nextDeadlineMs(), scannedNextDeadline(lazy), `index after ${o.kind} at ${now}`)
        if (o.kind === 'join' && a.response !== null) {
          const r = a.response as JoinGroupResponse
          if (r.memberId !== '') ids.set(key, r.memberId)
          if (r.errorCode === 'NONE') gens.set(key, r.generationId)
        }
      }
      advance(now + 4_000)
      assert.deepEqual(lazy.view(), every.view())
      assert.equal(lazy.nextDeadlineMs(), every.nextDeadlineMs())
    }),
    { numRuns: 100 },
  )
})
