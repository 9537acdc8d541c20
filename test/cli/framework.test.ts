import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runCli } from '../../src/cli/cli.js'
import {
  type CommandSpec,
  helpText,
  optInt,
  optList,
  parseBootstrap,
  parseCommandArgs,
} from '../../src/cli/command.js'
import { CliError, oneLine } from '../../src/cli/errors.js'
import { Progress, rateLine, renderBar, summarize } from '../../src/cli/progress.js'
import { lineGroups } from '../../src/cli/lines.js'
import { table } from '../../src/cli/output.js'
import { captureIo } from './capture.js'

const echo: CommandSpec = {
  path: ['demo', 'echo'],
  summary: 'print the arguments back',
  args: '<word>',
  positionals: { min: 1, max: 1 },
  connects: true,
  options: {
    count: { type: 'string', value: 'N', description: 'times' },
    header: { type: 'string', value: 'K=V', description: 'a header', multiple: true },
  },
  async run(ctx) {
    const n = optInt(ctx.values, 'count', { min: 1, max: 3 }) ?? 1
    if (ctx.positionals[0] === 'fail') throw new CliError('it failed\nbadly')
    if (ctx.positionals[0] === 'crash') throw new TypeError('boom')
    const out = {
      word: ctx.positionals[0],
      n,
      headers: optList(ctx.values, 'header'),
      bootstrap: ctx.bootstrap,
    }
    ctx.io.out(ctx.json ? `${JSON.stringify(out)}\n` : `${ctx.positionals[0]}\n`)
    return 0
  },
}
const options = {
  commands: [echo],
  version: '9.9.9',
  connect: () => {
    throw new Error('the demo command does not connect')
  },
}

test('dispatch: a command runs with its typed flags and the default bootstrap', async () => {
  const io = captureIo()
  const code = await runCli(
    ['demo', 'echo', 'hi', '--json', '--header', 'a=1', '--header', 'b=2'],
    io,
    options,
  )
  assert.equal(code, 0)
  assert.deepEqual(JSON.parse(io.stdout), {
    word: 'hi',
    n: 1,
    headers: ['a=1', 'b=2'],
    bootstrap: ['127.0.0.1:9092'],
  })
})

test('--help on the root, a group and a command exits 0 and lists every flag', async () => {
  for (const argv of [['--help'], ['demo', '--help'], ['demo', 'echo', '--help']]) {
    const io = captureIo()
    assert.equal(await runCli(argv, io, options), 0, argv.join(' '))
    assert.match(io.stdout, /usage: petrel/)
  }
  const text = helpText(echo)
  for (const flag of ['--count N', '--header K=V', '--bootstrap', '--json', '--help'])
    assert.ok(text.includes(flag))
  assert.match(text, /\(repeatable\)/)
})

test('failures are one line on stderr with a non-zero exit', async () => {
  const cases: [string[], number, RegExp][] = [
    [['nope'], 2, /^petrel: unknown command 'nope'/],
    [['demo', 'nope'], 2, /unknown subcommand 'nope'/],
    [['demo', 'echo'], 2, /^petrel demo echo: expected <word>, got none$/],
    [['demo', 'echo', 'a', 'b'], 2, /expected <word>, got 'a b'/],
    [['demo', 'echo', 'a', '--bogus'], 2, /^petrel demo echo: Unknown option '--bogus'$/],
    [['demo', 'echo', 'a', '--count', '7'], 2, /--count must be between 1 and 3, got 7/],
    [['demo', 'echo', 'a', '--count', 'x'], 2, /--count must be an integer/],
    [['demo', 'echo', 'a', '--bootstrap', 'localhost'], 2, /expected host:port, got 'localhost'/],
    [['demo', 'echo', 'a', '--bootstrap', 'h:70000'], 2, /expected host:port/],
    [['demo', 'echo', 'fail'], 1, /^petrel demo echo: it failed; badly$/],
    [['demo', 'echo', 'crash'], 1, /^petrel demo echo: boom$/],
  ]
  for (const [argv, code, reason] of cases) {
    const io = captureIo()
    assert.equal(await runCli(argv, io, options), code, argv.join(' '))
    assert.equal(io.stdout, '')
    assert.match(io.stderr.trimEnd(), reason)
    assert.equal(io.stderr.trimEnd().split('\n').length, 1, `one line: ${io.stderr}`)
  }
})

test('bootstrap lists, IPv6 literals and the version', async () => {
  assert.deepEqual(parseBootstrap('a:1, b:2'), ['a:1', 'b:2'])
  assert.deepEqual(parseBootstrap('[::1]:9092'), ['[::1]:9092'])
  const io = captureIo()
  assert.equal(await runCli(['--version'], io, options), 0)
  assert.equal(io.stdout, 'petrel 9.9.9\n')
  assert.deepEqual(parseCommandArgs(echo, ['--help', 'x', 'y']), { kind: 'help' })
  assert.equal(oneLine(new Error('')), 'Error')
})

test('progress: a bar only on a terminal, redraws throttled, then a rate line', () => {
  const tty = captureIo({ tty: true, columns: 60 })
  const p = new Progress(tty, 100)
  for (let i = 0; i < 100; i++) {
    tty.clockMs += 10
    p.add(1, 1024)
  }
  const s = p.finish()
  const frames = tty.stderr.split('\r').filter((f) => f.startsWith('['))
  assert.ok(frames.length >= 9 && frames.length <= 12, `throttled to ~10 frames, got ${frames.length}`)
  assert.match(frames.at(-1) ?? '', /\[#+\] 100% 100\/100/)
  assert.ok(tty.stderr.endsWith('\r\x1b[K'), 'bar erased before the rate line')
  assert.deepEqual(s, summarize(100, 102400, 1000))
  assert.equal(rateLine('produced', s), 'produced 100 messages (100.0 KiB) in 1.00 s: 100 msg/s, 0.10 MiB/s')

  const file = captureIo({ tty: false })
  const q = new Progress(file, 10)
  q.add(10, 10)
  q.finish()
  assert.equal(file.stderr, '', 'nothing drawn when stderr is not a terminal')
  assert.equal(renderBar(5, undefined, 80), '5 messages')
  assert.ok(renderBar(5, 10, 20).length <= 30)
  assert.equal(summarize(1, 1, 0).seconds, 0.001, 'a zero interval counts as one millisecond')
})

test('tables align columns and show missing cells as -', () => {
  assert.equal(
    table(
      ['A', 'BB'],
      [
        ['xxx', 1],
        [undefined, 22],
      ],
    ),
    'A    BB\nxxx  1\n-    22\n',
  )
})

test('lines: split across chunks, CRLF trimmed, last line without newline kept, long line refused', async () => {
  async function* chunks(parts: string[]): AsyncGenerator<Buffer> {
    for (const p of parts) yield Buffer.from(p)
  }
  const groups: string[][] = []
  for await (const g of lineGroups(chunks(['a\r\nb', 'c\n\nd', 'e']))) groups.push(g.map(String))
  assert.deepEqual(groups, [['a'], ['bc', ''], ['de']])
  await assert.rejects(async () => {
    for await (const _ of lineGroups(chunks(['12345', '6\n']), 5)) {
      // drain
    }
  }, /line 1 is longer than 5 bytes/)
})
