/**
 * Request and response headers. A flexible API version uses request header v2 (tagged fields
 * after the client id, which stays an int16-length string) and response header v1; older
 * versions use request header v1 and response header v0. One exception, hard-coded in Kafka
 * too (KIP-511): the ApiVersions response always uses header v0, because a client that does not
 * yet know the broker's versions must be able to read it.
 * Request header v0 (ControlledShutdown v0 only, a ZooKeeper-era broker-to-broker call) is
 * decodable through its schema but never chosen here.
 */
import { CodecError } from '../codec-error.js'
import type { Reader } from '../primitives/reader.js'
import type { Writer } from '../primitives/writer.js'
import { ApiKey, apiByKey } from './generated/index.js'
import { decodeRequestHeader, type RequestHeader } from './generated/request-header.js'
import { encodeResponseHeader } from './generated/response-header.js'
import { inRange } from './schema.js'

function entry(apiKey: number) {
  const api = apiByKey.get(apiKey)
  if (api === undefined) throw new CodecError('UNSUPPORTED_VERSION', `unknown api key ${apiKey}`)
  return api
}

/** The request header version a client uses for (apiKey, apiVersion). Versions above the known
 * range count as flexible when the flexible range is open-ended, as in Kafka. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  return inRange(entry(apiKey).request.flexibleVersions, apiVersion) ? 2 : 1
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0
  return inRange(entry(apiKey).response.flexibleVersions, apiVersion) ? 1 : 0
}

export interface DecodedRequestHeader extends RequestHeader {
  readonly headerVersion: number
}

/** Reads a request header, choosing its version from the api key and version it starts with. */
export function readRequestHeader(r: Reader): DecodedRequestHeader {
  r.need(4, 'request header')
  const apiKey = r.view.getInt16(r.pos)
  const apiVersion = r.view.getInt16(r.pos + 2)
  const headerVersion = requestHeaderVersion(apiKey, apiVersion)
  return { ...decodeRequestHeader(r, headerVersion), headerVersion }
}

export function writeResponseHeader(
  w: Writer,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
): void {
  encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), { correlationId })
}
