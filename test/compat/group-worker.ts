/**
 * One consumer-group member as a child process, so that a test can SIGKILL it. Usage:
 *   node group-worker.js <kafkajs|platformatic> <broker> <topic> <group> <sessionTimeoutMs>
 * Prints one line per event on stdout: `m <partition> <offset>` for each message handed to the
 * application, and `c <partition> <offset>` once a commit of that position (the next offset to
 * read) is acknowledged by the broker. Commits are manual, after each batch, so every line `c`
 * marks exactly what a restart would resume from. Runs until SIGTERM.
 */
import {
  MessagesStreamModes,
  Consumer as PlatformaticConsumer,
  stringDeserializers,
} from '@platformatic/kafka'
import { Kafka, logLevel } from 'kafkajs'

const [client, broker, topic, group, session] = process.argv.slice(2)
if (client === undefined || broker === undefined || topic === undefined || group === undefined) {
  process.stderr.write(
    'usage: group-worker <kafkajs|platformatic> <broker> <topic> <group> <sessionTimeoutMs>\n',
  )
  process.exit(2)
}
const sessionTimeout = Number(session ?? '6000')

/**
 * Resolves once the line was handed to the OS: a delivery must be out of this process before
 * the commit that follows it, or a SIGKILL could lose a delivery whose commit went through.
 */
function emit(line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(`${line}\n`, (e) => (e ? reject(e) : resolve()))
  })
}

async function runKafkajs(): Promise<() => Promise<void>> {
  const kafka = new Kafka({
    brokers: [broker as string],
    clientId: 'group-worker',
    logLevel: process.env.GROUP_WORKER_LOG === 'info' ? logLevel.INFO : logLevel.NOTHING,
  })
  const consumer = kafka.consumer({
    groupId: group as string,
    sessionTimeout,
    rebalanceTimeout: sessionTimeout * 2,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  })
  await consumer.connect()
  await consumer.subscribe({ topic: topic as string, fromBeginning: true })
  await consumer.run({
    autoCommit: false,
    // Otherwise kafkajs resolves the whole batch after eachBatch returns, even the messages a
    // stale batch left undelivered, and the member would skip them.
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      let last: string | null = null
      let lines = ''
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break
        lines += `m ${batch.partition} ${m.offset}\n`
        resolveOffset(m.offset)
        last = m.offset
      }
      if (last === null) return
      await emit(lines.slice(0, -1))
      const next = String(BigInt(last) + 1n)
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
      await emit(`c ${batch.partition} ${next}`)
      await heartbeat()
    },
  })
  return () => consumer.disconnect()
}

async function runPlatformatic(): Promise<() => Promise<void>> {
  const consumer = new PlatformaticConsumer({
    clientId: 'group-worker',
    bootstrapBrokers: [broker as string],
    groupId: group as string,
    sessionTimeout,
    rebalanceTimeout: sessionTimeout * 2,
    heartbeatInterval: 500,
    maxWaitTime: 200,
    deserializers: stringDeserializers,
  })
  const stream = await consumer.consume({
    topics: [topic as string],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: 'earliest',
    autocommit: false,
  })
  void (async () => {
    for await (const m of stream) {
      await emit(`m ${m.partition} ${m.offset}`)
      await m.commit()
      await emit(`c ${m.partition} ${m.offset + 1n}`)
    }
  })()
  return async () => {
    await stream.close()
    await consumer.close(true)
  }
}

const stop = await (client === 'kafkajs' ? runKafkajs() : runPlatformatic())
await emit('ready')
process.on('SIGTERM', () => {
  void stop().finally(() => process.exit(0))
})
