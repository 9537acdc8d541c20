/** The node's ACL and dynamic broker config files: durable across a reopen, refused when damaged. */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, test } from 'node:test'
import {
  type AclBinding,
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
} from '../../../src/kafka/acls.js'
import { AclFile } from '../../../src/node/acl-file.js'
import { checksummed } from '../../../src/node/atomic-file.js'
import { BrokerConfigFile } from '../../../src/node/broker-config-file.js'
import { removeDir, tempDataDir } from '../../helpers/node-process.js'

const dirs: string[] = []
after(() => {
  for (const d of dirs) removeDir(d)
})
function dir(): string {
  const d = tempDataDir('petrel-acl-store-')
  dirs.push(d)
  return d
}

const read: AclBinding = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.PREFIXED,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: AclPermission.ALLOW,
}
const write: AclBinding = { ...read, patternType: PatternType.LITERAL, operation: AclOperation.WRITE }
const deny: AclBinding = { ...read, principal: 'User:mallory', permissionType: AclPermission.DENY }

test('ACL bindings survive a reopen, adding one twice keeps one, and removal is durable', async () => {
  const d = dir()
  const a = await AclFile.open(d)
  assert.deepEqual(a.bindings(), [])
  // Not awaited one by one: the writes must still land in call order.
  const pending = [a.add([read, write]), a.add([read, deny]), a.remove([write])]
  assert.deepEqual(a.bindings(), [read, deny], 'changes are visible at once')
  await Promise.all(pending)
  const b = await AclFile.open(d)
  assert.deepEqual(b.bindings(), [read, deny])
  await b.remove([read, deny, write])
  assert.deepEqual((await AclFile.open(d)).bindings(), [])
})

test('a damaged or invalid ACL file refuses to open', async () => {
  const d = dir()
  await (await AclFile.open(d)).add([read])
  const path = join(d, 'acls.json')
  const good = readFileSync(path, 'utf8')
  writeFileSync(path, good.replace('User:alice', 'User:alicf'))
  await assert.rejects(() => AclFile.open(d), /checksum mismatch/)
  // A well-formed file holding a binding that could never have been created.
  writeFileSync(path, checksummed(JSON.stringify({ version: 1, bindings: [{ ...read, operation: 1 }] })))
  await assert.rejects(() => AclFile.open(d), /invalid/)
})

test('dynamic broker configs survive a reopen per scope, and an empty set clears a scope', async () => {
  const d = dir()
  const s = await BrokerConfigFile.open(d)
  await s.setBrokerConfigs('0', { 'log.cleaner.threads': '2' })
  await s.setBrokerConfigs('', { 'message.max.bytes': '2000000' })
  const again = await BrokerConfigFile.open(d)
  assert.deepEqual(again.brokerConfigs(''), { 'message.max.bytes': '2000000' })
  assert.equal(again.brokerConfigs('0')['log.cleaner.threads'], '2')
  await again.setBrokerConfigs('0', {})
  assert.deepEqual((await BrokerConfigFile.open(d)).brokerConfigs('0'), {})
  const path = join(d, 'broker-configs.json')
  writeFileSync(path, readFileSync(path, 'utf8').replace('2000000', '3000000'))
  await assert.rejects(() => BrokerConfigFile.open(d), /checksum mismatch/)
})
