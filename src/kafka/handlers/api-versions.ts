/** ApiVersions (18) v0-3: the served ranges, computed from the handler list. */
import {
  type ApiVersionsRequest,
  type ApiVersionsResponse,
  decodeApiVersionsRequest,
  encodeApiVersionsResponse,
} from '../../protocol/kafka/generated/api-versions.js'
import { type Handler, served } from '../handler.js'
import type { ApiRange } from '../router.js'

export function apiVersionsHandler(ranges: () => ApiRange[]) {
  const h: Handler<ApiVersionsRequest, ApiVersionsResponse> = {
    apiKey: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 3,
    decode: decodeApiVersionsRequest,
    encode: encodeApiVersionsResponse,
    async handle() {
      return { errorCode: 0, apiKeys: ranges(), throttleTimeMs: 0 }
    },
  }
  return served(h)
}
