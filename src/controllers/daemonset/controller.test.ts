/**
 * The DaemonSet controller against the real API server in-process (memory store), with the
 * fake kubelet of inprocess.test.ts running pods.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../../api/index.js'
import { DAEMONSETS, EVENTS, NODES, PODS, REVISIONS, startInProcessCluster } from '../inprocess.test.js'
import type { InProcessCluster } from '../inprocess.test.js'
import { targetNodeName } from './eligibility.js'
import type { Pod } from 'kubernetes-types/core/v1.js'

let c: InProcessCluster
before(async () => { c = await startInProcessCluster({ nodes: 2 }) })
after(async () => { await c.stop() })

const ds: KubeObject = {
  metadata: { name: 'agent' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
  },
}
const podsOf = async (): Promise<KubeObject[]> => (await c.client.list(PODS, 'default', { labelSelector: 'app=agent' })).items
const status = async (): Promise<Record<string, number>> => ((await c.client.get(DAEMONSETS, 'default', 'agent'))['status'] ?? {}) as Record<string, number>
const nodesOf = (pods: KubeObject[]): string[] => pods.map((p) => targetNodeName(p as unknown as Pod) ?? '?').sort()
const image = (p: KubeObject): string => (p['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image

test('DaemonSetController runs one pod per node and reports status', async () => {
  await c.client.create(DAEMONSETS, 'default', ds)
  await c.until('2 pods', async () => (await podsOf()).length === 2)
  assert.deepEqual(nodesOf(await podsOf()), ['node-1', 'node-2'])
  const s = await c.until('ready', async () => { const s = await status(); return s['numberReady'] === 2 ? s : undefined })
  assert.equal(s['desiredNumberScheduled'], 2)
  assert.equal(s['currentNumberScheduled'], 2)
  assert.equal(s['updatedNumberScheduled'], 2)
  await c.manager.flushEvents()
  const messages = (await c.client.list(EVENTS, 'default')).items.map((e) => String(e['message']))
  assert.ok(messages.some((m) => /^Created pod: agent-[a-z0-9]{5}$/.test(m)), messages.join('\n'))
})

test('DaemonSetController follows a node joining and a node leaving', async () => {
  // node-3's pod stays unbound: once node-3 is gone it is the DaemonSet's to delete (DS-025);
  // bound pods on deleted nodes are the pod garbage collector's (not running here).
  c.kubelet.unschedulable.add('node-3')
  await c.client.create(NODES, undefined, { metadata: { name: 'node-3', labels: { 'kubernetes.io/hostname': 'node-3' } }, spec: {} })
  await c.until('3 pods', async () => nodesOf(await podsOf()).join() === 'node-1,node-2,node-3')
  await c.client.delete(NODES, undefined, 'node-3')
  await c.until('back to 2', async () => nodesOf(await podsOf()).join() === 'node-1,node-2')
  await c.until('desired 2', async () => (await status())['desiredNumberScheduled'] === 2)
})

test('DaemonSetController replaces a deleted pod on the same node', async () => {
  const victim = (await podsOf()).find((p) => targetNodeName(p as unknown as Pod) === 'node-2')!
  await c.client.delete(PODS, 'default', victim.metadata.name ?? '')
  await c.until('replaced', async () => {
    const pods = (await podsOf()).filter((p) => targetNodeName(p as unknown as Pod) === 'node-2')
    return pods.length === 1 && pods[0]!.metadata.uid !== victim.metadata.uid
  })
})

test('DaemonSetController rolls out a new template and rolls back to the old revision', async () => {
  await c.client.patch(DAEMONSETS, 'default', 'agent', { spec: { template: { spec: { containers: [{ name: 'a', image: 'agent:2' }] } } } })
  await c.until('rolled out', async () => {
    const pods = await podsOf()
    const s = await status()
    return pods.length === 2 && pods.every((p) => image(p) === 'agent:2') && s['updatedNumberScheduled'] === 2 && s['numberAvailable'] === 2
  }, 20_000)
  const revs = (await c.client.list(REVISIONS, 'default', { labelSelector: 'app=agent' })).items
  assert.deepEqual(revs.map((r) => r['revision']).sort(), [1, 2])
  const first = revs.find((r) => r['revision'] === 1)!
  // what `kubectl rollout undo` sends: the previous revision's data as a strategic merge patch
  await c.client.patch(DAEMONSETS, 'default', 'agent', first['data'], { type: 'strategic' })
  await c.until('rolled back', async () => (await podsOf()).every((p) => image(p) === 'agent:1') && (await status())['updatedNumberScheduled'] === 2, 20_000)
  const after = (await c.client.list(REVISIONS, 'default', { labelSelector: 'app=agent' })).items
  assert.equal(after.length, 2, 'the old revision is reused')
  assert.equal(after.find((r) => r.metadata.name === first.metadata.name)?.['revision'], 3)
})

test('deleting a DaemonSet removes its pods (garbage collector)', async () => {
  await c.client.delete(DAEMONSETS, 'default', 'agent', { propagationPolicy: 'Background' })
  await c.until('pods gone', async () => (await podsOf()).length === 0)
})

test('a DaemonSet whose pods the API server rejects gets ReplicaFailure=True and a Warning event; another DaemonSet still reconciles; fixing it clears the condition', async () => {
  // surrounding whitespace in an image is only rejected on a pod (validateContainersOnlyForPod), not in a template
  const mk = (name: string, image: string): KubeObject => ({
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image }] } } },
  })
  await c.client.create(DAEMONSETS, 'default', mk('broken', 'agent:1 '))
  await c.client.create(DAEMONSETS, 'default', mk('healthy', 'agent:1'))
  type Cond = { type: string; status: string; reason?: string; message?: string }
  const dsStatus = async (name: string): Promise<Record<string, unknown>> => ((await c.client.get(DAEMONSETS, 'default', name))['status'] ?? {}) as Record<string, unknown>
  const failure = async (name: string): Promise<Cond | undefined> => ((await dsStatus(name))['conditions'] as Cond[] | undefined)?.find((x) => x.type === 'ReplicaFailure')
  const cond = await c.until('ReplicaFailure on broken', () => failure('broken'))
  assert.equal(cond.status, 'True')
  assert.equal(cond.reason, 'FailedCreate')
  assert.match(cond.message ?? '', /spec\.containers\[0\]\.image: Invalid value: "agent:1 ": must not have leading or trailing whitespace/)
  await c.until('healthy DaemonSet ready', async () => (await dsStatus('healthy'))['numberReady'] === 2)
  assert.equal(await failure('healthy'), undefined)
  assert.equal((await c.client.list(PODS, 'default', { labelSelector: 'app=broken' })).items.length, 0)
  assert.equal((await c.client.get(DAEMONSETS, 'default', 'broken')).metadata.generation, 1, 'a status write never bumps generation')
  await c.manager.flushEvents()
  const warnings = (await c.client.list(EVENTS, 'default')).items.filter((e) => (e['involvedObject'] as { name?: string }).name === 'broken' && e['type'] === 'Warning')
  assert.ok(warnings.some((e) => e['reason'] === 'FailedCreate' && /^Error creating: .*must not have leading or trailing whitespace/.test(String(e['message']))), JSON.stringify(warnings))
  await c.client.patch(DAEMONSETS, 'default', 'broken', { spec: { template: { spec: { containers: [{ name: 'a', image: 'agent:1' }] } } } }, { type: 'strategic' })
  await c.until('broken DaemonSet ready once fixed', async () => (await dsStatus('broken'))['numberReady'] === 2, 20_000)
  await c.until('condition removed', async () => (await failure('broken')) === undefined)
  for (const name of ['broken', 'healthy']) await c.client.delete(DAEMONSETS, 'default', name, { propagationPolicy: 'Background' })
})
