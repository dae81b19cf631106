/**
 * The namespace controller against the real API server in-process: deleting a namespace
 * deletes its content (pods terminate through the fake kubelet), then the namespace.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { CONFIGMAPS, NAMESPACES, PODS, STATEFULSETS, startInProcessCluster } from '../inprocess.test.js'
import type { InProcessCluster } from '../inprocess.test.js'

let c: InProcessCluster
before(async () => { c = await startInProcessCluster() })
after(async () => { await c.stop() })

test('deleting a namespace removes everything in it, then the namespace', async () => {
  await c.client.create(NAMESPACES, undefined, { metadata: { name: 'doomed' } })
  await c.client.create(CONFIGMAPS, 'doomed', { metadata: { name: 'cfg' }, data: { a: '1' } })
  await c.client.create(STATEFULSETS, 'doomed', {
    metadata: { name: 'db' },
    spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  })
  await c.until('2 pods', async () => (await c.client.list(PODS, 'doomed')).items.length === 2)
  await c.client.delete(NAMESPACES, undefined, 'doomed')
  const ns = await c.client.get(NAMESPACES, undefined, 'doomed').catch(() => undefined)
  if (ns) assert.equal((ns['status'] as { phase?: string }).phase, 'Terminating')
  await c.until('namespace gone', async () => !(await c.client.get(NAMESPACES, undefined, 'doomed').catch(() => undefined)), 20_000)
  assert.equal((await c.client.list(PODS, 'doomed')).items.length, 0)
  assert.equal((await c.client.list(CONFIGMAPS, 'doomed')).items.length, 0)
})
