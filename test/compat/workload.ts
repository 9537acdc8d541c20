/**
 * The shared workload of the client compatibility tests: message i has a known key, value,
 * headers and timestamp, so that what is read back can be checked field by field, and the
 * per-partition offsets can be checked for contiguity.
 */
import assert from 'node:assert/strict'

export const MESSAGES = 100_000
/** Messages per send call; the sends alternate gzip and no compression. */
export const SEND_CHUNK = 2_000
export const PARTITIONS = 8
const BASE_TIMESTAMP = 1_700_000_000_000

export interface Expected {
  key: string
  value: string
  headers: Record<string, string>
  timestamp: number
}

export function expected(i: number, client: string): Expected {
  return {
    key: `key-${i}`,
    value: `value-${i}-${'x'.repeat(i % 50)}`,
    headers: { idx: String(i), src: client },
    timestamp: BASE_TIMESTAMP + i,
  }
}

export interface ReadMessage {
  offset: number
  key: string
  value: string
  headers: Record<string, string>
  timestamp: number
}

/** Checks every partition's messages: contiguous offsets from 0, fields intact, all N present once. */
export function verify(
  byPartition: ReadonlyMap<number, ReadMessage[]>,
  client: string,
  total = MESSAGES,
): void {
  const seen = new Set<number>()
  for (const [partition, messages] of byPartition) {
    let lastIdx = -1
    messages.forEach((m, n) => {
      assert.equal(m.offset, n, `partition ${partition}: offset ${m.offset} at position ${n}`)
      const idx = Number(m.key.slice('key-'.length))
      const e = expected(idx, client)
      assert.equal(m.key, e.key)
      assert.equal(m.value, e.value, `value of message ${idx}`)
      assert.deepEqual(m.headers, e.headers, `headers of message ${idx}`)
      assert.equal(m.timestamp, e.timestamp, `timestamp of message ${idx}`)
      assert.ok(idx > lastIdx, `partition ${partition}: message ${idx} after ${lastIdx} (order kept)`)
      lastIdx = idx
      assert.ok(!seen.has(idx), `message ${idx} read twice`)
      seen.add(idx)
    })
  }
  assert.equal(seen.size, total, 'every message read back exactly once')
}
