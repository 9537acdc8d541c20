/**
 * ACL bindings as Kafka defines them (KIP-140, prefixed patterns from KIP-290): the wire enums,
 * validation of a binding to create and of a filter, and filter matching. Pure: no I/O, no clock.
 * Where bindings are kept is behind `AclStore` (node/acl-file.ts today, the controller's Raft group
 * later). Nothing here enforces ACLs on requests; the security issue does that.
 */

/** Kafka's ResourceType codes. */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const

/** Kafka's PatternType codes. */
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const

/** Kafka's AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const

/** Kafka's AclPermissionType codes. */
export const AclPermission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const

/** The one name a CLUSTER resource can have. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster'
/** A LITERAL resource name that stands for every resource of its type. */
export const WILDCARD_RESOURCE = '*'

export interface AclBinding {
  readonly resourceType: number
  readonly resourceName: string
  /** LITERAL or PREFIXED once stored. */
  readonly patternType: number
  readonly principal: string
  readonly host: string
  readonly operation: number
  readonly permissionType: number
}

/** A filter: null names, principals and hosts match anything; ANY codes match any value. */
export interface AclFilter {
  readonly resourceType: number
  readonly resourceName: string | null
  readonly patternType: number
  readonly principal: string | null
  readonly host: string | null
  readonly operation: number
  readonly permissionType: number
}

/** Where the node keeps its bindings. Each mutation is durable before it resolves. */
export interface AclStore {
  bindings(): readonly AclBinding[]
  /** Adds the bindings not already present (creating an existing binding is a success). */
  add(bindings: readonly AclBinding[]): Promise<void>
  /** Removes these exact bindings (ones already gone are ignored). */
  remove(bindings: readonly AclBinding[]): Promise<void>
}

function isCode(table: Readonly<Record<string, number>>, code: number): boolean {
  return Object.values(table).includes(code)
}

/**
 * Why Kafka would refuse to create this binding (its INVALID_REQUEST message), or null when it
 * is valid. Codes outside the enums count as UNKNOWN, as Kafka decodes them.
 */
export function invalidBinding(b: AclBinding): string | null {
  const rt = b.resourceType
  if (!isCode(ResourceType, rt) || rt === ResourceType.UNKNOWN || rt === ResourceType.ANY) {
    return `invalid resource type ${rt}`
  }
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) {
    return `invalid pattern type ${b.patternType}: a binding is LITERAL or PREFIXED`
  }
  const op = b.operation
  if (!isCode(AclOperation, op) || op === AclOperation.UNKNOWN || op === AclOperation.ANY) {
    return `invalid operation ${op}`
  }
  if (b.permissionType !== AclPermission.ALLOW && b.permissionType !== AclPermission.DENY) {
    return `invalid permission type ${b.permissionType}: a binding is ALLOW or DENY`
  }
  if (b.resourceName === '') return 'invalid empty resource name'
  if (rt === ResourceType.CLUSTER && b.resourceName !== CLUSTER_RESOURCE_NAME) {
    return `the only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`
  }
  if (!b.principal.includes(':')) {
    return `could not parse principal '${b.principal}': no colon separates its type from its name`
  }
  return null
}

/** Why a filter is refused (a field is UNKNOWN or out of its enum), or null when it is usable. */
export function invalidFilter(f: AclFilter): string | null {
  if (!isCode(ResourceType, f.resourceType) || f.resourceType === ResourceType.UNKNOWN) {
    return `invalid resource type filter ${f.resourceType}`
  }
  if (!isCode(PatternType, f.patternType) || f.patternType === PatternType.UNKNOWN) {
    return `invalid pattern type filter ${f.patternType}`
  }
  if (!isCode(AclOperation, f.operation) || f.operation === AclOperation.UNKNOWN) {
    return `invalid operation filter ${f.operation}`
  }
  if (!isCode(AclPermission, f.permissionType) || f.permissionType === AclPermission.UNKNOWN) {
    return `invalid permission type filter ${f.permissionType}`
  }
  return null
}

/**
 * Kafka's ResourcePatternFilter.matches: ANY and MATCH accept every pattern type; a name under
 * MATCH also matches the LITERAL wildcard and every PREFIXED pattern that begins it; under ANY or
 * an exact pattern type the name must be equal.
 */
function resourceMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false
  const anyPattern = f.patternType === PatternType.ANY || f.patternType === PatternType.MATCH
  if (!anyPattern && f.patternType !== b.patternType) return false
  if (f.resourceName === null) return true
  if (f.patternType !== PatternType.MATCH) return f.resourceName === b.resourceName
  if (b.patternType === PatternType.LITERAL) {
    return f.resourceName === b.resourceName || b.resourceName === WILDCARD_RESOURCE
  }
  return f.resourceName.startsWith(b.resourceName)
}

/** Kafka's AccessControlEntryFilter.matches. */
function entryMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.principal !== null && f.principal !== b.principal) return false
  if (f.host !== null && f.host !== b.host) return false
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false
  return f.permissionType === AclPermission.ANY || f.permissionType === b.permissionType
}

export function aclMatches(f: AclFilter, b: AclBinding): boolean {
  return resourceMatches(f, b) && entryMatches(f, b)
}

/** A key equal for equal bindings, for sets and for grouping by resource. */
export function bindingKey(b: AclBinding): string {
  return JSON.stringify([
    b.resourceType,
    b.resourceName,
    b.patternType,
    b.principal,
    b.host,
    b.operation,
    b.permissionType,
  ])
}
