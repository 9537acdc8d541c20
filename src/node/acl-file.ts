/**
 * The node's ACL bindings in one checksummed JSON file (`acls.json` beside the topic metadata),
 * replaced atomically on every change. Mutations apply in memory at once, in call order, and each
 * resolves once a file holding it is on disk. The cluster issue moves this under the controller's
 * Raft group; handlers see only `AclStore`.
 */
import { limits } from '../config/limits.js'
import { assert } from '../lib/assert.js'
import { type AclBinding, type AclStore, bindingKey, invalidBinding } from '../kafka/acls.js'
import { StateFile } from './atomic-file.js'

const FILE = 'acls.json'

interface FileShape {
  version: 1
  bindings: AclBinding[]
}

function parse(json: string, path: string): AclBinding[] {
  const body = JSON.parse(json) as FileShape
  if (body.version !== 1 || !Array.isArray(body.bindings)) throw new Error(`${path}: not an ACL file`)
  if (body.bindings.length > limits.aclBindingsMax) {
    throw new Error(`${path}: ${body.bindings.length} bindings, more than ${limits.aclBindingsMax}`)
  }
  const seen = new Set<string>()
  const out: AclBinding[] = []
  for (const b of body.bindings) {
    const binding: AclBinding = {
      resourceType: b.resourceType,
      resourceName: b.resourceName,
      patternType: b.patternType,
      principal: b.principal,
      host: b.host,
      operation: b.operation,
      permissionType: b.permissionType,
    }
    const why = invalidBinding(binding)
    if (why !== null || typeof binding.host !== 'string') {
      throw new Error(`${path}: a stored binding is invalid (${why ?? 'host'})`)
    }
    const key = bindingKey(binding)
    if (!seen.has(key)) out.push(binding)
    seen.add(key)
  }
  return out
}

export class AclFile implements AclStore {
  private constructor(
    private readonly file: StateFile,
    private current: readonly AclBinding[],
  ) {}

  static async open(dir: string): Promise<AclFile> {
    const file = new StateFile(dir, FILE)
    const json = await file.load()
    return new AclFile(file, json === null ? [] : parse(json, file.path))
  }

  bindings(): readonly AclBinding[] {
    return this.current
  }

  add(bindings: readonly AclBinding[]): Promise<void> {
    const keys = new Set(this.current.map(bindingKey))
    const next = [...this.current]
    for (const b of bindings) {
      assert(invalidBinding(b) === null, 'only valid bindings are stored')
      const key = bindingKey(b)
      if (keys.has(key)) continue
      keys.add(key)
      next.push(b)
    }
    assert(next.length <= limits.aclBindingsMax, 'the caller checks aclBindingsMax before adding')
    return this.commit(next)
  }

  remove(bindings: readonly AclBinding[]): Promise<void> {
    const gone = new Set(bindings.map(bindingKey))
    return this.commit(this.current.filter((b) => !gone.has(bindingKey(b))))
  }

  private commit(next: readonly AclBinding[]): Promise<void> {
    this.current = next
    const body: FileShape = { version: 1, bindings: [...next] }
    return this.file.save(body)
  }
}
