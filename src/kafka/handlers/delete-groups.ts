/** DeleteGroups (42) v0-2: only Empty groups go; their offsets are tombstoned first. */
import {
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  decodeDeleteGroupsRequest,
  encodeDeleteGroupsResponse,
} from '../../protocol/kafka/generated/delete-groups.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeDeleteGroupsRequest,
  encode: encodeDeleteGroupsResponse,
  async handle(req, { broker }) {
    const groups = broker.groups
    if (groups === null) {
      const code = kafkaErrorCode('COORDINATOR_NOT_AVAILABLE')
      return { results: req.groupsNames.map((groupId) => ({ groupId, errorCode: code })) }
    }
    const results = await groups.step((c, ctx) => c.deleteGroups(req.groupsNames, ctx))
    return { results: results.map((r) => ({ groupId: r.groupId, errorCode: kafkaErrorCode(r.errorCode) })) }
  },
}

export const deleteGroupsHandler = served(handler)
