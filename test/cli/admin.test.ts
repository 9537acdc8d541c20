/**
 * topic, produce and cluster commands end to end against a node, through each ClusterApi
 * implementation: --json output parsed and checked, text output spot-checked, error exits.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { connectClient } from '../../src/cli/client-api.js'
import type { Connect } from '../../src/cli/cluster-api.js'
import { type Harness, startHarness } from './harness.js'
import { kafkajsConnect } from './kafkajs-api.js'

const implementations: [string, Connect][] = [
  ['the Petrel client', connectClient],
  ['kafkajs', kafkajsConnect],
]

for (const [label, connect] of implementations) {
  describe(`petrel topic/produce/cluster through ${label}`, () => {
    let h: Harness
    before(async () => {
      h = await startHarness(connect)
    })
    after(async () => {
      await h.close()
    })

    test('topic create, list, describe, alter-config, delete', async () => {
      const created = await h.json([
        'topic',
        'create',
        'orders',
        '--partitions',
        '3',
        '--config',
        'retention.ms=60000',
      ])
      assert.deepEqual(created, {
        topic: 'orders',
        partitions: 3,
        replicationFactor: 1,
        configs: { 'retention.ms': '60000' },
      })
      const list = (await h.json(['topic', 'list'])) as { name: string; partitions: number }[]
      assert.deepEqual(
        list.filter((t) => t.name === 'orders').map((t) => [t.name, t.partitions]),
        [['orders', 3]],
      )
      const text = await h.petrel(['topic', 'list', '--bootstrap', h.bootstrap])
      assert.equal(text.code, 0)
      assert.match(text.stdout, /^TOPIC\s+PARTITIONS\n(.*\n)*orders\s+3\n/)

      const d = (await h.json(['topic', 'describe', 'orders'])) as {
        partitions: { partition: number; leader: number; earliestOffset: number; latestOffset: number }[]
        configs: Record<string, string>
      }
      assert.deepEqual(
        d.partitions.map((p) => [p.partition, p.leader, p.earliestOffset, p.latestOffset]),
        [
          [0, 0, 0, 0],
          [1, 0, 0, 0],
          [2, 0, 0, 0],
        ],
      )
      assert.equal(d.configs['retention.ms'], '60000')

      await h.json(['topic', 'alter-config', 'orders', '--set', 'retention.ms=120000'])
      const d2 = (await h.json(['topic', 'describe', 'orders'])) as { configs: Record<string, string> }
      assert.equal(d2.configs['retention.ms'], '120000')
      if (label === 'the Petrel client') {
        // --delete keeps the other settings (kafkajs has no incremental alter, so client only).
        await h.json([
          'topic',
          'alter-config',
          'orders',
          '--set',
          'retention.bytes=1000000',
          '--delete',
          'retention.ms',
        ])
        const d3 = (await h.json(['topic', 'describe', 'orders'])) as { configs: Record<string, string> }
        assert.equal(d3.configs['retention.bytes'], '1000000')
        assert.equal(d3.configs['retention.ms'], '604800000', 'back to the default')
      }

      assert.deepEqual(await h.json(['topic', 'delete', 'orders']), { topic: 'orders', deleted: true })
      const after = (await h.json(['topic', 'list'])) as { name: string }[]
      assert.ok(!after.some((t) => t.name === 'orders'))
    })

    test('produce from stdin with a key separator and headers, then generated with --count', async () => {
      await h.json(['topic', 'create', 'lines', '--partitions', '2'])
      const stdin = Array.from({ length: 50 }, (_, i) => `k${i % 5}:v${i}`).join('\n')
      const r = (await h.json(['produce', 'lines', '--key-separator', ':', '--header', 'src=cli'], {
        stdin,
      })) as {
        messages: number
        bytes: number
        messagesPerSecond: number
      }
      assert.equal(r.messages, 50)
      assert.ok(r.messagesPerSecond > 0)
      const g = await h.petrel([
        'produce',
        'lines',
        '--count',
        '3000',
        '--size',
        '64',
        '--bootstrap',
        h.bootstrap,
      ])
      assert.equal(g.code, 0, g.stderr)
      assert.match(
        g.stdout,
        /^produced 3000 messages \(187\.5 KiB\) in \d+\.\d\d s: \d+ msg\/s, \d+\.\d\d MiB\/s\n$/,
      )
      const d = (await h.json(['topic', 'describe', 'lines'])) as { partitions: { latestOffset: number }[] }
      assert.equal(
        d.partitions.reduce((n, p) => n + p.latestOffset, 0),
        3050,
      )
    })

    test('produce --partition places every message there; --acks 1 and 0 are accepted', async () => {
      await h.json(['topic', 'create', 'placed', '--partitions', '3'])
      await h.json(['produce', 'placed', '--partition', '2', '--key', 'k'], { stdin: 'a\nb\nc\nd\ne\n' })
      await h.json(['produce', 'placed', '--partition', '1', '--acks', '1', '--count', '7', '--size', '3'])
      const d = (await h.json(['topic', 'describe', 'placed'])) as { partitions: { latestOffset: number }[] }
      assert.deepEqual(
        d.partitions.map((p) => p.latestOffset),
        [0, 7, 5],
      )
      const r = (await h.json(['produce', 'placed', '--acks', '0', '--count', '10'])) as { messages: number }
      assert.equal(r.messages, 10)
    })

    test('cluster status names the node as broker and controller', async () => {
      const s = (await h.json(['cluster', 'status'])) as {
        controllerId: number
        brokers: { nodeId: number; port: number }[]
        clusterId: string | null
      }
      assert.equal(s.controllerId, 0)
      assert.deepEqual(
        s.brokers.map((b) => [b.nodeId, b.port]),
        [[0, h.node.kafkaPort]],
      )
      assert.equal(typeof s.clusterId, 'string')
      const t = await h.petrel(['cluster', 'status', '--bootstrap', h.bootstrap])
      assert.match(t.stdout, /controller 0/)
    })

    test('errors: unknown topic, existing topic, unreachable bootstrap, bad flags', async () => {
      const unknown = await h.petrel(['topic', 'describe', 'nope', '--bootstrap', h.bootstrap])
      assert.equal(unknown.code, 1)
      assert.match(unknown.stderr, /^petrel topic describe: unknown topic 'nope'\n$/)
      await h.json(['topic', 'create', 'twice'])
      const twice = await h.petrel(['topic', 'create', 'twice', '--bootstrap', h.bootstrap])
      assert.equal(twice.code, 1)
      assert.match(twice.stderr, /^petrel topic create: .*exists.*\n$/)
      const down = await h.petrel(['topic', 'list', '--bootstrap', '127.0.0.1:1'])
      assert.equal(down.code, 1)
      assert.equal(down.stderr.split('\n').length, 2, down.stderr)
      assert.match(down.stderr, /^petrel topic list: .*(ECONNREFUSED|connect|reach).*\n$/i)
      const bad = await h.petrel(['topic', 'create', 'bad name', '--bootstrap', h.bootstrap])
      assert.equal(bad.code, 2)
      assert.match(bad.stderr, /invalid topic name 'bad name'/)
    })
  })
}
