import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { parseStartArgs } from '../../../src/cli/start.js'
import { startNode } from '../../../src/index.js'
import { silentLogger } from '../../../src/io/log.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const dirs: string[] = []
after(() => {
  for (const d of dirs) removeDir(d)
})

test('flags override the config file, which overrides defaults', () => {
  const d = tempDataDir('petrel-cli-')
  dirs.push(d)
  const file = join(d, 'petrel.json')
  writeFileSync(file, JSON.stringify({ kafkaPort: 1234, host: '0.0.0.0', defaultPartitions: 4 }))
  assert.deepEqual(parseStartArgs(['--config', file, '--kafka-port', '0', '--no-auto-create-topics']), {
    kafkaPort: 0,
    host: '0.0.0.0',
    defaultPartitions: 4,
    autoCreateTopics: false,
  })
  writeFileSync(file, JSON.stringify({ kafkaPrt: 1 }))
  assert.throws(() => parseStartArgs(['--config', file]), /unknown setting 'kafkaPrt'/)
  assert.throws(() => parseStartArgs(['--kafka-port', 'x']), /non-negative integer/)
  assert.throws(() => parseStartArgs(['--bogus']), /Unknown option/)
  assert.equal(parseStartArgs(['--help']), 'help')
})

test('an embedded node binds a free port and advertises a reachable address', async () => {
  const d = tempDataDir('petrel-embed-')
  dirs.push(d)
  const node = await startNode({ dataDir: d, kafkaPort: 0, host: '0.0.0.0', logger: silentLogger })
  assert.ok(node.kafkaPort > 0)
  assert.equal(node.advertisedHost, '127.0.0.1', 'never advertise the wildcard address')
  await node.close()
  await assert.rejects(() => startNode({ dataDir: d, kafkaPort: 70000, logger: silentLogger }), /not a port/)
})
