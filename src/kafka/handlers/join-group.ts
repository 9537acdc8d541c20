/**
 * JoinGroup (11) v0-6. v0 has no rebalance timeout: the session timeout stands in, as in Kafka.
 * The answer may be parked until the join phase ends; the connection keeps later responses behind
 * it (Kafka answers in request order per connection).
 */
import {
  decodeJoinGroupRequest,
  encodeJoinGroupResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../../protocol/kafka/generated/join-group.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 6,
  decode: decodeJoinGroupRequest,
  encode: encodeJoinGroupResponse,
  async handle(req, { version, clientId, clientHost, broker }) {
    const groups = broker.groups
    if (groups === null) {
      return {
        errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'),
        generationId: -1,
        memberId: req.memberId,
      }
    }
    const r = await groups.step((c, ctx) =>
      c.joinGroup(
        {
          apiVersion: version,
          groupId: req.groupId,
          sessionTimeoutMs: req.sessionTimeoutMs,
          rebalanceTimeoutMs: version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
          memberId: req.memberId,
          groupInstanceId: version >= 5 ? req.groupInstanceId : null,
          protocolType: req.protocolType,
          protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          clientId: clientId ?? '',
          clientHost,
        },
        ctx,
      ),
    )
    return {
      errorCode: kafkaErrorCode(r.errorCode),
      generationId: r.generationId,
      protocolType: r.protocolType,
      protocolName: r.protocolName ?? '',
      leader: r.leader,
      skipAssignment: r.skipAssignment,
      memberId: r.memberId,
      members: r.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        metadata: m.metadata,
      })),
    }
  },
}

export const joinGroupHandler = served(handler)
