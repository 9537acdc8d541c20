/**
 * Metadata (3) v0-9. Capped at 9: v10+ carries topic ids that Fetch v13+ would then use.
 * A null topic list (v1+), or an empty one at v0, means every topic. Topics asked for by name are
 * auto-created when the request allows it (v4+; always before v4) and the node is set to.
 * `__consumer_offsets` is listed only when named, with isInternal set.
 */
import type { TopicInfo } from '../../cluster/topics.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  decodeMetadataRequest,
  encodeMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseTopic,
} from '../../protocol/kafka/generated/metadata.js'
import { LEADER_EPOCH } from '../broker.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'
import { isInternalTopic } from './group-service.js'

function describeTopic(t: TopicInfo, nodeId: number, version: number): Encodable<MetadataResponseTopic> {
  const partitions = []
  for (let p = 0; p < t.partitions; p++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: version >= 7 ? LEADER_EPOCH : -1,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
    })
  }
  return { errorCode: 0, name: t.name, isInternal: isInternalTopic(t.name), partitions }
}

const handler: Handler<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 9,
  decode: decodeMetadataRequest,
  encode: encodeMetadataResponse,
  async handle(req, { version, broker }) {
    const s = broker.settings
    const all = req.topics === null || (version === 0 && req.topics.length === 0)
    const allowAuto = version < 4 || req.allowAutoTopicCreation
    const topics: Encodable<MetadataResponseTopic>[] = []
    if (all) {
      // Internal topics show only when asked for by name, as in Kafka.
      for (const t of broker.allTopics()) {
        if (!isInternalTopic(t.name)) topics.push(describeTopic(t, s.nodeId, version))
      }
    } else {
      for (const r of req.topics ?? []) {
        const name = r.name ?? ''
        const t = await broker.topicOrCreate(name, allowAuto)
        if (typeof t === 'string') topics.push({ errorCode: kafkaErrorCode(t), name, partitions: [] })
        else topics.push(describeTopic(t, s.nodeId, version))
      }
    }
    return {
      brokers: [{ nodeId: s.nodeId, host: s.advertisedHost, port: s.advertisedPort }],
      clusterId: version >= 2 ? s.clusterId : null,
      controllerId: version >= 1 ? s.nodeId : -1,
      topics,
    }
  },
}

export const metadataHandler = served(handler)
