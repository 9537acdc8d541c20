/**
 * Operating errors of the partition log, as values with stable codes. The broker maps them to
 * Kafka error codes in kafka/errors.ts (DISK_FULL and IO_ERROR → KAFKA_STORAGE_ERROR,
 * OFFSET_OUT_OF_RANGE → OFFSET_OUT_OF_RANGE, CORRUPT_BATCH → CORRUPT_MESSAGE, …).
 */
import { FsError } from '../io/fs.js'

export type StorageErrorCode =
  | 'INVALID_BATCH' // an appended batch is malformed: bad header, length or CRC
  | 'CORRUPT_BATCH' // stored bytes fail their checks on read: media damage inside a segment
  | 'OFFSET_OUT_OF_RANGE' // an offset below the log start or above the log end
  | 'LIMIT_EXCEEDED' // too many appends waiting, or a batch larger than a segment may hold
  | 'DISK_FULL' // the device has no space left
  | 'IO_ERROR' // the device reported another failure
  | 'LOG_FAILED' // an earlier write failed; the log refuses work until it is reopened (recovery)
  | 'CLOSED' // the log was closed

export class StorageError extends Error {
  override readonly name = 'StorageError'
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Turns a file-system failure into a storage error; anything else (a bug) passes through. */
export function fromFsError(err: unknown, what: string): unknown {
  if (!(err instanceof FsError)) return err
  if (err.code === 'NO_SPACE') return new StorageError('DISK_FULL', `${what}: ${err.message}`)
  if (err.code === 'CLOSED') return new StorageError('CLOSED', `${what}: ${err.message}`)
  return new StorageError('IO_ERROR', `${what}: ${err.message}`)
}
