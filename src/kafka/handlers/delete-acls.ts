/**
 * DeleteAcls (31) v0-3: each filter removes every stored binding it matches and lists them; a
 * filter with an UNKNOWN field gets INVALID_REQUEST on its own. All filters match against the same
 * state, so a binding two filters match is listed under both. v0 filters are LITERAL.
 */
import {
  type DeleteAclsFilterResult,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
  decodeDeleteAclsRequest,
  encodeDeleteAclsResponse,
} from '../../protocol/kafka/generated/delete-acls.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import { type AclBinding, type AclFilter, aclMatches, invalidFilter } from '../acls.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

function listed(b: AclBinding) {
  return {
    errorCode: 0,
    errorMessage: null,
    resourceType: b.resourceType,
    resourceName: b.resourceName,
    patternType: b.patternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation,
    permissionType: b.permissionType,
  }
}

const handler: Handler<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: 31,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,
  decode: decodeDeleteAclsRequest,
  encode: encodeDeleteAclsResponse,
  async handle(req, { broker }) {
    const stored = broker.acls.bindings()
    const results: Encodable<DeleteAclsFilterResult>[] = []
    const doomed: AclBinding[] = []
    for (const f of req.filters) {
      const filter: AclFilter = {
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: f.patternTypeFilter,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permissionType: f.permissionType,
      }
      const why = invalidFilter(filter)
      if (why !== null) {
        results.push({ errorCode: kafkaErrorCode('INVALID_REQUEST'), errorMessage: why, matchingAcls: [] })
        continue
      }
      const matched = stored.filter((b) => aclMatches(filter, b))
      doomed.push(...matched)
      results.push({ errorCode: 0, errorMessage: null, matchingAcls: matched.map(listed) })
    }
    if (doomed.length > 0) {
      try {
        await broker.acls.remove(doomed)
      } catch (e) {
        broker.log.error('acls.write_failed', { error: (e as Error).message })
        const code = kafkaErrorCode('UNKNOWN')
        for (const r of results) {
          if (r.errorCode === 0)
            Object.assign(r, { errorCode: code, errorMessage: 'ACLs could not be stored' })
        }
      }
    }
    return { throttleTimeMs: 0, filterResults: results }
  },
}

export const deleteAclsHandler = served(handler)
