/**
 * The StatefulSet controller against the real API server in-process (memory store), with the
 * fake kubelet of inprocess.test.ts running pods.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../../api/index.js'
import { CLAIMS, EVENTS, PODS, REVISIONS, STATEFULSETS, startInProcessCluster } from '../inprocess.test.js'
import type { InProcessCluster } from '../inprocess.test.js'

let c: InProcessCluster
before(async () => { c = await startInProcessCluster() })
after(async () => { await c.stop() })

function set(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    metadata: { name },
    spec: {
      replicas, serviceName: 'nginx', selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  }
}

const phase = (p: KubeObject): string => (p['status'] as { phase?: string } | undefined)?.phase ?? ''
const podsOf = async (app: string): Promise<KubeObject[]> => (await c.client.list(PODS, 'default', { labelSelector: `app=${app}` })).items
const status = async (name: string): Promise<Record<string, unknown>> => ((await c.client.get(STATEFULSETS, 'default', name))['status'] ?? {}) as Record<string, unknown>

test('StatefulSetController creates pods in order, each after its predecessor is Ready, with claims and events', async () => {
  c.kubelet.hold.add('web-0')
  await c.client.create(STATEFULSETS, 'default', set('web', 2))
  await c.until('web-0 created', async () => (await podsOf('web')).length === 1)
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual((await podsOf('web')).map((p) => p.metadata.name), ['web-0'], 'web-1 waits while web-0 is Pending')
  await c.kubelet.release('default', 'web-0')
  await c.until('two pods Running', async () => (await podsOf('web')).filter((p) => phase(p) === 'Running').length === 2)
  const claims = (await c.client.list(CLAIMS, 'default')).items.map((x) => x.metadata.name).sort()
  assert.deepEqual(claims, ['www-web-0', 'www-web-1'])
  const web1 = await c.client.get(PODS, 'default', 'web-1')
  assert.equal((web1['spec'] as { hostname?: string }).hostname, 'web-1')
  assert.equal((web1['spec'] as { subdomain?: string }).subdomain, 'nginx')
  const st = await c.until('status settled', async () => { const s = await status('web'); return s['readyReplicas'] === 2 ? s : undefined })
  assert.equal(st['currentRevision'], st['updateRevision'])
  assert.equal(st['replicas'], 2)
  const revs = (await c.client.list(REVISIONS, 'default', { labelSelector: 'app=web' })).items
  assert.equal(revs.length, 1)
  assert.equal(revs[0]!.metadata.name, st['updateRevision'])
  await c.manager.flushEvents()
  const messages = (await c.client.list(EVENTS, 'default')).items.map((e) => String(e['message']))
  assert.ok(messages.includes('create Claim www-web-0 Pod web-0 in StatefulSet web success'), messages.join('\n'))
  assert.ok(messages.includes('create Pod web-0 in StatefulSet web successful'))
  assert.ok(messages.includes('create Pod web-1 in StatefulSet web successful'))
})

test('StatefulSetController recreates deleted pods with the same names and claims', async () => {
  const before0 = await c.client.get(PODS, 'default', 'web-0')
  await c.client.delete(PODS, 'default', 'web-0')
  await c.until('web-0 recreated', async () => {
    const p = await c.client.get(PODS, 'default', 'web-0').catch(() => undefined)
    return p && p.metadata.uid !== before0.metadata.uid && phase(p) === 'Running'
  })
  const vols = ((await c.client.get(PODS, 'default', 'web-0'))['spec'] as { volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }> }).volumes
  assert.equal(vols?.[0]?.persistentVolumeClaim?.claimName, 'www-web-0')
})

test('StatefulSetController rolls a 5-replica set with partition 3: only ordinals 4 and 3', async () => {
  await c.client.create(STATEFULSETS, 'default', set('part', 5, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } }))
  await c.until('5 pods Running', async () => (await podsOf('part')).filter((p) => phase(p) === 'Running').length === 5, 20_000)
  await c.until('settled', async () => (await status('part'))['readyReplicas'] === 5)
  await c.client.patch(STATEFULSETS, 'default', 'part', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } })
  await c.until('2 updated', async () => (await status('part'))['updatedReplicas'] === 2 && (await status('part'))['readyReplicas'] === 5, 20_000)
  await new Promise((r) => setTimeout(r, 300))
  const images = Object.fromEntries((await podsOf('part')).map((p) => [p.metadata.name, (p['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image]))
  assert.deepEqual(images, { 'part-0': 'nginx:1', 'part-1': 'nginx:1', 'part-2': 'nginx:1', 'part-3': 'nginx:2', 'part-4': 'nginx:2' })
})

test('StatefulSetController scales down in reverse order and keeps the claims', async () => {
  await c.client.patch(STATEFULSETS, 'default', 'part', { spec: { replicas: 2 } })
  await c.until('2 pods', async () => (await podsOf('part')).length === 2, 20_000)
  assert.deepEqual((await podsOf('part')).map((p) => p.metadata.name).sort(), ['part-0', 'part-1'])
  const claims = (await c.client.list(CLAIMS, 'default', { labelSelector: 'app=part' })).items
  assert.equal(claims.length, 5)
})

test('deleting a StatefulSet in the background removes its pods and revisions (garbage collector)', async () => {
  await c.client.delete(STATEFULSETS, 'default', 'part', { propagationPolicy: 'Background' })
  await c.until('pods gone', async () => (await podsOf('part')).length === 0)
  await c.until('revisions gone', async () => (await c.client.list(REVISIONS, 'default', { labelSelector: 'app=part' })).items.length === 0)
  assert.equal((await c.client.list(CLAIMS, 'default', { labelSelector: 'app=part' })).items.length, 5, 'claims are retained')
})

test('deleting a StatefulSet with orphan propagation leaves its pods, and a new set adopts them', async () => {
  await c.client.create(STATEFULSETS, 'default', set('orph', 2))
  await c.until('2 running', async () => (await podsOf('orph')).filter((p) => phase(p) === 'Running').length === 2)
  const uids = (await podsOf('orph')).map((p) => p.metadata.uid).sort()
  await c.client.delete(STATEFULSETS, 'default', 'orph', { propagationPolicy: 'Orphan' })
  await c.until('set gone', async () => !(await c.client.get(STATEFULSETS, 'default', 'orph').catch(() => undefined)))
  const pods = await podsOf('orph')
  assert.equal(pods.length, 2)
  assert.ok(pods.every((p) => (p.metadata.ownerReferences ?? []).length === 0), 'owner refs removed')
  await c.client.create(STATEFULSETS, 'default', set('orph', 2))
  await c.until('adopted', async () => (await podsOf('orph')).every((p) => (p.metadata.ownerReferences ?? []).length === 1))
  assert.deepEqual((await podsOf('orph')).map((p) => p.metadata.uid).sort(), uids, 'the same pods')
})

test('deleting a StatefulSet in the foreground keeps it until its pods are gone', async () => {
  await c.client.delete(STATEFULSETS, 'default', 'orph', { propagationPolicy: 'Foreground' })
  const s = await c.client.get(STATEFULSETS, 'default', 'orph')
  assert.ok(s.metadata.deletionTimestamp)
  assert.ok(s.metadata.finalizers?.includes('foregroundDeletion'))
  await c.until('set gone', async () => !(await c.client.get(STATEFULSETS, 'default', 'orph').catch(() => undefined)))
  assert.equal((await podsOf('orph')).length, 0)
})

test('a StatefulSet whose pods the API server rejects gets ReplicaFailure=True and a Warning event; another set still reconciles; fixing it clears the condition', async () => {
  // upstream validates only the template's metadata on a StatefulSet: the pod create is where a bad port fails
  const badPort = { spec: { containers: [{ name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 70000 }] }] } }
  const broken = set('broken', 2)
  ;(broken['spec'] as { template: Record<string, unknown> }).template = { metadata: { labels: { app: 'broken' } }, ...badPort }
  await c.client.create(STATEFULSETS, 'default', broken)
  await c.client.create(STATEFULSETS, 'default', set('healthy', 2))
  type Cond = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }
  const failure = async (name: string): Promise<Cond | undefined> => ((await status(name))['conditions'] as Cond[] | undefined)?.find((x) => x.type === 'ReplicaFailure')
  const cond = await c.until('ReplicaFailure on broken', () => failure('broken'))
  assert.equal(cond.status, 'True')
  assert.equal(cond.reason, 'FailedCreate')
  assert.match(cond.message ?? '', /spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive/)
  assert.ok(cond.lastTransitionTime)
  await c.until('healthy set Ready', async () => (await status('healthy'))['readyReplicas'] === 2)
  assert.equal(await failure('healthy'), undefined)
  assert.deepEqual(await podsOf('broken'), [])
  const s = await c.client.get(STATEFULSETS, 'default', 'broken')
  assert.equal(s.metadata.generation, 1, 'a status write never bumps generation')
  await c.manager.flushEvents()
  const warnings = (await c.client.list(EVENTS, 'default')).items.filter((e) => (e['involvedObject'] as { name?: string }).name === 'broken' && e['type'] === 'Warning')
  assert.ok(warnings.some((e) => e['reason'] === 'FailedCreate' && /^create Pod broken-0 in StatefulSet broken failed error: .*containerPort/.test(String(e['message']))), JSON.stringify(warnings))
  await c.client.patch(STATEFULSETS, 'default', 'broken', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } } } })
  await c.until('broken set Ready once fixed', async () => (await status('broken'))['readyReplicas'] === 2, 20_000)
  await c.until('condition removed', async () => (await failure('broken')) === undefined)
})
