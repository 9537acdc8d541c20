/**
 * DESIGN.md §4: a folder imports only folders above it in the layout list, the cores take io's
 * interfaces and never its implementations (src/io/impl), nothing imports testing/, and the pure
 * cores depend on no package at all. This test reads every source file and checks each import.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { test } from 'node:test'
import { repoRoot } from '../../helpers/repo.js'

type Area =
  | 'index'
  | 'lib'
  | 'config'
  | 'io'
  | 'io/impl'
  | 'protocol'
  | 'storage'
  | 'raft'
  | 'cluster'
  | 'groups'
  | 'kafka'
  | 'amqp'
  | 'http'
  | 'node'
  | 'client'
  | 'cli'
  | 'testing'

const FRONT_DOOR: readonly Area[] = [
  'lib',
  'config',
  'io',
  'protocol',
  'storage',
  'raft',
  'cluster',
  'groups',
]

/** Which areas each area may import (itself always allowed). */
const ALLOWED: Record<Area, readonly Area[]> = {
  lib: [],
  config: ['lib'],
  io: ['lib', 'config'],
  'io/impl': ['lib', 'config', 'io'],
  protocol: ['lib', 'config'],
  storage: ['lib', 'config', 'io', 'protocol'],
  raft: ['lib', 'config'],
  cluster: ['lib', 'config', 'protocol', 'raft'],
  groups: ['lib', 'config', 'protocol'],
  kafka: FRONT_DOOR,
  amqp: FRONT_DOOR,
  http: [...FRONT_DOOR, 'kafka'],
  node: [...FRONT_DOOR, 'io/impl', 'kafka', 'amqp', 'http'],
  client: ['lib', 'config', 'protocol'],
  cli: ['lib', 'config', 'io', 'io/impl', 'protocol', 'client', 'node'],
  testing: [
    'lib',
    'config',
    'io',
    'protocol',
    'storage',
    'raft',
    'cluster',
    'groups',
    'kafka',
    'node',
    'client',
  ],
  index: ['lib', 'config', 'protocol', 'client', 'node'],
}

/** npm packages each area may import; node: built-ins are listed separately. */
const PACKAGES: Partial<Record<Area, readonly string[]>> = {
  lib: ['@node-rs/crc32'],
  config: [],
  raft: [],
  cluster: [],
  groups: [],
}
const PURE: ReadonlySet<Area> = new Set(['raft', 'cluster', 'groups'])
const COMPRESSION_PACKAGES = ['snappy', 'lz4-napi', 'zstd-napi', '@node-rs/crc32']

function areaOf(srcRelative: string): Area {
  const parts = srcRelative.split(sep)
  if (parts.length === 1) return 'index'
  const top = parts[0] as string
  if (top === 'io' && parts[1] === 'impl') return 'io/impl'
  if (top in ALLOWED) return top as Area
  throw new Error(`src/${srcRelative} is outside the layout of DESIGN.md §4`)
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  const stack = [dir]
  while (stack.length > 0) {
    const d = stack.pop() as string
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) stack.push(p)
      else if (name.endsWith('.ts')) out.push(p)
    }
  }
  return out
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

export function importsOf(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3]
    if (spec !== undefined) found.push(spec)
  }
  return found
}

test('imports flow only the way DESIGN.md §4 allows', () => {
  const root = repoRoot()
  const src = join(root, 'src')
  const files = sourceFiles(src)
  assert.ok(files.length > 0, 'found source files')
  const violations: string[] = []
  for (const file of files) {
    const from = areaOf(relative(src, file))
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const where = `src/${relative(src, file)} imports '${spec}'`
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec)
        const rel = relative(src, target)
        if (rel.startsWith('..')) {
          violations.push(`${where}: outside src/`)
          continue
        }
        const to = areaOf(rel)
        if (to === 'testing' && from !== 'testing') violations.push(`${where}: nothing imports testing/`)
        else if (to !== from && !ALLOWED[from].includes(to))
          violations.push(`${where}: ${from} may not import ${to}`)
      } else if (spec.startsWith('node:')) {
        if (PURE.has(from)) violations.push(`${where}: ${from} is a pure core and uses no Node built-ins`)
      } else {
        const allowed = PACKAGES[from]
        const pkg = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] as string)
        if (allowed !== undefined && !allowed.includes(pkg))
          violations.push(`${where}: ${from} may not depend on ${pkg}`)
        if ((from === 'protocol' || from === 'storage') && !COMPRESSION_PACKAGES.includes(pkg)) {
          violations.push(`${where}: ${from} may depend only on single-purpose packages (CRC-32C, codecs)`)
        }
      }
    }
  }
  assert.deepEqual(violations, [])
})

test('the import scanner sees every form of import', () => {
  const text = [
    "import { a } from '../raft/x.js'",
    "import type { B } from './y.js'",
    "export { c } from '../lib/z.js'",
    "import 'node:fs'",
    "const m = await import('../testing/sim.js')",
  ].join('\n')
  assert.deepEqual(importsOf(text), ['../raft/x.js', './y.js', '../lib/z.js', 'node:fs', '../testing/sim.js'])
})

test('areas map from paths as the layout says', () => {
  assert.equal(areaOf(join('io', 'impl', 'fs.ts')), 'io/impl')
  assert.equal(areaOf(join('io', 'fs.ts')), 'io')
  assert.equal(areaOf('index.ts'), 'index')
  assert.throws(() => areaOf(join('nowhere', 'x.ts')))
})
