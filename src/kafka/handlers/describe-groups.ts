/**
 * DescribeGroups (15) v0-5. Authorized operations (v3+) are not computed: there are no ACLs, so
 * the answer is Kafka's "not requested" value.
 */
import {
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  decodeDescribeGroupsRequest,
  encodeDescribeGroupsResponse,
} from '../../protocol/kafka/generated/describe-groups.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

const handler: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeDescribeGroupsRequest,
  encode: encodeDescribeGroupsResponse,
  async handle(req, { version, broker }) {
    const groups = broker.groups
    if (groups === null) {
      return {
        groups: req.groups.map((groupId) => ({
          errorCode: kafkaErrorCode('COORDINATOR_NOT_AVAILABLE'),
          groupId,
          groupState: '',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
        })),
      }
    }
    const described = await groups.read((c) => c.describeGroups(req.groups, version))
    return {
      groups: described.map((g) => ({
        errorCode: kafkaErrorCode(g.errorCode),
        groupId: g.groupId,
        groupState: g.groupState,
        protocolType: g.protocolType,
        protocolData: g.protocolData,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.memberMetadata,
          memberAssignment: m.memberAssignment,
        })),
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      })),
    }
  },
}

export const describeGroupsHandler = served(handler)
