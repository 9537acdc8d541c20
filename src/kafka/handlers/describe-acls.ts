/**
 * DescribeAcls (29) v0-3: the stored bindings a filter matches (acls.ts, Kafka's matching),
 * grouped by resource pattern in the order they were created. A filter with an UNKNOWN field is
 * INVALID_REQUEST. v0 has no pattern type field, so its filter is LITERAL.
 */
import {
  type AclDescription,
  type DescribeAclsRequest,
  type DescribeAclsResource,
  type DescribeAclsResponse,
  decodeDescribeAclsRequest,
  encodeDescribeAclsResponse,
} from '../../protocol/kafka/generated/describe-acls.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import { type AclFilter, aclMatches, invalidFilter } from '../acls.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<DescribeAclsRequest, DescribeAclsResponse> = {
  apiKey: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  decode: decodeDescribeAclsRequest,
  encode: encodeDescribeAclsResponse,
  async handle(req, { broker }) {
    const filter: AclFilter = {
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    }
    const why = invalidFilter(filter)
    if (why !== null) {
      return {
        throttleTimeMs: 0,
        errorCode: kafkaErrorCode('INVALID_REQUEST'),
        errorMessage: why,
        resources: [],
      }
    }
    const byResource = new Map<
      string,
      Encodable<DescribeAclsResource> & { acls: Encodable<AclDescription>[] }
    >()
    for (const b of broker.acls.bindings()) {
      if (!aclMatches(filter, b)) continue
      const key = JSON.stringify([b.resourceType, b.resourceName, b.patternType])
      let resource = byResource.get(key)
      if (resource === undefined) {
        resource = {
          resourceType: b.resourceType,
          resourceName: b.resourceName,
          patternType: b.patternType,
          acls: [],
        }
        byResource.set(key, resource)
      }
      resource.acls.push({
        principal: b.principal,
        host: b.host,
        operation: b.operation,
        permissionType: b.permissionType,
      })
    }
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, resources: [...byResource.values()] }
  },
}

export const describeAclsHandler = served(handler)
