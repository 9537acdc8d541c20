/**
 * The one error a decoder throws for bad input. Anything else escaping a decoder is a bug.
 * `code` is stable and machine-readable; the message says what was wrong and where.
 */
export type CodecErrorCode =
  | 'TRUNCATED' // fewer bytes remain than the encoding needs
  | 'LIMIT_EXCEEDED' // a length or count is larger than its limit in config/limits.ts
  | 'INVALID_LENGTH' // a negative length where none is allowed, or a varint that overruns
  | 'INVALID_VALUE' // a value outside its domain (bad boolean, bad UTF-8, unknown enum)
  | 'UNSUPPORTED_VERSION' // a message version the codec does not know
  | 'CORRUPT' // a checksum mismatch or an inconsistent structure
  | 'UNSUPPORTED_COMPRESSION' // a compression codec id we cannot decode

export class CodecError extends Error {
  override readonly name = 'CodecError'
  constructor(
    readonly code: CodecErrorCode,
    message: string,
  ) {
    super(message)
  }
}
