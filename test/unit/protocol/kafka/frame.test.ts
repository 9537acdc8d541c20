import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodecError } from '../../../../src/protocol/codec-error.js'
import { decodeRequestFrame, writeResponseFrame } from '../../../../src/protocol/kafka/frame.js'
import { ApiKey } from '../../../../src/protocol/kafka/generated/index.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
}

test('a request frame decodes to header, api and body', () => {
  // Heartbeat v4 (flexible): header v2, then group_id, generation_id, member_id, instance id, tags.
  const frame = hex('000c 0004 00000007 0001 78 00' + '0267 00000003 026d 00 00')
  const d = decodeRequestFrame(frame)
  assert.deepEqual(
    [d.header.requestApiKey, d.header.correlationId, d.header.clientId, d.header.headerVersion],
    [12, 7, 'x', 2],
  )
  assert.equal(d.api.name, 'Heartbeat')
  assert.deepEqual(d.body, { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null })
  assert.equal(d.trailingBytes, 0)
  assert.equal(
    decodeRequestFrame(hex('000c 0004 00000007 0001 78 00 0267 00000003 026d 00 00 ff')).trailingBytes,
    1,
  )
})

test('unknown api keys and versions are UNSUPPORTED_VERSION', () => {
  const unsupported = (e: unknown) => e instanceof CodecError && e.code === 'UNSUPPORTED_VERSION'
  assert.throws(() => decodeRequestFrame(hex('7fff 0000 00000001 ffff')), unsupported)
  assert.throws(() => decodeRequestFrame(hex('000c 0063 00000001 ffff 00')), unsupported)
})

test('a response frame carries its size, the right header and the body', () => {
  const w = new Writer()
  writeResponseFrame(
    w,
    { apiKey: ApiKey.Heartbeat, apiVersion: 4, correlationId: 7 },
    { throttleTimeMs: 0, errorCode: 0 },
  )
  assert.equal(
    Buffer.from(w.finish()).toString('hex'),
    '0000000c' + '00000007' + '00' + '00000000' + '0000' + '00',
  )
  const v0 = new Writer()
  writeResponseFrame(v0, { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1 }, { apiKeys: [] })
  // ApiVersions: header v0 (no tag buffer) even though the body is flexible.
  assert.equal(
    Buffer.from(v0.finish()).toString('hex'),
    '0000000c' + '00000001' + '0000' + '01' + '00000000' + '00',
  )
})
