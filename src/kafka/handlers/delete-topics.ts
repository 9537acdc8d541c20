/** DeleteTopics (20) v0-6: by name (v6 may also name a topic by id). */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  type DeletableTopicResult,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  decodeDeleteTopicsRequest,
  encodeDeleteTopicsResponse,
} from '../../protocol/kafka/generated/delete-topics.js'
import { KafkaError, kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  decode: decodeDeleteTopicsRequest,
  encode: encodeDeleteTopicsResponse,
  async handle(req, { version, broker }) {
    const names: string[] =
      version >= 6
        ? req.topics.map((t) => t.name ?? broker.allTopics().find((x) => x.id === t.topicId)?.name ?? '')
        : req.topicNames
    const responses: Encodable<DeletableTopicResult>[] = []
    for (const name of names) {
      const topicId = version >= 6 ? broker.topic(name)?.id : undefined
      try {
        await broker.deleteTopic(name)
        responses.push({ name, topicId, errorCode: 0 })
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e
        responses.push({
          name,
          topicId,
          errorCode: kafkaErrorCode(e.code),
          errorMessage: version >= 5 ? e.message : null,
        })
      }
    }
    return { responses }
  },
}

export const deleteTopicsHandler = served(handler)
