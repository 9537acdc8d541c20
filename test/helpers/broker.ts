/** An in-process Broker over the real file-backed stores in a temporary folder. */
import { join } from 'node:path'
import type { FileSystem } from '../../src/io/fs.js'
import { systemClock } from '../../src/io/impl/clock.js'
import { silentLogger } from '../../src/io/log.js'
import { Broker } from '../../src/kafka/broker.js'
import { AclFile } from '../../src/node/acl-file.js'
import { BrokerConfigFile } from '../../src/node/broker-config-file.js'
import { StorageLogs } from '../../src/node/storage-log.js'
import { MetadataFile } from '../../src/node/metadata-file.js'

export async function openBroker(
  dir: string,
  opts: { fs?: FileSystem } = {},
): Promise<{ broker: Broker; close(): Promise<void> }> {
  const metadata = await MetadataFile.open(join(dir, 'metadata'))
  const logs = new StorageLogs({
    dataDir: dir,
    log: silentLogger,
    configOf: (topic) => metadata.state().topics.get(topic)?.config,
    nowMs: Date.now,
    ...(opts.fs === undefined ? {} : { fs: opts.fs }),
  })
  const settings = {
    nodeId: 0,
    advertisedHost: '127.0.0.1',
    advertisedPort: 9092,
    clusterId: 'test',
    autoCreateTopics: true,
    defaultPartitions: 1,
  }
  const acls = await AclFile.open(join(dir, 'metadata'))
  const brokerConfigs = await BrokerConfigFile.open(join(dir, 'metadata'))
  const broker = new Broker(settings, metadata, acls, brokerConfigs, logs, systemClock, silentLogger)
  return {
    broker,
    async close() {
      broker.close()
      await logs.closeAll()
    },
  }
}
