import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Client, InvalidOptionError, PetrelError } from '../../../src/index.js'
import { kafkaError } from '../../../src/client/errors.js'

const bootstrap = ['127.0.0.1:1']

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PetrelError, String(e))
    assert.equal(e.code, 'INVALID_OPTION')
    assert.equal(e.retriable, false)
    assert.match(e.message, pattern)
    return true
  })
}

describe('options are checked once, at construction, with a clear message', () => {
  test('client', () => {
    rejects(() => new Client({ bootstrap: [] }), /bootstrap must be a non-empty array/)
    rejects(() => new Client({ bootstrap: ['localhost'] }), /'host:port'/)
    rejects(() => new Client({ bootstrap: ['h:70000'] }), /port in \[1, 65535\]/)
    rejects(
      () => new Client({ bootstrap, requestTimeoutMs: -1 }),
      /requestTimeoutMs must be an integer in \[1, 600000\], got -1/,
    )
    rejects(() => new Client({ bootstrap, retryBackoffMs: 100, retryBackoffMaxMs: 10 }), /retryBackoffMaxMs/)
    rejects(() => new Client({ bootstrap, lingerMs: 5 } as never), /unknown option 'lingerMs'/)
    assert.ok(new Client({ bootstrap: ['[::1]:9092', 'a.b:9092'] }))
  })

  test('producer', () => {
    const c = new Client({ bootstrap })
    rejects(() => c.producer({ acks: 2 as never }), /acks must be one of 0, 1, -1, "all", got 2/)
    rejects(() => c.producer({ acks: 1, idempotent: true }), /idempotent: true requires acks -1/)
    rejects(() => c.producer({ compression: 'brotli' as never }), /compression must be one of/)
    rejects(() => c.producer({ maxInFlight: 6 }), /maxInFlight must be an integer in \[1, 5\]/)
    rejects(() => c.producer({ lingerMS: 1 } as never), /unknown option 'lingerMS'/)
    assert.ok(c.producer({ acks: 1 }), 'acks 1 turns idempotence off by default')
  })

  test('consumer', () => {
    const c = new Client({ bootstrap })
    rejects(
      () => c.consumer({ autoOffsetReset: 'smallest' as never }),
      /autoOffsetReset must be one of "earliest", "latest"/,
    )
    rejects(() => c.consumer({ autoCommit: true }), /autoCommit needs groupId/)
    rejects(() => c.consumer({ groupId: 'g', assignors: [] }), /assignors must be a non-empty array/)
    rejects(
      () => c.consumer({ groupId: 'g', sessionTimeoutMs: 3000, heartbeatIntervalMs: 5000 }),
      /heartbeatIntervalMs/,
    )
    assert.throws(() => c.consumer({ groupId: 'g' }).assign([{ topic: 't', partition: 0 }]), {
      code: 'INVALID_ARGUMENT',
    })
  })

  test('InvalidOptionError is a PetrelError', () => {
    assert.ok(new InvalidOptionError('x') instanceof PetrelError)
  })
})

describe('Kafka error codes map to typed errors', () => {
  test('NOT_LEADER_OR_FOLLOWER is NOT_LEADER, retriable', () => {
    const e = kafkaError(6, 'produce')
    assert.equal(e?.code, 'NOT_LEADER')
    assert.equal(e?.retriable, true)
    assert.equal(e?.kafkaCode, 6)
  })
  test('names and retriable flags come from the generated table', () => {
    assert.equal(kafkaError(0, 'x'), null)
    assert.deepEqual(
      [kafkaError(3, 'x')?.code, kafkaError(3, 'x')?.retriable],
      ['UNKNOWN_TOPIC_OR_PARTITION', true],
    )
    assert.deepEqual(
      [kafkaError(36, 'x')?.code, kafkaError(36, 'x')?.retriable],
      ['TOPIC_ALREADY_EXISTS', false],
    )
    assert.deepEqual(
      [kafkaError(15, 'x')?.code, kafkaError(15, 'x')?.retriable],
      ['COORDINATOR_NOT_AVAILABLE', true],
    )
    assert.equal(kafkaError(9999, 'x')?.code, 'UNKNOWN_ERROR_CODE_9999')
  })
})
