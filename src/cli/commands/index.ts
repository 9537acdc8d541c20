/** Every subcommand except `start`, in the order `petrel --help` lists them. */
import type { CommandSpec } from '../command.js'

export const COMMANDS: readonly CommandSpec[] = []
