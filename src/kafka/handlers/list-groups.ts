/**
 * ListGroups (16) v0-4. The states filter (v4+) matches state names case-insensitively, as Kafka
 * does; an empty filter lists every group.
 */
import type { GroupState } from '../../groups/types.js'
import {
  decodeListGroupsRequest,
  encodeListGroupsResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../protocol/kafka/generated/list-groups.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead']

function statesOf(filter: readonly string[]): GroupState[] | null {
  if (filter.length === 0) return null
  const wanted = new Set(filter.map((s) => s.toLowerCase()))
  return STATES.filter((s) => wanted.has(s.toLowerCase()))
}

const handler: Handler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeListGroupsRequest,
  encode: encodeListGroupsResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) return { errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'), groups: [] }
    const filter = version >= 4 ? statesOf(req.statesFilter) : null
    const listed = await groups.read((c) => c.listGroups(filter))
    return {
      errorCode: 0,
      groups: listed.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: g.groupState,
      })),
    }
  },
}

export const listGroupsHandler = served(handler)
