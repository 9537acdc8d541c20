/** DescribeConfigs (32) v0-4: the topic configs we serve; a broker's dynamic configs. */
import type { Encodable } from '../../protocol/kafka/codec.js'
import {
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
} from '../../protocol/kafka/generated/describe-configs.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'
import { describeBrokerConfigs, describeTopicConfigs, RESOURCE_BROKER, RESOURCE_TOPIC } from './configs.js'

const handler: Handler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeDescribeConfigsRequest,
  encode: encodeDescribeConfigsResponse,
  async handle(req, { version, broker }) {
    const results: Encodable<DescribeConfigsResult>[] = []
    for (const r of req.resources) {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName, errorMessage: null }
      if (r.resourceType === RESOURCE_TOPIC) {
        const t = broker.topic(r.resourceName)
        if (t === undefined) {
          results.push({ ...base, errorCode: kafkaErrorCode('UNKNOWN_TOPIC_OR_PARTITION'), configs: [] })
        } else {
          results.push({
            ...base,
            errorCode: 0,
            configs: describeTopicConfigs(t.config, r.configurationKeys, version),
          })
        }
      } else if (r.resourceType === RESOURCE_BROKER) {
        const d = describeBrokerConfigs(broker, r.resourceName, r.configurationKeys, version)
        results.push({
          ...base,
          errorCode: kafkaErrorCode(d.error),
          errorMessage: d.message,
          configs: d.configs,
        })
      } else {
        results.push({ ...base, errorCode: kafkaErrorCode('INVALID_REQUEST'), configs: [] })
      }
    }
    return { results }
  },
}

export const describeConfigsHandler = served(handler)
