/**
 * Produce's timeoutMs against a slow disk: with acks=-1 a partition whose write is not durable
 * within the timeout is answered REQUEST_TIMED_OUT (the write itself goes on, as in Kafka, so a
 * retry by an idempotent producer is answered as a duplicate); acks=1 is not bounded by it.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { produceHandler } from '../../../src/kafka/handlers/produce.js'
import * as pr from '../../../src/protocol/kafka/generated/produce.js'
import { Reader } from '../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../src/protocol/primitives/writer.js'
import { buildBatch } from '../../helpers/batch.js'
import { openBroker } from '../../helpers/broker.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const SLOW_SYNC_MS = 400
const dir = tempDataDir('petrel-produce-timeout-')
after(() => removeDir(dir))

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

test('acks=-1 answers REQUEST_TIMED_OUT when the write outlasts timeoutMs; acks=1 waits', async () => {
  const { broker, close } = await openBroker(dir)
  await broker.createTopic('slow', 1, [])
  const p = await broker.partition('slow', 0)
  assert.ok(p !== undefined)
  // A disk whose fsync takes SLOW_SYNC_MS: the bytes are appended, durability comes late.
  const log = p.log
  const append = log.append.bind(log)
  Object.assign(log, {
    append(batch: Uint8Array, term: number) {
      const r = append(batch, term)
      return { baseOffset: r.baseOffset, durable: r.durable.then(() => sleep(SLOW_SYNC_MS)) }
    },
  })

  async function produce(acks: number, timeoutMs: number): Promise<{ error: number; ms: number }> {
    const version = 8
    const w = new Writer(256)
    pr.encodeProduceRequest(w, version, {
      transactionalId: null,
      acks,
      timeoutMs,
      topicData: [{ name: 'slow', partitionData: [{ index: 0, records: buildBatch({ values: ['v'] }) }] }],
    })
    const t0 = performance.now()
    const write = await produceHandler.serve(new Reader(w.finish()), {
      version,
      clientId: 'test',
      clientHost: '/127.0.0.1',
      broker,
    })
    const ms = performance.now() - t0
    assert.ok(write !== null)
    const out = new Writer(256)
    write(out)
    const res = pr.decodeProduceResponse(new Reader(out.finish()), version)
    return { error: res.responses[0]?.partitionResponses[0]?.errorCode ?? -1, ms }
  }

  const timedOut = await produce(-1, 50)
  assert.equal(timedOut.error, 7, 'REQUEST_TIMED_OUT (7)')
  assert.ok(timedOut.ms < SLOW_SYNC_MS, `answered at the timeout, not after the write (${timedOut.ms} ms)`)
  const patient = await produce(-1, 5000)
  assert.equal(patient.error, 0)
  assert.ok(patient.ms >= SLOW_SYNC_MS - 50, `waited for the write (${patient.ms} ms)`)
  const leader = await produce(1, 50)
  assert.equal(leader.error, 0, 'acks=1 is not bounded by timeoutMs')
  await sleep(SLOW_SYNC_MS)
  // The timed-out write was not undone: all three batches are in the log.
  assert.equal(p.log.highWatermark(), 3)
  await close()
})
