/**
 * ACL validation and filter matching against Kafka's rules (ResourcePatternFilter and
 * AccessControlEntryFilter), and the broker-resource checks of dynamic broker configs.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  type AclBinding,
  type AclFilter,
  AclOperation as Op,
  AclPermission as Perm,
  aclMatches,
  bindingKey,
  invalidBinding,
  invalidFilter,
  PatternType as Pat,
  ResourceType as Res,
} from '../../../src/kafka/acls.js'
import { brokerScope, invalidBrokerConfigs } from '../../../src/kafka/broker-configs.js'

const base: AclBinding = {
  resourceType: Res.TOPIC,
  resourceName: 'orders',
  patternType: Pat.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: Perm.ALLOW,
}
const any: AclFilter = {
  resourceType: Res.ANY,
  resourceName: null,
  patternType: Pat.ANY,
  principal: null,
  host: null,
  operation: Op.ANY,
  permissionType: Perm.ANY,
}

test('a binding to create is refused for every field Kafka refuses, with its reason', () => {
  assert.equal(invalidBinding(base), null)
  assert.equal(invalidBinding({ ...base, patternType: Pat.PREFIXED }), null)
  assert.equal(invalidBinding({ ...base, resourceType: Res.CLUSTER, resourceName: 'kafka-cluster' }), null)
  const refused: [Partial<AclBinding>, RegExp][] = [
    [{ resourceType: Res.UNKNOWN }, /resource type/],
    [{ resourceType: Res.ANY }, /resource type/],
    [{ resourceType: 99 }, /resource type/],
    [{ patternType: Pat.ANY }, /pattern type/],
    [{ patternType: Pat.MATCH }, /pattern type/],
    [{ patternType: Pat.UNKNOWN }, /pattern type/],
    [{ operation: Op.ANY }, /operation/],
    [{ operation: Op.UNKNOWN }, /operation/],
    [{ operation: 15 }, /operation/],
    [{ permissionType: Perm.ANY }, /permission/],
    [{ permissionType: Perm.UNKNOWN }, /permission/],
    [{ resourceName: '' }, /empty resource name/],
    [{ resourceType: Res.CLUSTER, resourceName: 'other' }, /kafka-cluster/],
    [{ principal: 'alice' }, /principal/],
  ]
  for (const [change, why] of refused) {
    assert.match(invalidBinding({ ...base, ...change }) ?? 'accepted', why, JSON.stringify(change))
  }
})

test('a filter with an UNKNOWN or out-of-range field is refused; ANY and MATCH are fine', () => {
  assert.equal(invalidFilter(any), null)
  assert.equal(invalidFilter({ ...any, patternType: Pat.MATCH }), null)
  for (const change of [
    { resourceType: Res.UNKNOWN },
    { patternType: Pat.UNKNOWN },
    { operation: Op.UNKNOWN },
    { permissionType: Perm.UNKNOWN },
    { permissionType: 7 },
  ]) {
    assert.notEqual(invalidFilter({ ...any, ...change }), null, JSON.stringify(change))
  }
})

test('resource patterns match as Kafka matches them: LITERAL, PREFIXED, MATCH and ANY', () => {
  const literal = base
  const wildcard = { ...base, resourceName: '*' }
  const prefixed = { ...base, resourceName: 'ord', patternType: Pat.PREFIXED }
  const otherPrefix = { ...base, resourceName: 'x', patternType: Pat.PREFIXED }
  const group = { ...base, resourceType: Res.GROUP }
  const all = [literal, wildcard, prefixed, otherPrefix, group]
  const names = (f: Partial<AclFilter>) =>
    all
      .filter((b) => aclMatches({ ...any, ...f }, b))
      .map((b) => `${b.resourceType}:${b.resourceName}:${b.patternType}`)

  assert.equal(names({}).length, 5, 'the all-ANY filter matches everything')
  assert.deepEqual(names({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL }), [
    '2:orders:3',
  ])
  // MATCH: the exact literal, the literal wildcard and every prefix that begins the name.
  assert.deepEqual(names({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.MATCH }), [
    '2:orders:3',
    '2:*:3',
    '2:ord:4',
  ])
  // ANY with a name: equal names only, of every pattern type.
  assert.deepEqual(names({ resourceName: 'orders', patternType: Pat.ANY }), ['2:orders:3', '3:orders:3'])
  // An exact PREFIXED filter compares names literally, it does not prefix-match.
  assert.deepEqual(names({ resourceName: 'ord', patternType: Pat.PREFIXED }), ['2:ord:4'])
  assert.deepEqual(names({ resourceName: 'orders', patternType: Pat.PREFIXED }), [])
  assert.deepEqual(names({ patternType: Pat.PREFIXED }), ['2:ord:4', '2:x:4'])
  assert.deepEqual(names({ resourceType: Res.GROUP }), ['3:orders:3'])
  // MATCH without a name matches every pattern type.
  assert.equal(names({ patternType: Pat.MATCH }).length, 5)
})

test('entry filters: principal and host exact or null, operation and permission exact or ANY', () => {
  const yes = (f: Partial<AclFilter>) => aclMatches({ ...any, ...f }, base)
  assert.ok(yes({ principal: 'User:alice', host: '*' }))
  assert.ok(!yes({ principal: 'User:bob' }))
  assert.ok(!yes({ host: '10.0.0.1' }), 'the host filter is literal: "*" in a binding is not a pattern')
  assert.ok(yes({ operation: Op.READ, permissionType: Perm.ALLOW }))
  assert.ok(!yes({ operation: Op.WRITE }))
  assert.ok(!yes({ operation: Op.ALL }), 'ALL in a filter is a value, not a wildcard')
  assert.ok(!yes({ permissionType: Perm.DENY }))
})

test('equal bindings share a key and different ones do not', () => {
  assert.equal(bindingKey(base), bindingKey({ ...base }))
  assert.notEqual(bindingKey(base), bindingKey({ ...base, host: '10.0.0.1' }))
  assert.notEqual(bindingKey(base), bindingKey({ ...base, patternType: Pat.PREFIXED }))
})

test('a BROKER resource names this node or the cluster default; static settings are refused', () => {
  assert.deepEqual(brokerScope('', 3), { scope: '' })
  assert.deepEqual(brokerScope('3', 3), { scope: '3' })
  assert.match((brokerScope('4', 3) as { invalid: string }).invalid, /expected 3/)
  assert.match((brokerScope('x', 3) as { invalid: string }).invalid, /integer/)
  assert.equal(invalidBrokerConfigs({ 'sasl.kerberos.min.time.before.relogin': '58000' }), null)
  assert.match(invalidBrokerConfigs({ 'broker.id': '7' }) ?? '', /dynamically: broker.id/)
})
