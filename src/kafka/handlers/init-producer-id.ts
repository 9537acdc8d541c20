/**
 * InitProducerId (22) v0-4. Without a transactional id: a fresh producer id at epoch 0. With the
 * current id and epoch (v3+, KIP-360) the epoch is bumped, which also resets its sequences.
 * Transactional ids are refused until transactions land.
 */
import {
  decodeInitProducerIdRequest,
  encodeInitProducerIdResponse,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/kafka/generated/init-producer-id.js'
import { kafkaErrorCode } from '../errors.js'
import { type Handler, served } from '../handler.js'

const EPOCH_MAX = 32767

const handler: Handler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeInitProducerIdRequest,
  encode: encodeInitProducerIdResponse,
  async handle(req, { broker }) {
    if (req.transactionalId !== null) {
      return { errorCode: kafkaErrorCode('TRANSACTIONS_UNSUPPORTED'), producerId: -1n, producerEpoch: -1 }
    }
    if (req.producerId >= 0n && req.producerEpoch >= 0 && req.producerEpoch < EPOCH_MAX) {
      return { errorCode: 0, producerId: req.producerId, producerEpoch: req.producerEpoch + 1 }
    }
    const id = await broker.allocateProducerId()
    return { errorCode: 0, producerId: BigInt(id), producerEpoch: 0 }
  },
}

export const initProducerIdHandler = served(handler)
