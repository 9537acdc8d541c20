/**
 * Starts each system as a child process on loopback with a fresh data folder, waits until it
 * answers, and stops it by its process id. Nothing here goes through systemd or touches the
 * system's own service folders.
 *
 * - Petrel: `node dist/src/cli/main.js start` (fsync before every ack: the default), with no initial
 *   rebalance delay for new groups.
 * - RabbitMQ: Debian's /usr/lib/rabbitmq/bin/rabbitmq-server in the foreground, with its own
 *   epmd (started here, on its own port), node name, mnesia and log folders, config file and an
 *   empty plugin list. Erlang's scheduler busy-waiting is off so that an idle broker does not
 *   spin on the cores the other systems need.
 * - NATS: nats-server with JetStream file storage; `sync_interval: always` for the like-for-like
 *   row (fsync before the PubAck), nothing set for the default row (2.10: fsync every 2 minutes).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Server {
  /** `host:port` for Kafka and NATS, an amqp:// URL for RabbitMQ. */
  readonly address: string
  readonly pid: number
  readonly dataDir: string
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 90_000

export function freshDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `petrel-bench-${prefix}-`))
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket()
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
    s.connect(port, '127.0.0.1')
  })
}

async function waitForPort(port: number, proc: ChildProcess, what: string, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}; see ${logFile}`)
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${what} did not listen on ${port} within ${START_TIMEOUT_MS} ms; see ${logFile}`)
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
function stopProcess(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
    proc.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    proc.kill('SIGTERM')
  })
}

function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a')
  const proc = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] })
  if (proc.pid === undefined) throw new Error(`could not start ${cmd}`)
  return proc
}

function asServer(proc: ChildProcess, address: string, dataDir: string, stop: () => Promise<void>): Server {
  return { address, pid: proc.pid ?? -1, dataDir, stop }
}

export async function startPetrel(opts: { repo: string; cpuProfileDir?: string }): Promise<Server> {
  const dataDir = freshDir('petrel')
  const port = await freePort()
  const log = join(dataDir, 'node.log')
  const nodeArgs =
    opts.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`]
  const main = join(opts.repo, 'dist', 'src', 'cli', 'main.js')
  // A new group's first rebalance without the 3 s wait for more members: Kafka's shipped
  // server.properties sets the same (group.initial.rebalance.delay.ms=0); each run makes a new group.
  const args = [
    ...nodeArgs,
    main,
    'start',
    '--data-dir',
    join(dataDir, 'data'),
    '--kafka-port',
    String(port),
    '--group-initial-rebalance-delay-ms',
    '0',
  ]
  const proc = spawnLogged(process.execPath, args, process.env, log)
  await waitForPort(port, proc, 'petrel', log)
  return asServer(proc, `127.0.0.1:${port}`, dataDir, async () => {
    await stopProcess(proc, 20_000)
    rmSync(dataDir, { recursive: true, force: true })
  })
}

export async function startRabbitmq(): Promise<Server> {
  const dataDir = freshDir('rabbitmq')
  const [amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()]
  const log = join(dataDir, 'server.log')
  const conf = join(dataDir, 'rabbitmq.conf')
  writeFileSync(
    conf,
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      'disk_free_limit.absolute = 100MB',
      'vm_memory_high_watermark.relative = 0.4',
      '',
    ].join('\n'),
  )
  writeFileSync(join(dataDir, 'enabled_plugins'), '[].\n')
  mkdirSync(join(dataDir, 'log'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dataDir,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_NODENAME: `petrelbench${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dataDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dataDir, 'log'),
    RABBITMQ_CONFIG_FILE: conf,
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dataDir, 'enabled_plugins'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+sbwt none +sbwtdcpu none +sbwtdio none',
  }
  const epmd = spawnLogged(
    'epmd',
    ['-port', String(epmdPort), '-address', '127.0.0.1'],
    env,
    join(dataDir, 'epmd.log'),
  )
  await waitForPort(epmdPort, epmd, 'epmd', join(dataDir, 'epmd.log'))
  const proc = spawnLogged('/usr/lib/rabbitmq/bin/rabbitmq-server', [], env, log)
  try {
    await waitForPort(amqpPort, proc, 'rabbitmq-server', log)
  } catch (e) {
    await stopProcess(proc, 10_000)
    await stopProcess(epmd, 2_000)
    throw e
  }
  return asServer(proc, `amqp://guest:guest@127.0.0.1:${amqpPort}`, dataDir, async () => {
    await stopProcess(proc, 30_000)
    await stopProcess(epmd, 5_000)
    rmSync(dataDir, { recursive: true, force: true })
  })
}

export async function startNats(opts: { binary: string; syncAlways: boolean }): Promise<Server> {
  const dataDir = freshDir('nats')
  const port = await freePort()
  const log = join(dataDir, 'server.log')
  const conf = join(dataDir, 'nats.conf')
  const sync = opts.syncAlways ? ['  sync_interval: always'] : []
  writeFileSync(
    conf,
    [
      `listen: 127.0.0.1:${port}`,
      'jetstream {',
      `  store_dir: "${join(dataDir, 'js')}"`,
      ...sync,
      '}',
      '',
    ].join('\n'),
  )
  const proc = spawnLogged(opts.binary, ['-c', conf], process.env, log)
  await waitForPort(port, proc, 'nats-server', log)
  return asServer(proc, `127.0.0.1:${port}`, dataDir, async () => {
    await stopProcess(proc, 20_000)
    rmSync(dataDir, { recursive: true, force: true })
  })
}
