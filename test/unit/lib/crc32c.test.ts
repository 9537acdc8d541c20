import assert from 'node:assert/strict'
import { test } from 'node:test'
import { crc32 } from 'node:zlib'
import { crc32c } from '../../../src/lib/crc32c.js'

// Known vectors for CRC-32C (Castagnoli): RFC 3720 appendix B.4 and the "123456789" check value.
test('crc32c matches the standard check value and RFC 3720 vectors', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283)
  assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa)
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43)
  const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i))
  assert.equal(crc32c(ascending), 0x46dd794e)
  const descending = Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))
  assert.equal(crc32c(descending), 0x113fdb5c)
  assert.equal(crc32c(Buffer.alloc(0)), 0)
})

test('crc32c is not the IEEE polynomial that zlib.crc32 computes', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926)
  assert.notEqual(crc32c(Buffer.from('123456789')), crc32(Buffer.from('123456789')))
})

test('crc32c continues from an initial value', () => {
  const whole = crc32c(Buffer.from('hello, world'))
  const part = crc32c(Buffer.from(', world'), crc32c(Buffer.from('hello')))
  assert.equal(part, whole)
})
