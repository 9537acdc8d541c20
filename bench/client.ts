/**
 * `npm run bench:client`: produce and consume throughput of our client, kafkajs 2.2.4 and
 * @platformatic/kafka 1.35.0 against one node (a `petrel start` child process on loopback), side by
 * side, for 100 B and 1 KiB values. Prints figures only; never pass/fail.
 *
 * Produce: MESSAGES values to a fresh 1-partition topic, SEND_CHUNK messages per send call with up
 * to WINDOW calls outstanding, acks -1 (ours idempotent, as by default; kafkajs and platformatic
 * not idempotent, their defaults). Consume: a fresh group reads the topic from the beginning; the
 * clock starts before the consumer is created, so it includes connecting and joining the group
 * (the node runs with a 0 ms initial rebalance delay; a join costs tens of ms). messages/s and MB/s of
 * values (MB = 10^6 bytes); each figure is the median of RUNS runs. Run with BENCH_MESSAGES /
 * BENCH_RUNS to change the sizes.
 */
import {
  Consumer as PConsumer,
  Producer as PProducer,
  Admin as PAdmin,
  MessagesStreamModes,
} from '@platformatic/kafka'
import kafkajs from 'kafkajs'
import { Client } from '../src/client/index.js'
import { startNodeProcess } from '../test/helpers/node-process.js'

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const SEND_CHUNK = 100
const WINDOW = 20
const SIZES = [100, 1024]

interface Figures {
  produceMs: number
  consumeMs: number
}

type Runner = (broker: string, topic: string, value: Buffer) => Promise<Figures>

async function windowed(
  total: number,
  send: (start: number, count: number) => Promise<unknown>,
): Promise<void> {
  const running = new Set<Promise<unknown>>()
  for (let start = 0; start < total; start += SEND_CHUNK) {
    const p = send(start, Math.min(SEND_CHUNK, total - start)).finally(() => running.delete(p))
    running.add(p)
    if (running.size >= WINDOW) await Promise.race(running)
  }
  await Promise.all(running)
}

const petrel: Runner = async (broker, topic, value) => {
  const client = new Client({ bootstrap: [broker], clientId: 'bench' })
  await client.admin().createTopics([{ name: topic, partitions: 1 }])
  const producer = client.producer({ lingerMs: 5 })
  const t0 = performance.now()
  await windowed(MESSAGES, (_s, n) =>
    producer.send({ topic, messages: Array.from({ length: n }, () => ({ value })) }),
  )
  const produceMs = performance.now() - t0
  await producer.close()
  const c0 = performance.now()
  const consumer = client.consumer({ groupId: `${topic}-g`, autoOffsetReset: 'earliest', autoCommit: false })
  await consumer.subscribe([topic])
  let n = 0
  for await (const _ of consumer) {
    if (++n === MESSAGES) break
  }
  const consumeMs = performance.now() - c0
  await consumer.close()
  await client.close()
  return { produceMs, consumeMs }
}

const kafkajsRunner: Runner = async (broker, topic, value) => {
  const kafka = new kafkajs.Kafka({
    brokers: [broker],
    clientId: 'bench',
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] })
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  const t0 = performance.now()
  await windowed(MESSAGES, (_s, n) =>
    producer.send({ topic, acks: -1, messages: Array.from({ length: n }, () => ({ value })) }),
  )
  const produceMs = performance.now() - t0
  await producer.disconnect()
  const c0 = performance.now()
  const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let n = 0
  const consumeMs = await new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        n += batch.messages.length
        if (n >= MESSAGES) resolve(performance.now() - c0)
      },
    })
  })
  await consumer.disconnect()
  return { produceMs, consumeMs }
}

const platformatic: Runner = async (broker, topic, value) => {
  const base = { clientId: 'bench', bootstrapBrokers: [broker] }
  const admin = new PAdmin(base)
  await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
  await admin.close()
  const producer = new PProducer({ ...base, acks: -1 })
  const t0 = performance.now()
  await windowed(MESSAGES, (_s, n) =>
    producer.send({ messages: Array.from({ length: n }, () => ({ topic, value })) }),
  )
  const produceMs = performance.now() - t0
  await producer.close()
  const c0 = performance.now()
  const consumer = new PConsumer({ ...base, groupId: `${topic}-g`, maxWaitTime: 100 })
  const stream = await consumer.consume({
    topics: [topic],
    mode: MessagesStreamModes.EARLIEST,
    autocommit: false,
  })
  let n = 0
  for await (const _ of stream) {
    if (++n === MESSAGES) break
  }
  const consumeMs = performance.now() - c0
  await stream.close()
  await consumer.close(true)
  return { produceMs, consumeMs }
}

const runners: [string, Runner][] = [
  ['petrel', petrel],
  ['kafkajs', kafkajsRunner],
  ['@platformatic/kafka', platformatic],
]

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

const node = await startNodeProcess({ args: ['--group-initial-rebalance-delay-ms', '0'] })
const broker = node.broker
console.log(
  `bench:client — ${MESSAGES} messages per run, median of ${RUNS} runs, one node (${broker}), 1 partition`,
)
console.log('| client | value | produce msg/s | produce MB/s | consume msg/s | consume MB/s |')
console.log('| --- | --- | --- | --- | --- | --- |')
let topicNo = 0
try {
  for (const size of SIZES) {
    const value = Buffer.alloc(size, 'x')
    for (const [name, run] of runners) {
      const produce: number[] = []
      const consume: number[] = []
      // Runs of the three clients interleave per size, so a load spike hits all of them alike.
      for (let r = 0; r < RUNS; r++) {
        const f = await run(broker, `bench-${size}-${topicNo++}`, value)
        produce.push(f.produceMs)
        consume.push(f.consumeMs)
      }
      const pm = median(produce)
      const cm = median(consume)
      const rate = (ms: number) => Math.round((MESSAGES / ms) * 1000)
      const mb = (ms: number) => ((MESSAGES * size) / ms / 1000).toFixed(1)
      console.log(`| ${name} | ${size} B | ${rate(pm)} | ${mb(pm)} | ${rate(cm)} | ${mb(cm)} |`)
    }
  }
} finally {
  await node.stop()
}
