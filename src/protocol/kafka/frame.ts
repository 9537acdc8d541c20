/**
 * Whole frames, for the broker's connection loop and for clients: a request frame is
 * `size int32 | request header | body`, a response frame `size int32 | response header | body`.
 * The size prefix is read by the framer (io/kafka), so decodeRequestFrame takes the bytes after it.
 */
import { CodecError } from '../codec-error.js'
import { Reader } from '../primitives/reader.js'
import type { Writer } from '../primitives/writer.js'
import type { ApiEntry } from './api.js'
import { apiByKey } from './generated/index.js'
import { type DecodedRequestHeader, readRequestHeader, writeResponseHeader } from './headers.js'
import { inRange } from './schema.js'

export interface DecodedRequest {
  readonly header: DecodedRequestHeader
  readonly api: ApiEntry
  readonly body: unknown
  /** Bytes after the body. Kafka ignores them and so do we (a client may send a stray field). */
  readonly trailingBytes: number
}

/**
 * Decodes a request frame (without its size prefix). An unknown api key or a version outside the
 * API's valid range throws CodecError('UNSUPPORTED_VERSION'); call readRequestHeader first when
 * the caller must still answer (ApiVersions answers an unsupported version in its v0 layout).
 */
export function decodeRequestFrame(frame: Uint8Array): DecodedRequest {
  const r = new Reader(frame)
  const header = readRequestHeader(r)
  const api = apiByKey.get(header.requestApiKey)
  if (api === undefined)
    throw new CodecError('UNSUPPORTED_VERSION', `unknown api key ${header.requestApiKey}`)
  if (!inRange(api.request.validVersions, header.requestApiVersion)) {
    throw new CodecError(
      'UNSUPPORTED_VERSION',
      `${api.name} v${header.requestApiVersion} is not a known version`,
    )
  }
  const body = api.decodeRequest(r, header.requestApiVersion)
  return { header, api, body, trailingBytes: r.remaining() }
}

/** Appends a whole response frame (size, header, body) for (apiKey, apiVersion) to `w`. */
export function writeResponseFrame(
  w: Writer,
  request: { readonly apiKey: number; readonly apiVersion: number; readonly correlationId: number },
  body: unknown,
): void {
  const api = apiByKey.get(request.apiKey)
  if (api === undefined) throw new CodecError('UNSUPPORTED_VERSION', `unknown api key ${request.apiKey}`)
  const start = w.pos
  w.int32(0)
  writeResponseHeader(w, request.apiKey, request.apiVersion, request.correlationId)
  api.encodeResponse(w, request.apiVersion, body)
  w.int32At(start, w.pos - start - 4)
}
