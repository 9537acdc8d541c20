/**
 * The one map from Petrel's internal error codes to Kafka's wire error codes. Handlers deal in
 * internal codes; this exhaustive switch is the only place Kafka's numbers appear.
 */
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

export function kafkaErrorCode(code: ErrorCode): number {
  switch (code) {
    case 'NONE':
      return 0
    case 'UNKNOWN':
      return -1
    case 'OFFSET_OUT_OF_RANGE':
      return 1
    case 'CORRUPT_MESSAGE':
      return 2
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return 3
    case 'REQUEST_TIMED_OUT':
      return 7
    case 'MESSAGE_TOO_LARGE':
      return 10
    case 'INVALID_TOPIC':
      return 17
    case 'INVALID_REQUIRED_ACKS':
      return 21
    case 'UNSUPPORTED_VERSION':
      return 35
    case 'TOPIC_ALREADY_EXISTS':
      return 36
    case 'INVALID_PARTITIONS':
      return 37
    case 'INVALID_REPLICATION_FACTOR':
      return 38
    case 'INVALID_CONFIG':
      return 40
    case 'INVALID_REQUEST':
      return 42
    case 'POLICY_VIOLATION':
      return 44
    case 'OUT_OF_ORDER_SEQUENCE':
      return 45
    case 'INVALID_PRODUCER_EPOCH':
      return 47
    // Transactions arrive with a later issue; a transactional id is refused as unauthorized,
    // which every client treats as fatal rather than retrying forever.
    case 'TRANSACTIONS_UNSUPPORTED':
      return 53
    case 'STORAGE_ERROR':
      return 56
    case 'UNSUPPORTED_COMPRESSION':
      return 76
    case 'INVALID_RECORD':
      return 87
    // A limit hit on a request is the client's invalid request.
    case 'LIMIT_EXCEEDED':
      return 42
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
