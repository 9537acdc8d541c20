/** A node started in-process on a free port in a fresh temporary folder, for client tests. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../src/io/log.js'
import { type RunningNode, startNode } from '../../src/node/node.js'

export interface TestNode {
  readonly node: RunningNode
  readonly bootstrap: string
  stop(): Promise<void>
}

export async function startTestNode(options: { autoCreateTopics?: boolean } = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'petrel-client-'))
  const node = await startNode({
    dataDir,
    kafkaPort: 0,
    host: '127.0.0.1',
    autoCreateTopics: options.autoCreateTopics ?? false,
    logger: silentLogger,
  })
  return {
    node,
    bootstrap: `127.0.0.1:${node.kafkaPort}`,
    async stop() {
      await node.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
