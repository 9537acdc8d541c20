/**
 * The client's one error family. `code` is stable and machine-readable: Kafka error names as the
 * broker sent them (with NOT_LEADER_OR_FOLLOWER also answering to 'NOT_LEADER'), plus the client's
 * own: TIMEOUT, INVALID_OPTION, CONNECTION, CLOSED, PROTOCOL, UNSUPPORTED_VERSION.
 * `retriable` says whether the same request may succeed if sent again (after a metadata refresh
 * for leadership errors).
 */
import { ErrorCode, kafkaErrorByCode } from '../protocol/kafka/generated/errors.js'

export type ClientErrorCode =
  | 'TIMEOUT'
  | 'INVALID_OPTION'
  | 'CONNECTION'
  | 'CLOSED'
  | 'PROTOCOL'
  | 'UNSUPPORTED_VERSION'
  | 'NOT_LEADER'

export class PetrelError extends Error {
  override name = 'PetrelError'
  constructor(
    /** A Kafka error name (UNKNOWN_TOPIC_OR_PARTITION) or a ClientErrorCode. */
    readonly code: string,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A bad option, found once at construction (undici style: says which option and why). */
export class InvalidOptionError extends PetrelError {
  override name = 'InvalidOptionError'
  constructor(message: string) {
    super('INVALID_OPTION', message, false)
  }
}

/** No answer within the time allowed (request timeout or an overall deadline). */
export class TimeoutError extends PetrelError {
  override name = 'TimeoutError'
  constructor(message: string) {
    super('TIMEOUT', message, true)
  }
}

/** The socket failed or closed before the answer came. */
export class ConnectionError extends PetrelError {
  override name = 'ConnectionError'
  constructor(message: string, cause?: unknown) {
    super('CONNECTION', message, true, cause === undefined ? undefined : { cause })
  }
}

/** The client, producer or consumer was closed. */
export class ClosedError extends PetrelError {
  override name = 'ClosedError'
  constructor(what: string) {
    super('CLOSED', `${what} is closed`, false)
  }
}

/** An error code the broker answered with. `kafkaCode` is the number on the wire. */
export class KafkaError extends PetrelError {
  override name = 'KafkaError'
  constructor(
    readonly kafkaCode: number,
    code: string,
    message: string,
    retriable: boolean,
  ) {
    super(code, message, retriable)
  }
}

/** Leadership moved: the partition's leader is elsewhere. Retriable after a metadata refresh. */
export const NOT_LEADER = 'NOT_LEADER'

/** Codes that send a client back to metadata before it retries. */
const refreshCodes: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
])

export function needsMetadataRefresh(kafkaCode: number): boolean {
  return refreshCodes.has(kafkaCode)
}

/**
 * The error for a Kafka error code, or null for NONE. NOT_LEADER_OR_FOLLOWER keeps Kafka's name
 * in the message but its code is 'NOT_LEADER', the name users search for.
 */
export function kafkaError(
  kafkaCode: number,
  context: string,
  brokerMessage?: string | null,
): KafkaError | null {
  if (kafkaCode === ErrorCode.NONE) return null
  const info = kafkaErrorByCode.get(kafkaCode)
  const name = info?.name ?? `UNKNOWN_ERROR_CODE_${kafkaCode}`
  const code = kafkaCode === ErrorCode.NOT_LEADER_OR_FOLLOWER ? NOT_LEADER : name
  const detail = brokerMessage ?? info?.message ?? ''
  const retriable = info?.retriable ?? false
  return new KafkaError(kafkaCode, code, `${context}: ${name}${detail ? ` (${detail})` : ''}`, retriable)
}

/** Throws the error for `kafkaCode` unless it is NONE. */
export function throwIfError(kafkaCode: number, context: string, brokerMessage?: string | null): void {
  const e = kafkaError(kafkaCode, context, brokerMessage)
  if (e !== null) throw e
}
