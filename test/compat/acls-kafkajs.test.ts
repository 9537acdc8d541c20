/**
 * kafkajs 2.2.4's admin against a real node process: createAcls, describeAcls with a MATCH
 * filter, a restart of the node (SIGTERM, same data folder), then deleteAcls. ACLs are stored and
 * served only; nothing enforces them yet.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import kafkajs from 'kafkajs'
import { type NodeProcess, removeDir, startNodeProcess, tempDataDir } from '../helpers/node-process.js'

// kafkajs is CommonJS: its enums are properties of the default export, not named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } =
  kafkajs

const dataDir = tempDataDir('petrel-compat-acls-')
let node: NodeProcess | undefined

after(async () => {
  if (node !== undefined) await node.stop()
  removeDir(dataDir)
})

function adminOf(n: NodeProcess) {
  return new Kafka({ brokers: [n.broker], clientId: 'compat-acls', logLevel: logLevel.NOTHING }).admin()
}

const acl = {
  resourceType: AclResourceTypes.TOPIC,
  principal: 'User:alice',
  host: '*',
  permissionType: AclPermissionTypes.ALLOW,
}

const matchOrdersEu = {
  resourceType: AclResourceTypes.TOPIC,
  resourceName: 'orders-eu',
  resourcePatternType: ResourcePatternTypes.MATCH,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
}

test('kafkajs creates, describes and deletes ACLs, and they survive a node restart', {
  timeout: 60_000,
}, async () => {
  node = await startNodeProcess({ dataDir })
  let admin = adminOf(node)
  await admin.connect()
  await admin.createAcls({
    acl: [
      {
        ...acl,
        resourceName: 'orders',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        operation: AclOperationTypes.READ,
      },
      {
        ...acl,
        resourceName: 'orders-eu',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        operation: AclOperationTypes.WRITE,
      },
      {
        ...acl,
        resourceName: 'payments',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        operation: AclOperationTypes.READ,
      },
    ],
  })
  const described = await admin.describeAcls(matchOrdersEu)
  assert.deepEqual(
    described.resources.map((r) => [r.resourceName, r.resourcePatternType, r.acls.map((a) => a.operation)]),
    [
      ['orders', ResourcePatternTypes.PREFIXED, [AclOperationTypes.READ]],
      ['orders-eu', ResourcePatternTypes.LITERAL, [AclOperationTypes.WRITE]],
    ],
  )
  await admin.disconnect()

  assert.equal(await node.stop(), 0, 'clean shutdown')
  node = await startNodeProcess({ dataDir })
  admin = adminOf(node)
  await admin.connect()
  assert.equal((await admin.describeAcls(matchOrdersEu)).resources.length, 2, 'kept across the restart')
  const deleted = await admin.deleteAcls({
    filters: [
      { ...matchOrdersEu, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.PREFIXED },
    ],
  })
  assert.deepEqual(
    deleted.filterResponses.map((f) => f.matchingAcls.map((m) => m.resourceName)),
    [['orders']],
  )
  const left = await admin.describeAcls({
    resourceType: AclResourceTypes.TOPIC,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  })
  assert.deepEqual(left.resources.map((r) => r.resourceName).sort(), ['orders-eu', 'payments'])
  await admin.disconnect()
})
