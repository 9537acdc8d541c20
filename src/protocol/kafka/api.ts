/**
 * What the generated index says about each API, so that the broker can dispatch generically:
 * look up the api key, check the version against `request.validVersions`, decode, hand over.
 */
import type { Reader } from '../primitives/reader.js'
import type { Writer } from '../primitives/writer.js'
import type { MessageSchema } from './schema.js'

export interface ApiEntry {
  readonly apiKey: number
  /** The stem of the spec names: Produce, ApiVersions. */
  readonly name: string
  readonly request: MessageSchema
  readonly response: MessageSchema
  readonly decodeRequest: (r: Reader, version: number) => unknown
  readonly encodeRequest: (w: Writer, version: number, msg: unknown) => void
  readonly decodeResponse: (r: Reader, version: number) => unknown
  readonly encodeResponse: (w: Writer, version: number, msg: unknown) => void
}
