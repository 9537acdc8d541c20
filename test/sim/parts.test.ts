/** The simulator's parts on their own: agenda order, disk crash model, network cuts, list machine. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { createPrng } from '../../src/lib/prng.js'
import { decodeRecord, encodeRecord } from '../../src/testing/sim/codec.js'
import { checkFrame, frameOf, SimDisk } from '../../src/testing/sim/disk.js'
import { EventQueue } from '../../src/testing/sim/events.js'
import { ListMachine } from '../../src/testing/sim/kv.js'
import { SimNet } from '../../src/testing/sim/net.js'
import { nodeId, term } from '../../src/lib/branded.js'

test('the agenda pops by time, then by insertion order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
      const q = new EventQueue<number>()
      for (const [i, t] of times.entries()) q.push(t, i)
      const popped: number[] = []
      for (let e = q.pop(); e !== undefined; e = q.pop()) popped.push(e.event)
      const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i)
      assert.deepEqual(
        popped,
        expected.map((x) => x.i),
      )
    }),
  )
})

const weatherRough = { tornWriteP: 0.5, corruptP: 0.5 }

test('a crash keeps every synced frame and a prefix of the unsynced ones', () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 30 }),
      (seed, synced, unsynced) => {
        const disk = new SimDisk<string>((r) => new TextEncoder().encode(r))
        for (let i = 0; i < synced; i++) disk.append(`s${i}`)
        disk.sync()
        for (let i = 0; i < unsynced; i++) disk.append(`u${i}`)
        disk.crash(createPrng(seed), weatherRough)
        const back = disk.recover()
        assert.ok(back.length >= synced && back.length <= synced + unsynced)
        for (const [i, r] of back.entries()) assert.equal(r, i < synced ? `s${i}` : `u${i - synced}`)
        // A second crash with nothing unsynced loses nothing.
        disk.crash(createPrng(seed + 1), weatherRough)
        assert.deepEqual(disk.recover(), back)
      },
    ),
  )
})

test('torn and corrupted frames are caught by the checksum and truncated', () => {
  let torn = 0
  let corrupt = 0
  for (let seed = 0; seed < 400; seed++) {
    const disk = new SimDisk<string>((r) => new TextEncoder().encode(r))
    disk.append('durable')
    disk.sync()
    disk.append('volatile-1')
    disk.append('volatile-2')
    const report = disk.crash(createPrng(seed), weatherRough)
    const back = disk.recover()
    if (report.damage === 'torn') torn++
    if (report.damage === 'corrupt') corrupt++
    // The damaged frame (one of those lost) never comes back; everything before it does.
    assert.equal(back.length, 3 - report.framesLost)
    assert.ok(report.damage === 'none' || report.framesLost >= 1)
    assert.deepEqual(back, ['durable', 'volatile-1', 'volatile-2'].slice(0, back.length))
  }
  assert.ok(torn > 50 && corrupt > 20, `both faults happen (${torn} torn, ${corrupt} corrupt)`)
})

test('a frame with any one bit flipped, or cut short, fails its check; an intact one passes', () => {
  const payload = new TextEncoder().encode('{"t":"h","term":3,"vote":2,"commit":7}')
  const frame = frameOf(payload)
  assert.deepEqual(checkFrame(frame), payload)
  for (let bit = 0; bit < frame.length * 8; bit++) {
    const copy = frame.slice()
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7))
    assert.equal(checkFrame(copy), undefined, `bit ${bit}`)
  }
  for (let n = 0; n < frame.length; n++) assert.equal(checkFrame(frame.subarray(0, n)), undefined)
})

test('disk records survive an encode and decode round trip', () => {
  const records = [
    { t: 'hardState', hs: { term: term(3), vote: nodeId(2), commit: 7 } },
    {
      t: 'entries',
      entries: [
        { kind: 'normal', index: 1, term: term(1), data: new Uint8Array([0x7b, 0x7d, 0xff]) },
        { kind: 'confChange', index: 2, term: term(1), change: { type: 'addLearner', nodeId: nodeId(4) } },
      ],
    },
    { t: 'checkpoint', index: 2, conf: { voters: [nodeId(1)], learners: [] }, data: new Uint8Array([1, 2]) },
  ] as const
  for (const r of records) assert.deepEqual(decodeRecord(encodeRecord(r)), r)
})

test('a cut link delivers nothing; a healed one delivers with a delay in range', () => {
  const net = new SimNet(createPrng(1), 5)
  net.weather = { dropP: 0, duplicateP: 0, delayMinMs: 3, delayMaxMs: 9 }
  net.partition('isolate', [1, 2, 3])
  const cutOff = [1, 2, 3].find((n) => [1, 2, 3].every((m) => m === n || net.isCut(n, m)))
  assert.ok(cutOff !== undefined)
  const other = cutOff === 1 ? 2 : 1
  assert.deepEqual(net.delaysFor(cutOff, other), [])
  assert.deepEqual(net.delaysFor(other, cutOff), [])
  net.healAll()
  for (let i = 0; i < 100; i++) {
    const [d, ...rest] = net.delaysFor(1, 2)
    assert.equal(rest.length, 0)
    assert.ok(d !== undefined && d >= 3 && d <= 9)
  }
})

test('a one-way cut blocks one direction only; loss and duplication follow their rates', () => {
  const net = new SimNet(createPrng(2), 5)
  net.cutLink(1, 2)
  assert.ok(net.isCut(1, 2) && !net.isCut(2, 1))
  net.healAll()
  net.weather = { dropP: 0.3, duplicateP: 0.2, delayMinMs: 1, delayMaxMs: 1 }
  let sent = 0
  let got = 0
  for (let i = 0; i < 10_000; i++) {
    sent++
    got += net.delaysFor(1, 2).length
  }
  // Expected copies per message: 0.7 × 1.2 = 0.84.
  assert.ok(Math.abs(got / sent - 0.84) < 0.03, `copies per message ${got / sent}`)
})

test('the list machine applies a retried request once and answers it from its cache', () => {
  const m = new ListMachine()
  assert.deepEqual(m.apply(1, { c: 1, s: 1, op: 'append', v: 10 }), { op: 'append', at: 0 })
  assert.equal(m.apply(2, undefined), undefined)
  assert.deepEqual(m.apply(3, { c: 1, s: 1, op: 'append', v: 10 }), { op: 'append', at: 0 })
  assert.deepEqual(m.apply(4, { c: 2, s: 1, op: 'read' }), { op: 'read', list: [10] })
  assert.deepEqual(m.list, [10])
  assert.throws(() => m.apply(6, undefined), /out of order/)
})
