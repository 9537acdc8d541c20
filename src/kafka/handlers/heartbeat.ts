/** Heartbeat (12) v0-4: keeps a member's session alive and tells it when a rebalance started. */
import {
  decodeHeartbeatRequest,
  encodeHeartbeatResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../protocol/kafka/generated/heartbeat.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeHeartbeatRequest,
  encode: encodeHeartbeatResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) return { errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE') }
    const r = await groups.step((c, ctx) =>
      c.heartbeat(
        {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: version >= 3 ? req.groupInstanceId : null,
        },
        ctx,
      ),
    )
    return { errorCode: kafkaErrorCode(r.errorCode) }
  },
}

export const heartbeatHandler = served(handler)
