/** An in-process Broker over the real file-backed stores in a temporary folder. */
import { join } from 'node:path'
import { systemClock } from '../../src/io/impl/clock.js'
import { silentLogger } from '../../src/io/log.js'
import { Broker } from '../../src/kafka/broker.js'
import { FileLogs } from '../../src/node/file-log.js'
import { MetadataFile } from '../../src/node/metadata-file.js'

export async function openBroker(dir: string): Promise<{ broker: Broker; close(): Promise<void> }> {
  const metadata = await MetadataFile.open(join(dir, 'metadata'))
  const logs = new FileLogs(dir, silentLogger)
  const settings = {
    nodeId: 0,
    advertisedHost: '127.0.0.1',
    advertisedPort: 9092,
    clusterId: 'test',
    autoCreateTopics: true,
    defaultPartitions: 1,
  }
  const broker = new Broker(settings, metadata, logs, systemClock, silentLogger)
  return {
    broker,
    async close() {
      broker.close()
      await logs.closeAll()
    },
  }
}
