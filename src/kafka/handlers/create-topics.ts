/**
 * CreateTopics (19) v0-7. Replication factor must be -1 or 1 on a single node. numPartitions -1
 * takes the assignment count, or the node's default.
 */
import { TopicError } from '../../cluster/topics.js'
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  type CreatableTopicResult,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
  decodeCreateTopicsRequest,
  encodeCreateTopicsResponse,
} from '../../protocol/kafka/generated/create-topics.js'
import { type ErrorCode, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

function result(
  version: number,
  name: string,
  error: ErrorCode,
  message: string | null,
  partitions = -1,
  id?: string,
): Encodable<CreatableTopicResult> {
  const r: Encodable<CreatableTopicResult> = {
    name,
    errorCode: kafkaErrorCode(error),
    errorMessage: version >= 1 ? message : null,
  }
  if (version < 5) return r
  return {
    ...r,
    topicId: version >= 7 && id !== undefined ? id : undefined,
    numPartitions: partitions,
    replicationFactor: partitions < 0 ? -1 : 1,
    configs: null,
  }
}

const handler: Handler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  decode: decodeCreateTopicsRequest,
  encode: encodeCreateTopicsResponse,
  async handle(req, { version, broker }) {
    const topics: Encodable<CreatableTopicResult>[] = []
    for (const t of req.topics) {
      let partitions = t.numPartitions
      if (partitions === -1) {
        partitions = t.assignments.length > 0 ? t.assignments.length : broker.settings.defaultPartitions
      }
      if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
        const why = `replication factor ${t.replicationFactor} on a single node`
        topics.push(result(version, t.name, 'INVALID_REPLICATION_FACTOR', why))
        continue
      }
      const configs = t.configs.map((c): [string, string | null] => [c.name, c.value])
      if (req.validateOnly) {
        const exists = broker.topic(t.name) !== undefined
        topics.push(result(version, t.name, exists ? 'TOPIC_ALREADY_EXISTS' : 'NONE', null, partitions))
        continue
      }
      try {
        const info = await broker.createTopic(t.name, partitions, configs)
        topics.push(result(version, t.name, 'NONE', null, info.partitions, info.id))
      } catch (e) {
        if (!(e instanceof TopicError)) throw e
        const code: ErrorCode = e.code === 'LIMIT_EXCEEDED' ? 'POLICY_VIOLATION' : e.code
        topics.push(result(version, t.name, code, e.message))
      }
    }
    return { topics }
  },
}

export const createTopicsHandler = served(handler)
