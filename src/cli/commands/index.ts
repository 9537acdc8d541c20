/** Every subcommand except `start`, in the order `petrel --help` lists them. */
import type { CommandSpec } from '../command.js'
import { CLUSTER_COMMANDS } from './cluster.js'
import { CONSUME_COMMANDS } from './consume.js'
import { GROUP_COMMANDS } from './group.js'
import { PRODUCE_COMMANDS } from './produce.js'
import { TOPIC_COMMANDS } from './topic.js'

export const COMMANDS: readonly CommandSpec[] = [
  ...TOPIC_COMMANDS,
  ...PRODUCE_COMMANDS,
  ...CONSUME_COMMANDS,
  ...GROUP_COMMANDS,
  ...CLUSTER_COMMANDS,
]
