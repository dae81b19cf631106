/**
 * The agent's volume check: a pod whose claim is missing or unbound stays Pending (no
 * sandbox) with FailedMount, is synced again when the claim or its volume changes, and
 * starts with its mounts handed to the runtime (recorded by the simulated runtime).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Container, Pod } from 'kubernetes-types/core/v1.js'
import { ApiServer } from '../apiserver/index.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { getResource } from '../api/index.js'
import type { KubeObject } from '../api/index.js'
import { AgentFleet } from './fleet.js'
import type { EventObject } from './events.js'
import { simulatedAddresses } from './node-status.js'
import { containerConfig, containerMounts } from './pod-sync.js'
import { SimulatedRuntime, loadStages } from './runtime/simulated/index.js'

const PODS = getResource('', 'pods')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const VOLUMES = getResource('', 'persistentvolumes')

test('containerMounts() maps a container\'s volumeMounts of claim volumes to CRI mounts', () => {
  const c: Container = {
    name: 'app',
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/logs', subPath: 'logs', readOnly: true },
      { name: 'config', mountPath: '/etc/app' },
    ],
  }
  const mounts = [
    { name: 'data', claimName: 'd', volumeName: 'pv-d', hostPath: '/srv/pv-d/', readOnly: false },
    { name: 'ro', claimName: 'r', volumeName: 'pv-r', hostPath: undefined, readOnly: true },
  ]
  assert.deepEqual(containerMounts(c, mounts), [
    { volumeName: 'data', containerPath: '/data', hostPath: '/srv/pv-d/', readonly: false },
    { volumeName: 'data', containerPath: '/logs', hostPath: '/srv/pv-d/logs', readonly: true },
  ])
  assert.deepEqual(containerMounts({ name: 'x', volumeMounts: [{ name: 'ro', mountPath: '/ro' }] }, mounts), [{ volumeName: 'ro', containerPath: '/ro', hostPath: '', readonly: true }])
  assert.equal('mounts' in containerConfig(c, 0), false, 'no claim volumes: no mounts field')
})

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check().catch(() => undefined)
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('AgentFleet waits for a pod\'s volumes', () => {
  let server: ApiServer
  let client: Client
  let runtime: SimulatedRuntime
  const ac = new AbortController()
  const recorded: Array<{ object: string; type: string; reason: string; message: string }> = []

  before(async () => {
    server = new ApiServer({ store: new MemoryStore() })
    client = new Client({ server: await server.start(0) })
    const { podCIDR, address } = simulatedAddresses(1)
    runtime = new SimulatedRuntime({ stages: loadStages(), podCIDR })
    const fleet = new AgentFleet({
      client,
      nodes: [{
        identity: { name: 'node-1', address, podCIDR, runtimeName: 'simulated', runtimeVersion: '0.1.0', capacity: { cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi' } },
        runtime,
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
  const failedMounts = (pod: string): string[] => recorded.filter((e) => e.object === `Pod/${pod}` && e.type === 'Warning' && e.reason === 'FailedMount').map((e) => e.message)
  const prefix = 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[data]: '

  test('missing claim, then unbound claim: Pending, no sandbox, FailedMount; once bound: Running with its mount', async () => {
    const created = await client.create<Pod & KubeObject>(PODS, 'default', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'db', annotations: { 'kubeling.dev/start-delay': '0', 'kubeling.dev/pull-delay': '0' } },
      spec: {
        nodeName: 'node-1',
        containers: [{ name: 'app', image: 'app:1', volumeMounts: [{ name: 'data', mountPath: '/var/lib/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    } as KubeObject)
    const uid = created.metadata.uid ?? ''
    await until('FailedMount (not found)', () => Promise.resolve(failedMounts('db').length > 0))
    assert.deepEqual(failedMounts('db'), [`${prefix}error processing PVC default/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found`])
    const waiting = await until('ContainerCreating', async () => (await get('db')).status?.containerStatuses?.[0]?.state?.waiting)
    assert.equal(waiting.reason, 'ContainerCreating')
    assert.equal((await get('db')).status?.phase, 'Pending')
    assert.deepEqual(await runtime.listPodSandboxes({ podUid: uid }), [], 'no sandbox while the volumes are missing')

    // The claim appears, unbound: the claim event brings the pod back, with a new message.
    await client.create(CLAIMS, 'default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'manual' } })
    await until('FailedMount (not bound)', () => Promise.resolve(failedMounts('db').length === 2))
    assert.equal(failedMounts('db')[1], `${prefix}error processing PVC default/data: PVC is not bound`)
    assert.deepEqual(await runtime.listPodSandboxes({ podUid: uid }), [])

    // Bound to a volume that exists: the pod starts, the runtime got the mount.
    await client.create(VOLUMES, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-data' }, spec: { storageClassName: 'manual', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/pv-data' }, claimRef: { namespace: 'default', name: 'data' } } })
    await client.patch(CLAIMS, 'default', 'data', { spec: { volumeName: 'pv-data' } })
    await client.patch(CLAIMS, 'default', 'data', { status: { phase: 'Bound' } }, { subresource: 'status' })
    await until('db Running', async () => (await get('db')).status?.phase === 'Running')
    const [c] = await runtime.listContainers({ podUid: uid })
    assert.deepEqual(c?.mounts, [{ volumeName: 'data', containerPath: '/var/lib/data', hostPath: '/srv/pv-data', readonly: false }])
    assert.equal(failedMounts('db').length, 2, 'no more FailedMount')
  })

  test('a pod without claims is not held', async () => {
    await client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', annotations: { 'kubeling.dev/start-delay': '0', 'kubeling.dev/pull-delay': '0' } }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] } })
    await until('plain Running', async () => (await get('plain')).status?.phase === 'Running')
    assert.deepEqual(failedMounts('plain'), [])
  })
})
