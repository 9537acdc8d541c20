/**
 * FindCoordinator (10) v0-4. A single node coordinates every group: key type 0 (group) answers
 * this node once the group coordinator is loaded; key type 1 (transaction) is refused until
 * transactions land. v4 batches keys into `coordinators`.
 */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  type Coordinator,
  decodeFindCoordinatorRequest,
  encodeFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/kafka/generated/find-coordinator.js'
import type { Broker } from '../broker.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const KEY_TYPE_GROUP = 0

function coordinatorFor(key: string, keyType: number, broker: Broker): Encodable<Coordinator> {
  const s = broker.settings
  if (keyType === KEY_TYPE_GROUP && broker.groups !== null) {
    return {
      key,
      nodeId: s.nodeId,
      host: s.advertisedHost,
      port: s.advertisedPort,
      errorCode: 0,
      errorMessage: null,
    }
  }
  const why =
    keyType === KEY_TYPE_GROUP ? 'group coordinator is loading' : `key type ${keyType} is not served`
  return {
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'),
    errorMessage: why,
  }
}

const handler: Handler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeFindCoordinatorRequest,
  encode: encodeFindCoordinatorResponse,
  async handle(req, { version, broker }) {
    if (version >= 4) {
      return { coordinators: req.coordinatorKeys.map((k) => coordinatorFor(k, req.keyType, broker)) }
    }
    const c = coordinatorFor(req.key, version >= 1 ? req.keyType : KEY_TYPE_GROUP, broker)
    return {
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    }
  },
}

export const findCoordinatorHandler = served(handler)
