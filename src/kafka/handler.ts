/**
 * A handler serves one Kafka API over the versions it declares, with the generated codec's types
 * for its request and response. The ApiVersions answer is computed from the list of handlers, so
 * what is advertised cannot drift from what is served.
 */
import type { Encodable } from '../protocol/kafka/codec.js'
import type { Reader } from '../protocol/primitives/reader.js'
import type { Writer } from '../protocol/primitives/writer.js'
import type { Broker } from './broker.js'

export interface RequestContext {
  readonly version: number
  readonly clientId: string | null
  /** The client's address as Kafka reports it in group descriptions: `/` and the IP. */
  readonly clientHost: string
  readonly broker: Broker
}

export interface Handler<Req, Res> {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  readonly decode: (r: Reader, version: number) => Req
  readonly encode: (w: Writer, version: number, msg: Encodable<Res>) => void
  /** The response body, or null when the request gets no response (Produce with acks=0). */
  handle(request: Req, ctx: RequestContext): Promise<Encodable<Res> | null>
}

/** A handler with its message types erased, as the router holds them. */
export interface ServedApi {
  readonly apiKey: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** Decodes the body, runs the handler, and returns how to write the response body (or null). */
  serve(r: Reader, ctx: RequestContext): Promise<((w: Writer) => void) | null>
}

export function served<Req, Res>(h: Handler<Req, Res>): ServedApi {
  return {
    apiKey: h.apiKey,
    name: h.name,
    minVersion: h.minVersion,
    maxVersion: h.maxVersion,
    async serve(r, ctx) {
      const request = h.decode(r, ctx.version)
      const response = await h.handle(request, ctx)
      if (response === null) return null
      return (w) => h.encode(w, ctx.version, response)
    },
  }
}
