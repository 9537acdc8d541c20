/** CreatePartitions (37) v0-3: grows a topic's partition count. */
import { TopicError } from '../../cluster/topics.js'
import {
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  decodeCreatePartitionsRequest,
  encodeCreatePartitionsResponse,
} from '../../protocol/kafka/generated/create-partitions.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const handler: Handler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  decode: decodeCreatePartitionsRequest,
  encode: encodeCreatePartitionsResponse,
  async handle(req, { broker }) {
    const results = []
    for (const t of req.topics) {
      try {
        if (!req.validateOnly) await broker.topics.setPartitions(t.name, t.count)
        else if (broker.topic(t.name) === undefined) {
          throw new TopicError('UNKNOWN_TOPIC_OR_PARTITION', `topic '${t.name}' does not exist`)
        }
        results.push({ name: t.name, errorCode: 0, errorMessage: null })
      } catch (e) {
        if (!(e instanceof TopicError)) throw e
        const code = e.code === 'LIMIT_EXCEEDED' ? 'INVALID_PARTITIONS' : e.code
        results.push({ name: t.name, errorCode: kafkaErrorCode(code), errorMessage: e.message })
      }
    }
    return { results }
  },
}

export const createPartitionsHandler = served(handler)
