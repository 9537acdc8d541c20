/**
 * AlterConfigs (33) v0-2: replaces a topic's whole config (settings left out return to default)
 * or a broker's whole set of dynamic configs (broker-configs.ts; null values are left out, as
 * Kafka does).
 */
import {
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  decodeAlterConfigsRequest,
  encodeAlterConfigsResponse,
} from '../../protocol/kafka/generated/alter-configs.js'
import { type Handler, served } from '../handler.js'
import {
  alterBrokerConfig,
  alterTopicConfig,
  applyConfig,
  defaultTopicConfig,
  RESOURCE_BROKER,
  resourceAnswer,
} from './configs.js'

const handler: Handler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeAlterConfigsRequest,
  encode: encodeAlterConfigsResponse,
  async handle(req, { broker }) {
    const responses = []
    for (const r of req.resources) {
      if (r.resourceType === RESOURCE_BROKER) {
        const result = await alterBrokerConfig(broker, r.resourceName, req.validateOnly, () => {
          const next = new Map<string, string>()
          for (const kv of r.configs) if (kv.value !== null) next.set(kv.name, kv.value)
          return next
        })
        responses.push(resourceAnswer(r.resourceType, r.resourceName, result))
        continue
      }
      const result = await alterTopicConfig(broker, r.resourceType, r.resourceName, req.validateOnly, () => {
        let c = defaultTopicConfig
        for (const kv of r.configs) c = applyConfig(c, kv.name, kv.value)
        return c
      })
      responses.push(resourceAnswer(r.resourceType, r.resourceName, result))
    }
    return { responses }
  },
}

export const alterConfigsHandler = served(handler)
