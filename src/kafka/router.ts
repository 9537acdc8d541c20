/**
 * From a request frame to a response frame: read the request header, pick the handler, decode
 * the body at the requested version, run the handler and encode the answer with the right
 * response header. An ApiVersions request at a version we lack is answered in the v0 format with
 * UNSUPPORTED_VERSION and our ranges (KIP-511); any other unknown key or version, or a body that
 * does not decode, closes the connection, as Kafka does.
 */
import type { Logger } from '../io/log.js'
import { CodecError } from '../protocol/codec-error.js'
import { encodeApiVersionsResponse } from '../protocol/kafka/generated/api-versions.js'
import { ApiKey } from '../protocol/kafka/generated/index.js'
import { readRequestHeader, writeResponseHeader } from '../protocol/kafka/headers.js'
import { Reader } from '../protocol/primitives/reader.js'
import { Writer } from '../protocol/primitives/writer.js'
import type { Broker } from './broker.js'
import { FatalRequestError } from './connection.js'
import { kafkaErrorCode } from './errors.js'
import type { ServedApi } from './handler.js'

export interface ApiRange {
  apiKey: number
  minVersion: number
  maxVersion: number
}

/** Bytes before the client id: api key, api version, correlation id. */
const FIXED_HEADER_BYTES = 8

export class Router {
  private readonly byKey = new Map<number, ServedApi>()

  constructor(
    apis: readonly ServedApi[],
    private readonly broker: Broker,
    private readonly log: Logger,
  ) {
    for (const a of apis) this.byKey.set(a.apiKey, a)
  }

  ranges(): ApiRange[] {
    return [...this.byKey.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey)
  }

  async dispatch(frame: Uint8Array, clientHost = ''): Promise<Uint8Array | null> {
    if (frame.byteLength < FIXED_HEADER_BYTES) throw new FatalRequestError('request shorter than its header')
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    const apiKey = view.getInt16(0)
    const version = view.getInt16(2)
    const api = this.byKey.get(apiKey)
    if (api === undefined) throw new FatalRequestError(`unknown api key ${apiKey}`)
    if (version < api.minVersion || version > api.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.unsupportedApiVersions(view.getInt32(4), version)
      throw new FatalRequestError(
        `${api.name} v${version} is not served (${api.minVersion}-${api.maxVersion})`,
      )
    }
    const r = new Reader(frame)
    let write: ((w: Writer) => void) | null
    let correlationId: number
    let clientId: string | null
    try {
      const header = readRequestHeader(r)
      correlationId = header.correlationId
      clientId = header.clientId
      write = await api.serve(r, { version, clientId, clientHost, broker: this.broker })
    } catch (e) {
      if (e instanceof CodecError)
        throw new FatalRequestError(`${api.name} v${version}: ${e.code} ${e.message}`)
      throw e
    }
    if (write === null) return null
    return frameResponse((w) => {
      writeResponseHeader(w, apiKey, version, correlationId)
      write(w)
    })
  }

  private unsupportedApiVersions(correlationId: number, version: number): Uint8Array {
    this.log.info('request.unsupported_api_versions', { version })
    return frameResponse((w) => {
      writeResponseHeader(w, ApiKey.ApiVersions, 0, correlationId)
      encodeApiVersionsResponse(w, 0, {
        errorCode: kafkaErrorCode('UNSUPPORTED_VERSION'),
        apiKeys: this.ranges(),
      })
    })
  }
}

/** A size-prefixed frame around whatever `body` writes. */
export function frameResponse(body: (w: Writer) => void): Uint8Array {
  const w = new Writer(1024)
  w.int32(0)
  body(w)
  const out = w.finish()
  new DataView(out.buffer, out.byteOffset, out.byteLength).setInt32(0, out.byteLength - 4)
  return out
}
