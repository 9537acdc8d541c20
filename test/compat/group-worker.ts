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

function emit(line: string): void {
  process.stdout.write(`${line}\n`)
}

async function runKafkajs(): Promise<() => Promise<void>> {
  const kafka = new Kafka({
    brokers: [broker as string],
    clientId: 'group-worker',
    logLevel: logLevel.NOTHING,
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
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      let last: string | null = null
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break
        emit(`m ${batch.partition} ${m.offset}`)
        resolveOffset(m.offset)
        last = m.offset
      }
      if (last === null) return
      const next = String(BigInt(last) + 1n)
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }])
      emit(`c ${batch.partition} ${next}`)
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
      emit(`m ${m.partition} ${m.offset}`)
      await m.commit()
      emit(`c ${m.partition} ${m.offset + 1n}`)
    }
  })()
  return async () => {
    await stream.close()
    await consumer.close(true)
  }
}

const stop = await (client === 'kafkajs' ? runKafkajs() : runPlatformatic())
emit('ready')
process.on('SIGTERM', () => {
  void stop().finally(() => process.exit(0))
})
