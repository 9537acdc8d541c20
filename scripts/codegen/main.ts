/**
 * The codec generator.
 *   node dist/scripts/codegen/main.js <specDir> <outDir>           write the generated modules
 *   node dist/scripts/codegen/main.js --check <specDir> <outDir>   regenerate aside and compare
 * Writes one module per API, index.ts and errors.ts; removes generated files that no spec produces.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BANNER, emitApiModule, emitErrors, emitIndex, groupMessages } from './emit.js'
import { readErrors, readSpecDir } from './spec.js'

/** File name → contents for everything the specs in `specDir` produce. */
export function generate(specDir: string): Map<string, string> {
  const groups = groupMessages(readSpecDir(specDir))
  if (groups.length === 0) throw new Error(`${specDir} holds no request, response or header specs`)
  const files = new Map<string, string>()
  for (const g of groups) files.set(`${g.module}.ts`, emitApiModule(g))
  files.set('index.ts', emitIndex(groups))
  const errors = readErrors(specDir)
  if (errors !== undefined) files.set('errors.ts', emitErrors(errors))
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)))
}

function generatedFilesIn(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((n) => n.endsWith('.ts') && readFileSync(join(dir, n), 'utf8').startsWith(BANNER))
    .sort()
}

function write(files: Map<string, string>, outDir: string): void {
  mkdirSync(outDir, { recursive: true })
  for (const stale of generatedFilesIn(outDir)) if (!files.has(stale)) rmSync(join(outDir, stale))
  for (const [name, text] of files) writeFileSync(join(outDir, name), text)
}

/** Differences between two generated trees, one line each; empty when they match. */
export function compareTrees(expectedDir: string, actualDir: string): string[] {
  const expected = generatedFilesIn(expectedDir)
  const actual = new Set(generatedFilesIn(actualDir))
  const out: string[] = []
  for (const name of expected) {
    if (!actual.has(name)) {
      out.push(`missing  ${name}`)
      continue
    }
    actual.delete(name)
    const a = readFileSync(join(expectedDir, name), 'utf8').split('\n')
    const b = readFileSync(join(actualDir, name), 'utf8').split('\n')
    let first = -1
    let changed = 0
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        changed++
        if (first < 0) first = i
      }
    }
    if (changed > 0) out.push(`changed  ${name}: ${changed} line(s) differ, first at line ${first + 1}`)
  }
  for (const name of [...actual].sort()) out.push(`stale    ${name} (no spec produces it)`)
  return out
}

function main(argv: string[]): number {
  const check = argv[0] === '--check'
  const args = check ? argv.slice(1) : argv
  const [specDir, outDir] = args
  if (specDir === undefined || outDir === undefined || args.length !== 2) {
    console.error('usage: main.js [--check] <specDir> <outDir>')
    return 2
  }
  const files = generate(specDir)
  if (!check) {
    write(files, outDir)
    console.log(`generated ${files.size} files from ${specDir} into ${outDir}`)
    return 0
  }
  const scratch = mkdtempSync(join(tmpdir(), 'petrel-codegen-'))
  try {
    write(files, scratch)
    const diffs = compareTrees(scratch, outDir)
    if (diffs.length === 0) {
      console.log(`generated code in ${outDir} matches ${specDir} (${files.size} files)`)
      return 0
    }
    console.error(
      `generated code in ${outDir} does not match ${specDir}; run \`npm run generate\` and commit:`,
    )
    for (const d of diffs) console.error(`  ${d}`)
    return 1
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  process.exit(main(process.argv.slice(2)))
}
