/**
 * Interaction scripts (etcd's datadriven style): each block in testdata/*.txt is a command, a
 * line of `----`, and the exact output it produces; blocks are separated by blank lines and `#`
 * lines are comments. REWRITE=1 rewrites the expected outputs from what the code prints now.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { repoRoot } from '../../helpers/repo.js'
import { runCommand } from './interaction/commands.js'
import { InteractionEnv } from './interaction/env.js'

const dir = join(repoRoot(), 'test', 'unit', 'raft', 'testdata')
const rewrite = process.env.REWRITE === '1'

interface Block {
  comments: string[]
  command: string
  expected: string
}

function parse(textIn: string, file: string): Block[] {
  const blocks: Block[] = []
  const lines = textIn.split('\n')
  let i = 0
  let comments: string[] = []
  while (i < lines.length) {
    const line = lines[i] ?? ''
    if (line.trim() === '') {
      if (comments.length > 0) comments.push('')
      i++
      continue
    }
    if (line.startsWith('#')) {
      comments.push(line)
      i++
      continue
    }
    const sep = lines[i + 1]
    assert.equal(sep, '----', `${file}:${i + 2}: expected ---- after the command`)
    const out: string[] = []
    i += 2
    while (i < lines.length && (lines[i] ?? '') !== '') out.push(lines[i++] ?? '')
    while (comments[comments.length - 1] === '') comments.pop()
    blocks.push({ comments, command: line, expected: out.join('\n') })
    comments = []
  }
  return blocks
}

function render(blocks: readonly Block[]): string {
  return `${blocks.map((b) => [...b.comments, b.command, '----', b.expected].join('\n')).join('\n\n')}\n`
}

for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort()) {
  test(`raft interaction: ${name}`, () => {
    const path = join(dir, name)
    const blocks = parse(readFileSync(path, 'utf8'), name)
    const env = new InteractionEnv()
    const actual: Block[] = []
    for (const b of blocks) {
      runCommand(env, b.command)
      const out = env.takeOutput()
      actual.push({ ...b, expected: out === '' ? 'ok' : out })
    }
    if (rewrite) {
      writeFileSync(path, render(actual))
      return
    }
    for (const [i, b] of blocks.entries()) {
      assert.equal(actual[i]?.expected, b.expected, `${name}: output of \`${b.command}\``)
    }
  })
}
