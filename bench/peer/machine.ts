/** A description of the machine and the software versions, stored beside every run's figures. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGiB: number
  kernel: string
  disk: string
  loadAvgAtStart: number[]
  versions: Record<string, string>
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'unknown'
  }
}

function pkgVersion(repo: string, name: string): string {
  try {
    const j = JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string
    }
    return j.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** dpkg-query's format field, built so that it does not read as a template placeholder. */
const DPKG_VERSION = `-f=$${'{'}Version}`

export function describeMachine(repo: string, natsBinary: string, dataDir: string): Machine {
  const fs = sh('df', ['-hT', dataDir]).split('\n')[1] ?? ''
  const blk = sh('lsblk', ['-d', '-n', '-o', 'NAME,SIZE,ROTA,MODEL']).replace(/\s+/g, ' ')
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: sh('uname', ['-srm']),
    disk: `${fs.replace(/\s+/g, ' ')} | ${blk} (ROTA 0 = solid state)`,
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    versions: {
      node: process.version,
      petrel: sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']),
      kafkajs: pkgVersion(repo, 'kafkajs'),
      amqplib: pkgVersion(repo, 'amqplib'),
      nats: pkgVersion(repo, 'nats'),
      'rabbitmq-server': sh('dpkg-query', ['-W', DPKG_VERSION, 'rabbitmq-server']),
      erlang: sh('dpkg-query', ['-W', DPKG_VERSION, 'erlang-base']),
      'nats-server': sh(natsBinary, ['--version']),
    },
  }
}
