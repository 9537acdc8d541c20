/**
 * The schema rules the codec enforces, one by one, on generated APIs: version ranges,
 * per-version presence, nullability, ignorable fields, defaults, tagged fields (known and
 * unknown), and the header-version rules including the ApiVersions exception.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CodecError, type CodecErrorCode } from '../../../../src/protocol/codec-error.js'
import { ApiKey, apiByKey, apis } from '../../../../src/protocol/kafka/generated/index.js'
import { ErrorCode, kafkaErrorByCode, kafkaErrors } from '../../../../src/protocol/kafka/generated/errors.js'
import { decodeFetchRequest, encodeFetchRequest } from '../../../../src/protocol/kafka/generated/fetch.js'
import {
  decodeApiVersionsResponse,
  encodeApiVersionsResponse,
} from '../../../../src/protocol/kafka/generated/api-versions.js'
import { encodeMetadataRequest } from '../../../../src/protocol/kafka/generated/metadata.js'
import {
  decodeProduceRequest,
  decodeProduceResponse,
  encodeProduceRequest,
  encodeProduceResponse,
} from '../../../../src/protocol/kafka/generated/produce.js'
import {
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeResponseHeader,
} from '../../../../src/protocol/kafka/headers.js'
import { Reader } from '../../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../../src/protocol/primitives/writer.js'

function bytesOf(f: (w: Writer) => void): Uint8Array {
  const w = new Writer()
  f(w)
  return new Uint8Array(w.finish())
}

function throwsCodec(f: () => unknown, code: CodecErrorCode, match?: RegExp): void {
  assert.throws(
    f,
    (e: unknown) => e instanceof CodecError && e.code === code && (match?.test(e.message) ?? true),
  )
}

test('versions outside validVersions are UNSUPPORTED_VERSION both ways', () => {
  throwsCodec(() => bytesOf((w) => encodeProduceRequest(w, 12, {})), 'UNSUPPORTED_VERSION')
  throwsCodec(() => decodeProduceRequest(new Reader(new Uint8Array(64)), -1), 'UNSUPPORTED_VERSION')
  throwsCodec(() => decodeProduceRequest(new Reader(new Uint8Array(64)), 1.5), 'UNSUPPORTED_VERSION')
})

test('missing fields encode as their defaults, including hex defaults', () => {
  const bytes = bytesOf((w) => encodeFetchRequest(w, 4, { maxWaitMs: 100, minBytes: 1, topics: [] }))
  const m = decodeFetchRequest(new Reader(bytes), 4)
  assert.equal(m.replicaId, -1) // "default": "-1"
  assert.equal(m.maxBytes, 0x7fffffff) // "default": "0x7fffffff"
  assert.equal(m.isolationLevel, 0)
  assert.equal(m.rackId, '') // absent in v4: the string default
  assert.equal(m.clusterId, null) // absent: "default": "null"
})

test('a non-default value in a non-ignorable field the version lacks is an encode error', () => {
  // TransactionalId exists from Produce v3 and is not ignorable.
  throwsCodec(
    () =>
      bytesOf((w) =>
        encodeProduceRequest(w, 2, { transactionalId: 'tx', acks: 1, timeoutMs: 1, topicData: [] }),
      ),
    'INVALID_VALUE',
    /transactionalId/,
  )
  // Its default (null) is fine.
  bytesOf((w) => encodeProduceRequest(w, 2, { transactionalId: null, acks: 1, timeoutMs: 1, topicData: [] }))
  // IncludeClusterAuthorizedOperations (Metadata 8-10) is not ignorable either: v11 cannot carry true.
  throwsCodec(
    () =>
      bytesOf((w) =>
        encodeMetadataRequest(w, 11, { topics: null, includeClusterAuthorizedOperations: true }),
      ),
    'INVALID_VALUE',
  )
})

test('an ignorable field the version lacks is dropped silently', () => {
  // ProduceResponse LogAppendTimeMs is v2+ and ignorable; Metadata AllowAutoTopicCreation is not.
  const response = {
    responses: [
      { name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 1n, logAppendTimeMs: 5n }] },
    ],
    throttleTimeMs: 0,
  }
  const bytes = bytesOf((w) => encodeProduceResponse(w, 1, response))
  const m = decodeProduceResponse(new Reader(bytes), 1)
  assert.equal(m.responses[0]?.partitionResponses[0]?.logAppendTimeMs, -1n) // back to its default
  throwsCodec(
    () => bytesOf((w) => encodeMetadataRequest(w, 3, { topics: [], allowAutoTopicCreation: false })),
    'INVALID_VALUE',
  )
})

test('null in a version where the field is not nullable is an encode error', () => {
  // Metadata topics became nullable in v1.
  throwsCodec(() => bytesOf((w) => encodeMetadataRequest(w, 0, { topics: null })), 'INVALID_VALUE', /null/)
  const v1 = bytesOf((w) => encodeMetadataRequest(w, 1, { topics: null }))
  assert.deepEqual([...v1], [0xff, 0xff, 0xff, 0xff])
})

test('known tagged fields are written only when not default, in tag order', () => {
  const base = { errorCode: 0, apiKeys: [], throttleTimeMs: 0 }
  const plain = bytesOf((w) => encodeApiVersionsResponse(w, 3, base))
  assert.equal(Buffer.from(plain).toString('hex'), '0000' + '01' + '00000000' + '00')
  const tagged = bytesOf((w) =>
    encodeApiVersionsResponse(w, 3, { ...base, zkMigrationReady: true, finalizedFeaturesEpoch: 9n }),
  )
  // two fields: tag 1 (int64, 8 bytes) then tag 3 (bool, 1 byte)
  assert.equal(
    Buffer.from(tagged).toString('hex'),
    '0000' + '01' + '00000000' + '02' + '0108' + '0000000000000009' + '0301' + '01',
  )
  const m = decodeApiVersionsResponse(new Reader(tagged), 3)
  assert.equal(m.zkMigrationReady, true)
  assert.equal(m.finalizedFeaturesEpoch, 9n)
})

test('unknown tagged fields survive decode and re-encode, merged in tag order', () => {
  const hex = '0000' + '01' + '00000000' + '03' + '0108' + '0000000000000009' + '0400' + '6302abcd'
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'))
  const m = decodeApiVersionsResponse(new Reader(bytes), 3)
  assert.deepEqual(
    m.unknownTaggedFields?.map((t) => [t.tag, Buffer.from(t.data).toString('hex')]),
    [
      [4, ''],
      [99, 'abcd'],
    ],
  )
  assert.equal(m.finalizedFeaturesEpoch, 5n + 4n)
  assert.equal(Buffer.from(bytesOf((w) => encodeApiVersionsResponse(w, 3, m))).toString('hex'), hex)
})

test('tagged fields out of order, duplicated or with a wrong size are CORRUPT', () => {
  const base = '0000' + '01' + '00000000'
  const decode = (tail: string) =>
    decodeApiVersionsResponse(new Reader(Uint8Array.from(Buffer.from(base + tail, 'hex'))), 3)
  throwsCodec(() => decode('02' + '0301' + '01' + '0108' + '0000000000000009'), 'CORRUPT') // 3 then 1
  throwsCodec(() => decode('02' + '0301' + '01' + '0301' + '01'), 'CORRUPT') // duplicate
  throwsCodec(() => decode('01' + '0302' + '0100'), 'CORRUPT') // bool given 2 bytes
  // A known field may not read past its own size into the next entry.
  throwsCodec(() => decode('02' + '0200' + '6302abcd'), 'TRUNCATED')
})

test('the ClientId of request header v2 keeps its int16 length (flexibleVersions "none")', () => {
  const w = new Writer()
  w.int16(18)
  w.int16(3)
  w.int32(9)
  w.string('abc')
  w.uvarint(0)
  const h = readRequestHeader(new Reader(w.finish()))
  assert.deepEqual([h.headerVersion, h.clientId, h.correlationId], [2, 'abc', 9])
})

test('header versions follow flexibility, and ApiVersions responses always use v0', () => {
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1)
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2)
  assert.equal(responseHeaderVersion(ApiKey.Produce, 8), 0)
  assert.equal(responseHeaderVersion(ApiKey.Produce, 9), 1)
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2)
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0)
  assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 4), 0)
  // A future ApiVersions version is still flexible (open range), so its header can be read.
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 99), 2)
  throwsCodec(() => requestHeaderVersion(9999, 0), 'UNSUPPORTED_VERSION')
  const w = new Writer()
  writeResponseHeader(w, ApiKey.Fetch, 12, 5)
  assert.equal(Buffer.from(w.finish()).toString('hex'), '0000000500')
  const w0 = new Writer()
  writeResponseHeader(w0, ApiKey.ApiVersions, 3, 5)
  assert.equal(Buffer.from(w0.finish()).toString('hex'), '00000005')
})

test('the index maps every api key to its schemas and codec functions', () => {
  assert.equal(apiByKey.get(0)?.name, 'Produce')
  assert.equal(apiByKey.get(18)?.name, 'ApiVersions')
  for (const a of apis) {
    assert.equal(a.request.apiKey, a.apiKey)
    assert.equal(a.response.apiKey, a.apiKey)
    assert.equal(a.request.kind, 'request')
    assert.equal(a.response.kind, 'response')
  }
  assert.deepEqual(
    apis.map((a) => a.apiKey),
    [...apis.map((a) => a.apiKey)].sort((x, y) => x - y),
  )
})

test('the error table is Kafka’s', () => {
  assert.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3)
  assert.equal(ErrorCode.NONE, 0)
  assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1)
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35)
  assert.equal(kafkaErrorByCode.get(6)?.name, 'NOT_LEADER_OR_FOLLOWER')
  assert.equal(kafkaErrorByCode.get(6)?.retriable, true)
  assert.equal(kafkaErrorByCode.get(35)?.retriable, false)
  assert.ok(kafkaErrors.length > 100)
})
