/**
 * SyncGroup (14) v0-4. Followers' requests are parked until the leader's arrives. The protocol
 * type and name fields start at v5, which we do not serve, so they go in as null.
 */
import {
  decodeSyncGroupRequest,
  encodeSyncGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../../protocol/kafka/generated/sync-group.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeSyncGroupRequest,
  encode: encodeSyncGroupResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) {
      return { errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'), assignment: new Uint8Array(0) }
    }
    const r = await groups.step((c, ctx) =>
      c.syncGroup(
        {
          groupId: req.groupId,
          generationId: req.generationId,
          memberId: req.memberId,
          groupInstanceId: version >= 3 ? req.groupInstanceId : null,
          protocolType: null,
          protocolName: null,
          assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
        },
        ctx,
      ),
    )
    return { errorCode: kafkaErrorCode(r.errorCode), assignment: r.assignment }
  },
}

export const syncGroupHandler = served(handler)
