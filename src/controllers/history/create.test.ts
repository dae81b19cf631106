import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from '../../apiserver/index.js'
import { MemoryStore } from '../../storage/memory/memory-store.js'
import { Client } from '../../client/index.js'
import { getResource } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import { createRevision } from './create.js'
import type { ControllerRevision } from './revisions.js'

const STS = getResource('apps', 'statefulsets')
const REVISIONS = getResource('apps', 'controllerrevisions')
let server: ApiServer
let client: Client

before(async () => {
  server = new ApiServer({ store: new MemoryStore() })
  client = new Client({ server: await server.start(0) })
})
after(async () => {
  client.close()
  await server.stop()
})

const revision = (name: string, data: unknown): ControllerRevision =>
  ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name }, data, revision: 1 }) as unknown as ControllerRevision

async function statefulSet(name: string): Promise<KubeObject> {
  return client.create(STS, 'default', {
    metadata: { name },
    spec: { serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  })
}

test('createRevision: a new name is created, an equal existing one is ours, a different one bumps collisionCount and fails', async () => {
  const set = await statefulSet('hist')
  await createRevision(client, STS, set, revision('hist-1', { spec: { a: 1 } }))
  assert.ok(await client.get(REVISIONS, 'default', 'hist-1'))
  await createRevision(client, STS, set, revision('hist-1', { spec: { a: 1 } }))
  await assert.rejects(createRevision(client, STS, set, revision('hist-1', { spec: { a: 2 } })), /hash collision on ControllerRevision hist-1; collisionCount is now 1/)
  assert.equal(((await client.get(STS, 'default', 'hist'))['status'] as { collisionCount?: number }).collisionCount, 1)
})

test('createRevision with refuseStaleCount will not bump a count that moved since the owner was read', async () => {
  const set = await statefulSet('stale')
  await createRevision(client, STS, set, revision('stale-1', { spec: { a: 1 } }))
  const read = await client.get(STS, 'default', 'stale')
  await client.updateStatus(STS, { ...read, status: { ...(read['status'] as object), collisionCount: 3 } })
  await assert.rejects(createRevision(client, STS, set, revision('stale-1', { spec: { a: 2 } }), { refuseStaleCount: true }), /found a stale collision count \(undefined, expected 3\)/)
  assert.equal(((await client.get(STS, 'default', 'stale'))['status'] as { collisionCount?: number }).collisionCount, 3)
})
