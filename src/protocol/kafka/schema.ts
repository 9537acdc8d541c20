/**
 * The schema model the generator emits: one MessageSchema per request, response or header,
 * described as data. The codec (codec.ts) compiles it into a per-version plan and runs it; the
 * property tests draw random messages from the same description, so they need no spec files.
 */

export type ScalarType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records'

/** Inclusive [min, max]; `NO_VERSIONS` is the empty range, open ends use VERSION_MAX. */
export type VersionRange = readonly [number, number]

export const VERSION_MAX = 0x7fff
export const NO_VERSIONS: VersionRange = [1, 0]

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range[0] && version <= range[1]
}

/** A field's default as the spec gives it; `undefined` means the type's own default. */
export type DefaultValue = number | bigint | boolean | string | null | undefined

export interface FieldSchema {
  /** Property name in TypeScript (camelCase of the spec's name). */
  readonly name: string
  /** `struct` when the field (or, for arrays, each element) is a struct. */
  readonly type: ScalarType | 'struct'
  readonly array: boolean
  readonly struct?: StructSchema
  readonly versions: VersionRange
  readonly nullableVersions: VersionRange
  readonly taggedVersions: VersionRange
  /** The tag in tagged versions, or -1. */
  readonly tag: number
  /** Overrides the message's flexibleVersions for this field's own encoding (RequestHeader ClientId). */
  readonly flexibleVersions?: VersionRange
  readonly ignorable: boolean
  readonly default: DefaultValue
}

export interface StructSchema {
  readonly name: string
  readonly fields: readonly FieldSchema[]
}

export type MessageKind = 'request' | 'response' | 'header'

export interface MessageSchema {
  readonly name: string
  readonly kind: MessageKind
  /** -1 for headers. */
  readonly apiKey: number
  readonly validVersions: VersionRange
  readonly flexibleVersions: VersionRange
  readonly struct: StructSchema
}
