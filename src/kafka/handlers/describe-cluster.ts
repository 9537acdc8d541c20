/** DescribeCluster (60) v0-1: this node as the whole cluster and its controller. */
import {
  type DescribeClusterRequest,
  type DescribeClusterResponse,
  decodeDescribeClusterRequest,
  encodeDescribeClusterResponse,
} from '../../protocol/kafka/generated/describe-cluster.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeDescribeClusterRequest,
  encode: encodeDescribeClusterResponse,
  async handle(req, { version, broker }) {
    const s = broker.settings
    return {
      errorCode: 0,
      errorMessage: null,
      endpointType: version >= 1 ? req.endpointType : 1,
      clusterId: s.clusterId,
      controllerId: s.nodeId,
      brokers: [{ brokerId: s.nodeId, host: s.advertisedHost, port: s.advertisedPort, rack: null }],
    }
  },
}

export const describeClusterHandler = served(handler)
