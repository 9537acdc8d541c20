/**
 * IncrementalAlterConfigs (44) v0-1: SET and DELETE per setting, on a topic or on a broker's
 * dynamic configs. APPEND and SUBTRACT apply only to list settings (cleanup.policy); they are not
 * supported yet and are refused as INVALID_CONFIG (also on broker configs, kept as plain strings).
 */
import { TopicError } from '../../cluster/topics.js'
import {
  decodeIncrementalAlterConfigsRequest,
  encodeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/kafka/generated/incremental-alter-configs.js'
import { type Handler, served } from '../handler.js'
import {
  alterBrokerConfig,
  alterTopicConfig,
  applyConfig,
  RESOURCE_BROKER,
  resourceAnswer,
} from './configs.js'

const OP_SET = 0
const OP_DELETE = 1

const handler: Handler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeIncrementalAlterConfigsRequest,
  encode: encodeIncrementalAlterConfigsResponse,
  async handle(req, { broker }) {
    const responses = []
    for (const r of req.resources) {
      if (r.resourceType === RESOURCE_BROKER) {
        const result = await alterBrokerConfig(broker, r.resourceName, req.validateOnly, (start) => {
          for (const kv of r.configs) {
            if (kv.configOperation === OP_SET && kv.value !== null) start.set(kv.name, kv.value)
            else if (kv.configOperation === OP_DELETE) start.delete(kv.name)
            else
              throw new TopicError(
                'INVALID_CONFIG',
                `operation ${kv.configOperation} on ${kv.name} is not supported`,
              )
          }
          return start
        })
        responses.push(resourceAnswer(r.resourceType, r.resourceName, result))
        continue
      }
      const result = await alterTopicConfig(
        broker,
        r.resourceType,
        r.resourceName,
        req.validateOnly,
        (start) => {
          let c = start
          for (const kv of r.configs) {
            if (kv.configOperation === OP_SET) c = applyConfig(c, kv.name, kv.value)
            else if (kv.configOperation === OP_DELETE) c = applyConfig(c, kv.name, null)
            else
              throw new TopicError(
                'INVALID_CONFIG',
                `operation ${kv.configOperation} on ${kv.name} is not supported`,
              )
          }
          return c
        },
      )
      responses.push(resourceAnswer(r.resourceType, r.resourceName, result))
    }
    return { responses }
  },
}

export const incrementalAlterConfigsHandler = served(handler)
