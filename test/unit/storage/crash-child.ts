/**
 * The child of crash.test.ts: appends batches to a real directory with fsync=always, several at a
 * time, and prints "seq baseOffset" for each batch as soon as its promise resolves. The parent
 * kills it with SIGKILL at a random moment. Usage: node crash-child.js DIR RUN_ID
 */
import { term } from '../../../src/lib/branded.js'
import { NodeFileSystem } from '../../../src/io/impl/node-fs.js'
import { openPartitionLog } from '../../../src/storage/partition-log.js'
import { crashBatch } from './crash-batches.js'

const [dir, runText] = process.argv.slice(2)
if (dir === undefined || runText === undefined) throw new Error('usage: crash-child.js DIR RUN_ID')
const run = Number(runText)

const log = await openPartitionLog({
  fs: new NodeFileSystem(),
  dir,
  nowMs: () => Date.now(),
  segmentBytes: 64 * 1024,
})
process.stdout.write('ready\n')
let seq = 0
for (;;) {
  const inFlight: Promise<void>[] = []
  const width = 1 + (seq % 8)
  for (let i = 0; i < width; i++) {
    const mine = seq++
    inFlight.push(
      log.append(crashBatch(run, mine), term(run)).then((r) => {
        // Writes to a pipe are synchronous on Linux: once written, the parent has the line.
        process.stdout.write(`${mine} ${r.baseOffset}\n`)
      }),
    )
  }
  await Promise.all(inFlight)
}
