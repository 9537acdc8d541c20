/**
 * The one map from Petrel's internal error codes to Kafka's wire error codes. Handlers deal in
 * internal codes; this exhaustive switch is the only place they become Kafka's (from the
 * generated error table).
 */
import { ErrorCode as K } from '../protocol/kafka/generated/errors.js'

export type ErrorCode =
  | 'NONE'
  | 'UNKNOWN'
  | 'OFFSET_OUT_OF_RANGE'
  | 'CORRUPT_MESSAGE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'REQUEST_TIMED_OUT'
  | 'MESSAGE_TOO_LARGE'
  | 'INVALID_TOPIC'
  | 'INVALID_REQUIRED_ACKS'
  | 'UNSUPPORTED_VERSION'
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_PARTITIONS'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_CONFIG'
  | 'INVALID_REQUEST'
  | 'OUT_OF_ORDER_SEQUENCE'
  | 'INVALID_PRODUCER_EPOCH'
  | 'TRANSACTIONS_UNSUPPORTED'
  | 'STORAGE_ERROR'
  | 'UNSUPPORTED_COMPRESSION'
  | 'INVALID_RECORD'
  | 'LIMIT_EXCEEDED'
  | 'POLICY_VIOLATION'
  // The group coordinator's codes (groups/types.ts GroupErrorCode is a subset of this union).
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'ILLEGAL_GENERATION'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_GROUP_ID'
  | 'UNKNOWN_MEMBER_ID'
  | 'INVALID_SESSION_TIMEOUT'
  | 'REBALANCE_IN_PROGRESS'
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_ID_NOT_FOUND'
  | 'MEMBER_ID_REQUIRED'
  | 'FENCED_INSTANCE_ID'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'

export function kafkaErrorCode(code: ErrorCode): number {
  switch (code) {
    case 'NONE':
      return K.NONE
    case 'UNKNOWN':
      return K.UNKNOWN_SERVER_ERROR
    case 'OFFSET_OUT_OF_RANGE':
      return K.OFFSET_OUT_OF_RANGE
    case 'CORRUPT_MESSAGE':
      return K.CORRUPT_MESSAGE
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return K.UNKNOWN_TOPIC_OR_PARTITION
    case 'REQUEST_TIMED_OUT':
      return K.REQUEST_TIMED_OUT
    case 'MESSAGE_TOO_LARGE':
      return K.MESSAGE_TOO_LARGE
    case 'INVALID_TOPIC':
      return K.INVALID_TOPIC_EXCEPTION
    case 'INVALID_REQUIRED_ACKS':
      return K.INVALID_REQUIRED_ACKS
    case 'UNSUPPORTED_VERSION':
      return K.UNSUPPORTED_VERSION
    case 'TOPIC_ALREADY_EXISTS':
      return K.TOPIC_ALREADY_EXISTS
    case 'INVALID_PARTITIONS':
      return K.INVALID_PARTITIONS
    case 'INVALID_REPLICATION_FACTOR':
      return K.INVALID_REPLICATION_FACTOR
    case 'INVALID_CONFIG':
      return K.INVALID_CONFIG
    case 'INVALID_REQUEST':
      return K.INVALID_REQUEST
    case 'POLICY_VIOLATION':
      return K.POLICY_VIOLATION
    case 'OUT_OF_ORDER_SEQUENCE':
      return K.OUT_OF_ORDER_SEQUENCE_NUMBER
    case 'INVALID_PRODUCER_EPOCH':
      return K.INVALID_PRODUCER_EPOCH
    // Transactions arrive with a later issue; a transactional id is refused as unauthorized,
    // which every client treats as fatal rather than retrying forever.
    case 'TRANSACTIONS_UNSUPPORTED':
      return K.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    case 'STORAGE_ERROR':
      return K.KAFKA_STORAGE_ERROR
    case 'UNSUPPORTED_COMPRESSION':
      return K.UNSUPPORTED_COMPRESSION_TYPE
    case 'INVALID_RECORD':
      return K.INVALID_RECORD
    // A limit hit on a request is the client's invalid request.
    case 'LIMIT_EXCEEDED':
      return K.INVALID_REQUEST
    case 'COORDINATOR_NOT_AVAILABLE':
      return K.COORDINATOR_NOT_AVAILABLE
    case 'ILLEGAL_GENERATION':
      return K.ILLEGAL_GENERATION
    case 'INCONSISTENT_GROUP_PROTOCOL':
      return K.INCONSISTENT_GROUP_PROTOCOL
    case 'INVALID_GROUP_ID':
      return K.INVALID_GROUP_ID
    case 'UNKNOWN_MEMBER_ID':
      return K.UNKNOWN_MEMBER_ID
    case 'INVALID_SESSION_TIMEOUT':
      return K.INVALID_SESSION_TIMEOUT
    case 'REBALANCE_IN_PROGRESS':
      return K.REBALANCE_IN_PROGRESS
    case 'OFFSET_METADATA_TOO_LARGE':
      return K.OFFSET_METADATA_TOO_LARGE
    case 'NON_EMPTY_GROUP':
      return K.NON_EMPTY_GROUP
    case 'GROUP_ID_NOT_FOUND':
      return K.GROUP_ID_NOT_FOUND
    case 'MEMBER_ID_REQUIRED':
      return K.MEMBER_ID_REQUIRED
    case 'FENCED_INSTANCE_ID':
      return K.FENCED_INSTANCE_ID
    case 'GROUP_MAX_SIZE_REACHED':
      return K.GROUP_MAX_SIZE_REACHED
    case 'GROUP_SUBSCRIBED_TO_TOPIC':
      return K.GROUP_SUBSCRIBED_TO_TOPIC
  }
}

/** An operating error carried as a value up to the handler that answers it. */
export class KafkaError extends Error {
  override readonly name = 'KafkaError'
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}
