/**
 * LeaveGroup (13) v0-4. v0-2 carry one member id, answered with that member's error; v3+ carry a
 * list of identities (KIP-345 batch leave) answered one by one.
 */
import {
  decodeLeaveGroupRequest,
  encodeLeaveGroupResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from '../../protocol/kafka/generated/leave-group.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeLeaveGroupRequest,
  encode: encodeLeaveGroupResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) return { errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE') }
    const members =
      version >= 3
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: req.memberId, groupInstanceId: null }]
    const r = await groups.step((c, ctx) => c.leaveGroup({ groupId: req.groupId, members }, ctx))
    if (version < 3) {
      const own = r.errorCode !== 'NONE' ? r.errorCode : (r.members[0]?.errorCode ?? 'NONE')
      return { errorCode: kafkaErrorCode(own) }
    }
    return {
      errorCode: kafkaErrorCode(r.errorCode),
      members: r.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        errorCode: kafkaErrorCode(m.errorCode),
      })),
    }
  },
}

export const leaveGroupHandler = served(handler)
