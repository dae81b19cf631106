/**
 * AgentFleet against the real API server (memory store, in process): registration (Node,
 * status, Lease), a pod bound to the node going Running, graceful deletion, an image that
 * cannot be pulled, and a crash loop.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from '../apiserver/index.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { getResource, isNotFound } from '../api/index.js'
import type { KubeObject } from '../api/index.js'
import type { Pod } from 'kubernetes-types/core/v1.js'
import { AgentFleet } from './fleet.js'
import type { EventObject } from './events.js'
import { simulatedAddresses } from './node-status.js'
import { SimulatedRuntime, loadStages } from './runtime/simulated/index.js'

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const LEASES = getResource('coordination.k8s.io', 'leases')

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check().catch(() => undefined)
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('AgentFleet against an in-process API server', () => {
  let server: ApiServer
  let client: Client
  const ac = new AbortController()
  const recorded: Array<{ object: string; type: string; reason: string; message: string }> = []

  before(async () => {
    server = new ApiServer({ store: new MemoryStore() })
    client = new Client({ server: await server.start(0) })
    const { podCIDR, address } = simulatedAddresses(1)
    const fleet = new AgentFleet({
      client,
      nodes: [{
        identity: { name: 'node-1', address, podCIDR, runtimeName: 'simulated', runtimeVersion: '0.1.0', capacity: { cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi' } },
        runtime: new SimulatedRuntime({ stages: loadStages(), podCIDR }),
      }],
      events: () => ({ event: (o: EventObject, type, reason, message) => { recorded.push({ object: `${o.kind ?? ''}/${o.metadata.name ?? ''}`, type, reason, message }) } }),
    })
    void fleet.run(ac.signal)
    await fleet.registered()
  })
  after(async () => {
    ac.abort()
    client.close()
    await server.stop()
  })

  const get = (name: string): Promise<Pod & KubeObject> => client.get<Pod & KubeObject>(PODS, 'default', name)
  const create = (name: string, annotations: Record<string, string> = {}, spec: Partial<NonNullable<Pod['spec']>> = {}): Promise<KubeObject> =>
    client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations: { 'kubeling.dev/start-delay': '0', 'kubeling.dev/pull-delay': '0', ...annotations } }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }], ...spec } })

  test('registers the node with labels, capacity, conditions, addresses and a lease', async () => {
    const node = await client.get(NODES, undefined, 'node-1')
    const labels = node.metadata.labels ?? {}
    assert.equal(labels['kubernetes.io/hostname'], 'node-1')
    assert.equal(labels['kubernetes.io/os'], 'linux')
    assert.equal(labels['kubernetes.io/arch'], 'amd64')
    const status = node['status'] as { conditions: Array<{ type: string; status: string }>; addresses: unknown; nodeInfo: { kubeletVersion: string }; allocatable: { pods: string } }
    assert.deepEqual(status.conditions.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'])
    assert.deepEqual(status.addresses, [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'node-1' }])
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.33.0-kubeling')
    assert.equal(status.allocatable.pods, '110')
    assert.equal((node['spec'] as { podCIDR: string }).podCIDR, '10.244.0.0/24')
    const lease = await client.get(LEASES, 'kube-node-lease', 'node-1')
    assert.equal((lease['spec'] as { holderIdentity: string }).holderIdentity, 'node-1')
    assert.equal(lease.metadata.ownerReferences?.[0]?.uid, node.metadata.uid)
  })

  test('runs a bound pod: Running, ready, an IP from the node CIDR, kubelet events', async () => {
    await create('web')
    const pod = await until('web Running', async () => { const p = await get('web'); return p.status?.phase === 'Running' ? p : undefined })
    assert.match(pod.status?.podIP ?? '', /^10\.244\.0\.\d+$/)
    assert.equal(pod.status?.hostIP, '172.18.0.2')
    assert.equal(pod.status?.containerStatuses?.[0]?.ready, true)
    assert.deepEqual(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True'])
    await until('Started event', () => Promise.resolve(recorded.some((e) => e.object === 'Pod/web' && e.reason === 'Started')))
    assert.deepEqual(recorded.filter((e) => e.object === 'Pod/web').map((e) => e.reason), ['Pulling', 'Pulled', 'Created', 'Started'])
  })

  test('graceful deletion ends with the pod object gone', async () => {
    await client.delete(PODS, 'default', 'web')
    await until('web gone', async () => { try { await get('web'); return false } catch (e) { return isNotFound(e) } })
    assert.ok(recorded.some((e) => e.object === 'Pod/web' && e.reason === 'Killing' && e.message === 'Stopping container app'))
  })

  test('an image that cannot be pulled gives ErrImagePull and a Failed event, never a stuck agent', async () => {
    await create('nopull', { 'kubeling.dev/image-pull-error': 'manifest unknown' }, { containers: [{ name: 'app', image: 'missing:1' }] })
    const waiting = await until('ErrImagePull', async () => {
      const w = (await get('nopull')).status?.containerStatuses?.[0]?.state?.waiting
      return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff' ? w : undefined
    })
    assert.match(waiting.message ?? '', /manifest unknown|Back-off pulling image "missing:1"/)
    assert.ok(recorded.some((e) => e.object === 'Pod/nopull' && e.type === 'Warning' && e.reason === 'Failed' && /Failed to pull image "missing:1": failed to pull and unpack image "docker.io\/library\/missing:1": manifest unknown/.test(e.message)))
    await create('afterwards')
    await until('the agent still runs other pods', async () => (await get('afterwards')).status?.phase === 'Running')
  })

  test('a crashing container restarts and shows CrashLoopBackOff', async () => {
    await create('crashy', { 'kubeling.dev/crash-after': '50ms' })
    const cs = await until('CrashLoopBackOff', async () => {
      const s = (await get('crashy')).status?.containerStatuses?.[0]
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' ? s : undefined
    })
    assert.ok(cs.restartCount >= 1)
    assert.equal(cs.lastState?.terminated?.exitCode, 1)
    assert.match(cs.state?.waiting?.message ?? '', /^back-off 10s restarting failed container=app pod=crashy_default\(/)
  })

  test('a pod that completes (restartPolicy Never) ends Succeeded', async () => {
    await create('job', { 'kubeling.dev/exit-after': '50ms' }, { restartPolicy: 'Never' })
    const pod = await until('Succeeded', async () => { const p = await get('job'); return p.status?.phase === 'Succeeded' ? p : undefined })
    assert.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed')
  })
})
