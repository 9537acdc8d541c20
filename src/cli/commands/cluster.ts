/** `petrel cluster status`. */
import { type CommandSpec, withCluster } from '../command.js'
import { printJson, table } from '../output.js'

const status: CommandSpec = {
  path: ['cluster', 'status'],
  summary: 'show the cluster id, controller, brokers and topic counts',
  positionals: { min: 0, max: 0 },
  connects: true,
  options: {},
  async run(ctx) {
    const s = await withCluster(ctx, (api) => api.clusterStatus())
    if (ctx.json) {
      printJson(ctx.io, s)
      return 0
    }
    ctx.io.out(`cluster ${s.clusterId ?? '(no id)'}, controller ${s.controllerId}\n`)
    ctx.io.out(`${s.brokers.length} broker(s), ${s.topics} topic(s), ${s.partitions} partition(s)\n\n`)
    const rows = [...s.brokers]
      .sort((a, b) => a.nodeId - b.nodeId)
      .map((b) => [b.nodeId, `${b.host}:${b.port}`, b.nodeId === s.controllerId ? 'controller' : ''])
    ctx.io.out(table(['NODE', 'ADDRESS', 'ROLE'], rows))
    return 0
  },
}

export const CLUSTER_COMMANDS: readonly CommandSpec[] = [status]
