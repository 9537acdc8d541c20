/**
 * Plain-text interaction scripts in the etcd-io/raft style: each file under testdata/ is a list of
 * commands, each followed by `----` and the exact output it must produce. Members are named by
 * aliases (a, b, …); a static member's later ids print as a', a'', …. Run with REWRITE=1 to write
 * the actual output back into the files (then read the diff before committing it).
 *
 *   config initial-delay=0 max-size=N          start a coordinator (first command of a script)
 *   join A [v=5] [static=I] [session=MS] [rebalance=MS] [protocols=p,q] [meta=x] [new]
 *   sync A [gen=N] [assign=A:x,B:y]            gen defaults to A's last generation
 *   heartbeat A [gen=N]     leave A     commit A|- [gen=N] t:0=5,u:1=7     fetch t:0,u:1
 *   (join, sync, heartbeat and commit take static=I, and id=LABEL to act with an earlier id)
 *   tick +MS     state     restart (load a new coordinator from the records)     records
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { GroupCoordinator } from '../../../src/groups/coordinator.js'
import type { CoordinatorConfig } from '../../../src/groups/core.js'
import { decodeGroupRecord } from '../../../src/groups/records.js'
import type { DeferredResponse, GroupRecord, JoinGroupResponse, Step } from '../../../src/groups/types.js'
import { createPrng } from '../../../src/lib/prng.js'
import { repoRoot } from '../../helpers/repo.js'
import { bytes, subscription, text } from './harness.js'

const GROUP = 'g'

type Item = { readonly comment: string } | { readonly line: string; readonly expected: string }

/** Blocks are separated by blank lines; a block of `#` lines is a comment and is kept on rewrite. */
function parseScript(source: string): Item[] {
  const blocks = source.split(/\n\n+/).filter((b) => b.trim() !== '')
  return blocks.map((b) => {
    if (b.trim().startsWith('#')) return { comment: b.trim() }
    const [line, ...rest] = b.replace(/\n+$/, '').split('\n')
    assert.equal(rest[0], '----', `a command is followed by ----: ${line}`)
    return { line: line!, expected: rest.slice(1).join('\n') }
  })
}

class Interpreter {
  private c: GroupCoordinator | null = null
  private config: Partial<CoordinatorConfig> = {}
  private nowMs = 1_000
  private nextRequestId = 1
  private readonly log: GroupRecord[] = []
  private printed = 0
  private readonly ids = new Map<string, string>()
  private readonly names = new Map<string, string>()
  private readonly generations = new Map<string, number>()
  private readonly pendingBy = new Map<number, string>()

  private get coordinator(): GroupCoordinator {
    assert.ok(this.c !== null, 'the script starts with config')
    return this.c
  }

  /** The member id a command acts as: the alias's current id, or an earlier one named by `id=`. */
  private idFor(alias: string, args: Map<string, string>): string {
    const label = args.get('id')
    if (label === undefined) return this.ids.get(alias) ?? ''
    for (const [id, name] of this.names) if (name === label) return id
    throw new Error(`no member id is labelled ${label}`)
  }

  private name(memberId: string): string {
    return memberId === '' ? "''" : (this.names.get(memberId) ?? '?')
  }

  private learn(alias: string, memberId: string): void {
    if (memberId === '' || this.names.has(memberId)) return
    const prior = [...this.names.values()].filter((n) => n.replace(/'+$/, '') === alias).length
    this.names.set(memberId, alias + "'".repeat(prior))
    this.ids.set(alias, memberId)
  }

  private formatJoin(alias: string, r: JoinGroupResponse): string {
    this.learn(alias, r.memberId)
    if (r.errorCode !== 'NONE') return `${alias}: JoinGroup ${r.errorCode}`
    this.generations.set(alias, r.generationId)
    const members = r.members.map((m) => this.name(m.memberId)).join(',')
    const skip = r.skipAssignment ? ' skip-assignment' : ''
    return `${alias}: JoinGroup NONE gen=${r.generationId} leader=${this.name(r.leader)} protocol=${r.protocolName} members=[${members}]${skip}`
  }

  private deferred(list: readonly DeferredResponse[]): string[] {
    // Learn every id first: the leader's member list names members answered after it.
    for (const d of list)
      if (d.api === 'JoinGroup') this.learn(this.pendingBy.get(d.requestId) ?? '?', d.response.memberId)
    return list.map((d) => {
      const alias = this.pendingBy.get(d.requestId) ?? '?'
      this.pendingBy.delete(d.requestId)
      if (d.api === 'JoinGroup') return `→ ${this.formatJoin(alias, d.response)}`
      const r = d.response
      return `→ ${alias}: SyncGroup ${r.errorCode}${r.errorCode === 'NONE' ? ` assignment=${text(r.assignment)}` : ''}`
    })
  }

  private absorb<R>(
    step: Step<R | null>,
    alias: string,
    requestId: number,
    direct: (r: R) => string,
  ): string[] {
    this.log.push(...step.records)
    for (const d of step.deferred)
      if (d.api === 'JoinGroup') this.learn(this.pendingBy.get(d.requestId) ?? '?', d.response.memberId)
    const out = step.response === null ? [`${alias}: parked`] : [direct(step.response)]
    if (step.response === null) this.pendingBy.set(requestId, alias)
    return [...out, ...this.deferred(step.deferred)]
  }

  private ctx(): { nowMs: number; requestId: number } {
    return { nowMs: this.nowMs, requestId: this.nextRequestId++ }
  }

  run(line: string): string {
    const [cmd, ...words] = line.trim().split(/\s+/)
    // key=value words are arguments, except topic:partition=offset lists (a colon in the key).
    const isArg = (w: string) => w.includes('=') && !w.split('=')[0]!.includes(':')
    const args = new Map(words.filter(isArg).map((w) => w.split('=', 2) as [string, string]))
    const flags = words.filter((w) => !isArg(w))
    const num = (key: string, fallback: number) => (args.has(key) ? Number(args.get(key)) : fallback)
    switch (cmd) {
      case 'config':
        this.config = {
          initialRebalanceDelayMs: num('initial-delay', 3_000),
          ...(args.has('max-size') ? { groupMembersMax: num('max-size', 0) } : {}),
        }
        this.c = new GroupCoordinator({ config: this.config, prng: createPrng(1) })
        return 'ok'
      case 'join':
        return this.join(flags[0]!, args, flags.includes('new')).join('\n')
      case 'sync':
        return this.sync(flags[0]!, args).join('\n')
      case 'heartbeat': {
        const alias = flags[0]!
        const step = this.coordinator.heartbeat(
          {
            groupId: GROUP,
            memberId: this.idFor(alias, args),
            generationId: num('gen', this.generations.get(alias) ?? -1),
            groupInstanceId: args.get('static') ?? null,
          },
          this.ctx(),
        )
        return `${alias}: Heartbeat ${step.response.errorCode}`
      }
      case 'leave': {
        const alias = flags[0]!
        const ctx = this.ctx()
        const step = this.coordinator.leaveGroup(
          {
            groupId: GROUP,
            members: [{ memberId: this.ids.get(alias) ?? '', groupInstanceId: args.get('static') ?? null }],
          },
          ctx,
        )
        return this.absorb(
          step,
          alias,
          ctx.requestId,
          (r) => `${alias}: LeaveGroup ${r.members[0]!.errorCode}`,
        ).join('\n')
      }
      case 'commit':
        return this.commit(flags[0]!, flags[1]!, args)
      case 'fetch': {
        const parts = flags[0]!.split(',').map((tp) => tp.split(':') as [string, string])
        const r = this.coordinator.offsetFetch({
          groupId: GROUP,
          topics: parts.map(([name, p]) => ({ name, partitionIndexes: [Number(p)] })),
        })
        return r.topics
          .map((t) => `${t.name}:${t.partitions[0]!.partitionIndex}=${t.partitions[0]!.committedOffset}`)
          .join(' ')
      }
      case 'tick': {
        this.nowMs += Number(flags[0]!.replace('+', ''))
        const out = this.coordinator.tick(this.nowMs)
        this.log.push(...out.records)
        const lines = this.deferred(out.deferred)
        return [`t=${this.nowMs - 1_000}`, ...lines].join('\n')
      }
      case 'state':
        return this.state()
      case 'restart':
        this.c = GroupCoordinator.load(this.log, {
          config: this.config,
          prng: createPrng(2),
          nowMs: this.nowMs,
        })
        return this.state()
      case 'records': {
        const lines = this.log.slice(this.printed).map((r) => this.describeRecord(r))
        this.printed = this.log.length
        return lines.length === 0 ? '(none)' : lines.join('\n')
      }
      default:
        throw new Error(`unknown command ${cmd}`)
    }
  }

  private join(alias: string, args: Map<string, string>, fresh: boolean): string[] {
    const protocols = (args.get('protocols') ?? 'range').split(',').map((name) => ({
      name,
      metadata: args.has('meta') ? bytes(args.get('meta')!) : subscription('t'),
    }))
    const ctx = this.ctx()
    const step = this.coordinator.joinGroup(
      {
        apiVersion: Number(args.get('v') ?? 5),
        groupId: GROUP,
        sessionTimeoutMs: Number(args.get('session') ?? 10_000),
        rebalanceTimeoutMs: Number(args.get('rebalance') ?? 30_000),
        memberId: fresh ? '' : this.idFor(alias, args),
        groupInstanceId: args.get('static') ?? null,
        protocolType: 'consumer',
        protocols,
        clientId: alias,
        clientHost: '/127.0.0.1',
      },
      ctx,
    )
    return this.absorb(step, alias, ctx.requestId, (r) => this.formatJoin(alias, r))
  }

  private sync(alias: string, args: Map<string, string>): string[] {
    const assignments = (args.get('assign') ?? '')
      .split(',')
      .filter((x) => x !== '')
      .map((x) => {
        const [who, what] = x.split(':') as [string, string]
        return { memberId: this.ids.get(who) ?? who, assignment: bytes(what) }
      })
    const ctx = this.ctx()
    const step = this.coordinator.syncGroup(
      {
        groupId: GROUP,
        generationId: Number(args.get('gen') ?? this.generations.get(alias) ?? -1),
        memberId: this.idFor(alias, args),
        groupInstanceId: args.get('static') ?? null,
        protocolType: null,
        protocolName: null,
        assignments,
      },
      ctx,
    )
    return this.absorb(
      step,
      alias,
      ctx.requestId,
      (r) =>
        `${alias}: SyncGroup ${r.errorCode}${r.errorCode === 'NONE' ? ` assignment=${text(r.assignment)}` : ''}`,
    )
  }

  private commit(alias: string, offsets: string, args: Map<string, string>): string {
    const simple = alias === '-'
    const topics = offsets.split(',').map((x) => {
      const [tp, off] = x.split('=') as [string, string]
      const [name, p] = tp.split(':') as [string, string]
      return {
        name,
        partitions: [
          {
            partitionIndex: Number(p),
            committedOffset: Number(off),
            committedLeaderEpoch: -1,
            committedMetadata: '',
          },
        ],
      }
    })
    const step = this.coordinator.offsetCommit(
      {
        apiVersion: 5,
        groupId: GROUP,
        generationId: Number(args.get('gen') ?? (simple ? -1 : (this.generations.get(alias) ?? -1))),
        memberId: simple ? '' : this.idFor(alias, args),
        groupInstanceId: args.get('static') ?? null,
        topics,
      },
      this.ctx(),
    )
    this.log.push(...step.records)
    return `${alias}: OffsetCommit ${step.response.topics.map((t) => t.partitions[0]!.errorCode).join(',')}`
  }

  private state(): string {
    const [d] = this.coordinator.describeGroups([GROUP], 0)
    const v = this.coordinator.view().groups.find((g) => g.groupId === GROUP)
    const members = d!.members
      .map(
        (m) => this.name(m.memberId) + (m.memberAssignment.length > 0 ? `:${text(m.memberAssignment)}` : ''),
      )
      .join(',')
    return `${d!.groupState} gen=${v?.generationId ?? 0} leader=${v?.leaderId ? this.name(v.leaderId) : '-'} members=[${members}]`
  }

  private describeRecord(r: GroupRecord): string {
    const d = decodeGroupRecord(r.key, r.value)
    if (d.kind === 'offset')
      return `offset ${d.group}/${d.topic}:${d.partition} ${d.value === null ? 'tombstone' : `offset=${d.value.offset}`}`
    if (d.value === null) return `group ${d.group} tombstone`
    const members = d.value.members.map((m) => `${this.name(m.memberId)}:${text(m.assignment)}`).join(',')
    return `group ${d.group} gen=${d.value.generation} protocol=${d.value.protocol} leader=${d.value.leader === null ? '-' : this.name(d.value.leader)} members=[${members}]`
  }
}

const dir = join(repoRoot(), 'test', 'unit', 'groups', 'testdata')
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  test(`script ${file}`, () => {
    const source = readFileSync(join(dir, file), 'utf8')
    const interpreter = new Interpreter()
    const items = parseScript(source)
    const rewritten: string[] = []
    for (const item of items) {
      if ('comment' in item) {
        rewritten.push(item.comment)
        continue
      }
      const output = interpreter.run(item.line)
      rewritten.push(`${item.line}\n----\n${output}`)
      if (process.env.REWRITE !== '1') assert.equal(output, item.expected, `${file}: ${item.line}`)
    }
    if (process.env.REWRITE === '1') writeFileSync(join(dir, file), `${rewritten.join('\n\n')}\n`)
  })
}
