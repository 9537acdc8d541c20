/**
 * The rows of the comparison: which server to start and which driver talks to it. Every row acks
 * only after fsync except `nats-default`, which is there to show what NATS's default costs and
 * risks (named as such in every table).
 */
import type { Driver } from './drivers/types.js'
import { NatsDriver } from './drivers/nats.js'
import { PetrelClientDriver } from './drivers/petrel-client.js'
import { PetrelKafkajsDriver } from './drivers/petrel-kafkajs.js'
import { RabbitmqDriver } from './drivers/rabbitmq.js'
import { type Server, startNats, startPetrel, startRabbitmq } from './servers.js'

export interface SystemSpec {
  readonly name: string
  readonly durability: string
  start(): Promise<Server>
  driver(server: Server): Driver
}

export interface SystemOptions {
  repo: string
  natsBinary: string
  /** Set for one Petrel start to write a CPU profile of the node there. */
  cpuProfileDir?: string
}

export const SYSTEM_NAMES = [
  'petrel-client',
  'petrel-kafkajs',
  'rabbitmq-quorum',
  'rabbitmq-classic',
  'nats-sync-always',
  'nats-default',
] as const

export type SystemName = (typeof SYSTEM_NAMES)[number]

export function systemSpec(name: SystemName, o: SystemOptions): SystemSpec {
  const petrelStart = () =>
    startPetrel(
      o.cpuProfileDir === undefined ? { repo: o.repo } : { repo: o.repo, cpuProfileDir: o.cpuProfileDir },
    )
  switch (name) {
    case 'petrel-client':
      return {
        name,
        durability: 'acks=-1 (idempotent), node fsync before ack (default)',
        start: petrelStart,
        driver: (s) => new PetrelClientDriver(s.address),
      }
    case 'petrel-kafkajs':
      return {
        name,
        durability: 'acks=-1, node fsync before ack (default)',
        start: petrelStart,
        driver: (s) => new PetrelKafkajsDriver(s.address),
      }
    case 'rabbitmq-quorum':
    case 'rabbitmq-classic': {
      const kind = name === 'rabbitmq-quorum' ? 'quorum' : 'classic'
      return {
        name,
        durability: `${kind} durable queue, persistent messages, publisher confirms (fsync before confirm)`,
        start: () => startRabbitmq(),
        driver: (s) => new RabbitmqDriver(s.address, kind),
      }
    }
    case 'nats-sync-always':
    case 'nats-default': {
      const syncAlways = name === 'nats-sync-always'
      return {
        name,
        durability: syncAlways
          ? 'JetStream file storage, sync_interval: always (fsync before PubAck)'
          : 'JetStream file storage, default sync_interval (fsync every 2 min: acked before fsync)',
        start: () => startNats({ binary: o.natsBinary, syncAlways }),
        driver: (s) => new NatsDriver(name, s.address),
      }
    }
  }
}
