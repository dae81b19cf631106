/**
 * The garbage collector against the real API server in-process: background, orphan and
 * foreground deletion over ConfigMaps, ownership rings, and dependents with several owners.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../../api/index.js'
import { CONFIGMAPS, startInProcessCluster } from '../inprocess.test.js'
import type { InProcessCluster } from '../inprocess.test.js'

let c: InProcessCluster
before(async () => { c = await startInProcessCluster({ controllers: ['garbagecollector'] }) })
after(async () => { await c.stop() })

const cm = async (name: string, owners: KubeObject[] = [], block = false): Promise<KubeObject> =>
  c.client.create(CONFIGMAPS, 'default', {
    metadata: { name, ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', ...(block ? { blockOwnerDeletion: true } : {}) })) },
  })
const exists = async (name: string): Promise<KubeObject | undefined> => c.client.get(CONFIGMAPS, 'default', name).catch(() => undefined)

test('a dependent whose only owner is deleted is collected; one with another live owner keeps it', async () => {
  const a = await cm('owner-a')
  const b = await cm('owner-b')
  await cm('child-of-a', [a])
  await cm('child-of-both', [a, b])
  await c.client.delete(CONFIGMAPS, 'default', 'owner-a')
  await c.until('child-of-a collected', async () => !(await exists('child-of-a')))
  const both = await c.until('dangling ref dropped', async () => {
    const o = await exists('child-of-both')
    return o && (o.metadata.ownerReferences ?? []).length === 1 ? o : undefined
  })
  assert.equal(both.metadata.ownerReferences?.[0]?.name, 'owner-b')
})

test('an ownership ring is collected after one member is deleted (GC-006)', async () => {
  const r1 = await cm('ring-1')
  const r2 = await cm('ring-2', [r1])
  const r3 = await cm('ring-3', [r2])
  await c.client.patch(CONFIGMAPS, 'default', 'ring-1', { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ring-3', uid: r3.metadata.uid }] } })
  await c.client.delete(CONFIGMAPS, 'default', 'ring-1')
  await c.until('ring gone', async () => !(await exists('ring-2')) && !(await exists('ring-3')))
})

test('orphan propagation removes the owner ref from dependents, then the owner goes', async () => {
  const o = await cm('orphaner')
  await cm('orphaned', [o])
  await c.client.delete(CONFIGMAPS, 'default', 'orphaner', { propagationPolicy: 'Orphan' })
  await c.until('owner gone', async () => !(await exists('orphaner')))
  const d = await exists('orphaned')
  assert.deepEqual(d?.metadata.ownerReferences ?? [], [])
})

test('foreground propagation keeps the owner until blocking dependents are gone', async () => {
  const o = await cm('fg')
  await cm('fg-child', [o], true)
  await c.client.delete(CONFIGMAPS, 'default', 'fg', { propagationPolicy: 'Foreground' })
  await c.until('both gone', async () => !(await exists('fg')) && !(await exists('fg-child')))
})
