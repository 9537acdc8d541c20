import { startNode } from '/work/wt-compaction/dist/src/node/node.js'
import { silentLogger } from '/work/wt-compaction/dist/src/io/log.js'
import { Kafka, logLevel } from 'kafkajs'
import { mkdtempSync } from 'node:fs'
const dir = mkdtempSync('/tmp/petrel-dbg-')
const opts = { dataDir: dir, kafkaPort: 0, logger: silentLogger, retentionCheckIntervalMs: 50, groupInitialRebalanceDelayMs: 0, offsetsTopicPartitions: 1 }
let n = await startNode(opts)
const kafka = new Kafka({ brokers: [`127.0.0.1:${n.kafkaPort}`], clientId: 'x', logLevel: logLevel.ERROR })
const admin = kafka.admin()
await admin.connect()
await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] })
const t0 = Date.now()
for (let i = 1; i <= 8; i++) { await admin.setOffsets({ groupId: 'g1', topic: 'orders', partitions: [{ partition: 0, offset: String(i) }] }); console.log(i, Date.now() - t0) }
console.log('set')
await admin.disconnect(); await n.close()
