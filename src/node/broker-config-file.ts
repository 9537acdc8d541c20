/**
 * The node's dynamic broker configs in one checksummed JSON file (`broker-configs.json` beside
 * the topic metadata), rewritten on every change; a change is in memory at once and resolves once
 * on disk. Moves under the controller's Raft group with the rest of the metadata.
 */
import { type BrokerConfigStore, invalidBrokerConfigs } from '../kafka/broker-configs.js'
import { StateFile } from './atomic-file.js'

const FILE = 'broker-configs.json'

interface FileShape {
  version: 1
  scopes: Record<string, Record<string, string>>
}

function parse(json: string, path: string): Map<string, Readonly<Record<string, string>>> {
  const body = JSON.parse(json) as FileShape
  if (body.version !== 1 || typeof body.scopes !== 'object' || body.scopes === null) {
    throw new Error(`${path}: not a broker config file`)
  }
  const out = new Map<string, Readonly<Record<string, string>>>()
  for (const [scope, configs] of Object.entries(body.scopes)) {
    for (const [k, v] of Object.entries(configs)) {
      if (typeof v !== 'string') throw new Error(`${path}: config ${k} is not a string`)
    }
    // fromEntries defines own properties, so a name like __proto__ stays a plain key.
    const clean: Record<string, string> = Object.fromEntries(Object.entries(configs))
    const why = invalidBrokerConfigs(clean)
    if (why !== null) throw new Error(`${path}: ${why}`)
    out.set(scope, clean)
  }
  return out
}

export class BrokerConfigFile implements BrokerConfigStore {
  private constructor(
    private readonly file: StateFile,
    private readonly scopes: Map<string, Readonly<Record<string, string>>>,
  ) {}

  static async open(dir: string): Promise<BrokerConfigFile> {
    const file = new StateFile(dir, FILE)
    const json = await file.load()
    return new BrokerConfigFile(file, json === null ? new Map() : parse(json, file.path))
  }

  brokerConfigs(scope: string): Readonly<Record<string, string>> {
    return this.scopes.get(scope) ?? {}
  }

  setBrokerConfigs(scope: string, configs: Readonly<Record<string, string>>): Promise<void> {
    if (Object.keys(configs).length === 0) this.scopes.delete(scope)
    else this.scopes.set(scope, { ...configs })
    const body: FileShape = { version: 1, scopes: Object.fromEntries(this.scopes) }
    return this.file.save(body)
  }
}
