/**
 * CreateAcls (30) v0-3: each creation is validated on its own (INVALID_REQUEST with Kafka's
 * reason) and the valid ones are stored together; creating an existing binding succeeds. v0 has
 * no pattern type field, so its creations are LITERAL (the field's default).
 */
import {
  type CreateAclsRequest,
  type CreateAclsResponse,
  decodeCreateAclsRequest,
  encodeCreateAclsResponse,
} from '../../protocol/kafka/generated/create-acls.js'
import { limits } from '../../config/limits.js'
import { type AclBinding, bindingKey, invalidBinding } from '../acls.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

interface Outcome {
  error: ErrorCode
  message: string | null
}

const handler: Handler<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: 30,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,
  decode: decodeCreateAclsRequest,
  encode: encodeCreateAclsResponse,
  async handle(req, { broker }) {
    const store = broker.acls
    const known = new Set(store.bindings().map(bindingKey))
    const outcomes: Outcome[] = []
    const valid: AclBinding[] = []
    for (const c of req.creations) {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permissionType: c.permissionType,
      }
      const why = invalidBinding(binding)
      const key = bindingKey(binding)
      if (why !== null) {
        outcomes.push({ error: 'INVALID_REQUEST', message: why })
      } else if (!known.has(key) && known.size >= limits.aclBindingsMax) {
        outcomes.push({
          error: 'LIMIT_EXCEEDED',
          message: `the node keeps at most ${limits.aclBindingsMax} ACLs`,
        })
      } else {
        known.add(key)
        valid.push(binding)
        outcomes.push({ error: 'NONE', message: null })
      }
    }
    if (valid.length > 0) {
      try {
        await store.add(valid)
      } catch (e) {
        broker.log.error('acls.write_failed', { error: (e as Error).message })
        for (const o of outcomes) {
          if (o.error === 'NONE') Object.assign(o, { error: 'UNKNOWN', message: 'ACLs could not be stored' })
        }
      }
    }
    return {
      throttleTimeMs: 0,
      results: outcomes.map((o) => ({ errorCode: kafkaErrorCode(o.error), errorMessage: o.message })),
    }
  },
}

export const createAclsHandler = served(handler)
