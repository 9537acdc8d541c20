/**
 * Distinct names for numbers that mean different things. An Offset is not a Term, even though
 * both are safe integers at run time. Construct them through the checked helpers below.
 */
import { assert } from './assert.js'

declare const brand: unique symbol
export type Brand<T, B extends string> = T & { readonly [brand]: B }

export type Offset = Brand<number, 'Offset'>
export type Term = Brand<number, 'Term'>
export type NodeId = Brand<number, 'NodeId'>
export type PartitionId = Brand<number, 'PartitionId'>
export type ProducerId = Brand<number, 'ProducerId'>
export type ProducerEpoch = Brand<number, 'ProducerEpoch'>

export function offset(n: number): Offset {
  assert(Number.isSafeInteger(n) && n >= 0, `offset must be a non-negative safe integer, got ${n}`)
  return n as Offset
}

export function term(n: number): Term {
  assert(Number.isSafeInteger(n) && n >= 0, `term must be a non-negative safe integer, got ${n}`)
  return n as Term
}

export function nodeId(n: number): NodeId {
  assert(Number.isInteger(n) && n >= 0 && n <= 0x7fffffff, `node id must be an int32 >= 0, got ${n}`)
  return n as NodeId
}

export function partitionId(n: number): PartitionId {
  assert(Number.isInteger(n) && n >= 0 && n <= 0x7fffffff, `partition id must be an int32 >= 0, got ${n}`)
  return n as PartitionId
}

export function producerId(n: number): ProducerId {
  assert(Number.isSafeInteger(n) && n >= -1, `producer id must be a safe integer >= -1, got ${n}`)
  return n as ProducerId
}

/** Kafka int64 travels as bigint at the codec edge; inside, it must fit a safe integer. */
export function safeFromBigInt(v: bigint, what: string): number {
  assert(
    v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER),
    `${what} ${v} is outside the safe integer range`,
  )
  return Number(v)
}
