/** Shared set-up for storage tests: a log on the in-memory file system with a driven clock. */
import { type Offset, offset, type Term, term } from '../../src/lib/branded.js'
import type { PartitionLogOptions } from '../../src/storage/options.js'
import { openPartitionLog, type PartitionLog } from '../../src/storage/partition-log.js'
import { MemoryFileSystem } from '../../src/testing/memory-fs.js'

export interface TestLog {
  fs: MemoryFileSystem
  clock: { now: number }
  warnings: string[]
  open(extra?: Partial<PartitionLogOptions>): Promise<PartitionLog>
}

export function memoryLog(base: Partial<PartitionLogOptions> = {}): TestLog {
  const fs = new MemoryFileSystem()
  const clock = { now: 1_700_000_000_000 }
  const warnings: string[] = []
  return {
    fs,
    clock,
    warnings,
    open: (extra = {}) =>
      openPartitionLog({
        fs,
        dir: '/data/topic-0',
        nowMs: () => clock.now,
        logger: { info() {}, warn: (m) => warnings.push(m) },
        ...base,
        ...extra,
      }),
  }
}

export const o = (n: number): Offset => offset(n)
export const t = (n: number): Term => term(n)
