/**
 * Volume binding in the scheduler: the plugin's place among the filters and its messages
 * (pure), then the loop against an in-process API server: claims bound to pinned volumes,
 * claims that cannot bind, `selected-node` on WaitForFirstConsumer claims, retry when a
 * claim changes and when recording the node conflicts.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import { ApiServer } from '../apiserver/index.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { conflict, getResource } from '../api/index.js'
import type { KubeObject, ResourceInfo } from '../api/index.js'
import { ANN_SELECTED_NODE, volumeBindingPreFilter } from '../api/storage/index.js'
import type { VolumeBindingView } from '../api/storage/index.js'
import { DEFAULT_FILTERS } from './filters.js'
import { preFilterErrorMessage, schedulePod } from './schedule.js'
import { Scheduler } from './scheduler.js'
import { ApiEventRecorder } from './event-recorder.js'
import { makeNode, makePod, snapshotOf } from './testing.js'
import { checkBindings, volumeBindingPlugin, withFilter } from './volume-binding.js'

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const EVENTS = getResource('', 'events')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const VOLUMES = getResource('', 'persistentvolumes')
const CLASSES = getResource('storage.k8s.io', 'storageclasses')

const pinned = (node: string): PersistentVolume['spec'] => ({
  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
})

function volume(name: string, node: string | undefined, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}): PersistentVolume & KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` }, ...(node ? pinned(node) : {}), ...extra },
  }
}

function claim(name: string, spec: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}, annotations?: Record<string, string>): PersistentVolumeClaim & KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  }
}

const storageClass = (name: string, provisioner: string): StorageClass & KubeObject => ({
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: 'WaitForFirstConsumer',
})

describe('volume binding among the filters (pure)', () => {
  const view = (claims: PersistentVolumeClaim[], volumes: PersistentVolume[]): VolumeBindingView => ({
    claim: (ns, name) => claims.find((c) => c.metadata?.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata?.name === name),
    volumes,
    classes: [],
  })
  const usesData = makePod('p', (p) => { p.spec!.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] })

  test('VolumeBinding runs after NodeResourcesFit and before InterPodAffinity', () => {
    const v = view([], [])
    const names = withFilter(volumeBindingPlugin({ bound: [], unboundDelayed: [] }, v)).map((f) => f.name)
    assert.deepEqual(names, [...DEFAULT_FILTERS.map((f) => f.name).slice(0, 6), 'VolumeBinding', 'InterPodAffinity'])
  })

  test('a pod whose claim is bound to a volume pinned to node X only fits X', () => {
    const v = view([claim('data', { volumeName: 'pv' })], [volume('pv', 'n2')])
    const pre = volumeBindingPreFilter(usesData, v)
    assert.ok(pre.type === 'ok')
    const snapshot = snapshotOf([makeNode('n1'), makeNode('n2'), makeNode('n3')])
    for (let start = 0; start < 3; start++) {
      const r = schedulePod(usesData, snapshot, { startIndex: start, filters: withFilter(volumeBindingPlugin(pre.claims, v)) })
      assert.equal(r.type === 'scheduled' && r.node, 'n2')
    }
    const elsewhere = view([claim('data', { volumeName: 'pv' })], [volume('pv', 'n9')])
    const r = schedulePod(usesData, snapshot, { filters: withFilter(volumeBindingPlugin(pre.claims, elsewhere)) })
    assert.equal(r.type === 'unschedulable' && r.message,
      '0/3 nodes are available: 3 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')
  })

  test('checkBindings(): waits for a full bind on the chosen node; fails when the node is reset, changed or the volume is elsewhere', () => {
    const base = (over: Partial<PersistentVolumeClaim['metadata']>, spec: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}, phase?: string): PersistentVolumeClaim => ({
      metadata: { name: 'data', namespace: 'default', uid: 'u1', resourceVersion: '2', annotations: { [ANN_SELECTED_NODE]: 'n1' }, ...over },
      spec: { storageClassName: 'standard', ...spec },
      ...(phase ? { status: { phase } } : {}),
    })
    const original = base({ resourceVersion: '1', annotations: {} })
    const pv = volume('pv', 'n1', { claimRef: { namespace: 'default', name: 'data', uid: 'u1' } })
    const check = (c: PersistentVolumeClaim | undefined, vols: PersistentVolume[] = [pv], stale = new Map<string, string>()): string => {
      const r = checkBindings('n1', makeNode('n1'), [original], view(c ? [c] : [], vols), stale)
      return r.type === 'failed' ? r.message : r.type
    }
    const done = base({ annotations: { [ANN_SELECTED_NODE]: 'n1', 'pv.kubernetes.io/bind-completed': 'yes' } }, { volumeName: 'pv' }, 'Bound')
    assert.equal(check(done), 'bound')
    assert.equal(check(base({})), 'waiting', 'no volume yet')
    assert.equal(check(base({ resourceVersion: '1', annotations: {} }), [pv], new Map([['default/data', '1']])), 'waiting', 'the cache predates our patch')
    assert.equal(check(base({}, { volumeName: 'pv' })), 'waiting', 'bind not completed')
    assert.equal(check(done, []), 'waiting', 'volume not in the cache yet')
    assert.equal(check(undefined), 'persistentvolumeclaim "data" not found')
    assert.equal(check(base({ uid: 'other' })), 'persistentvolumeclaim "data" not found')
    assert.equal(check(base({ annotations: {} })), 'selectedNode annotation reset for PVC "data"')
    assert.equal(check(base({ annotations: { [ANN_SELECTED_NODE]: 'n2' } })), 'provisioning failed for PVC "data"')
    assert.equal(check(done, [volume('pv', 'n2', { claimRef: { namespace: 'default', name: 'data', uid: 'u1' } })]), 'pv "pv" node affinity doesn\'t match node "n1"')
  })

  test('preFilterErrorMessage() carries the PreFilter reasons without a node count', () => {
    assert.equal(preFilterErrorMessage(3, ['pod has unbound immediate PersistentVolumeClaims']),
      '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')
    const never = makePod('p', (p) => { p.spec!.preemptionPolicy = 'Never' })
    assert.equal(preFilterErrorMessage(1, ['persistentvolumeclaim "x" not found'], never),
      '0/1 nodes are available: persistentvolumeclaim "x" not found. preemption: not eligible due to preemptionPolicy=Never.')
  })
})

/** Fails the first patch of each named claim with a Conflict. */
class FlakyClient extends Client {
  readonly failOnce = new Set<string>()
  override patch<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, name: string, patch: unknown, opts?: Parameters<Client['patch']>[4]): Promise<T> {
    if (info.resource === 'persistentvolumeclaims' && this.failOnce.delete(name)) {
      return Promise.reject(conflict(info, name, 'the object has been modified; please apply your changes to the latest version and try again'))
    }
    return super.patch<T>(info, namespace, name, patch, opts)
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('Scheduler volume binding against an in-process API server', () => {
  let server: ApiServer
  let client: FlakyClient
  let scheduler: Scheduler
  let events: ApiEventRecorder
  const ac = new AbortController()

  before(async () => {
    server = new ApiServer({ store: new MemoryStore() })
    client = new FlakyClient({ server: await server.start(0) })
    for (const n of ['n1', 'n2']) {
      await client.create(NODES, undefined, {
        apiVersion: 'v1', kind: 'Node', metadata: { name: n, labels: { 'kubernetes.io/hostname': n } },
        status: { allocatable: { cpu: '2', memory: '4Gi', pods: '10' }, capacity: { cpu: '2', memory: '4Gi', pods: '10' }, conditions: [{ type: 'Ready', status: 'True' }] },
      })
    }
    await client.create(CLASSES, undefined, storageClass('standard', 'kubeling.dev/local-path'))
    await client.create(CLASSES, undefined, storageClass('local', 'kubernetes.io/no-provisioner'))
    events = new ApiEventRecorder(client, { component: 'default-scheduler' })
    scheduler = new Scheduler({ client, events, queue: { initialBackoffMs: 10, maxBackoffMs: 50 } })
    void scheduler.run(ac.signal)
  })
  after(async () => {
    ac.abort()
    client.close()
    await server.stop()
  })

  const pod = (name: string, ...claims: string[]): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      containers: [{ name: 'c', image: 'pause:3.9' }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    },
  })
  const nodeName = async (name: string): Promise<string | undefined> =>
    ((await client.get(PODS, 'default', name))['spec'] as { nodeName?: string }).nodeName
  const condition = async (name: string): Promise<{ status: string; reason?: string; message?: string } | undefined> =>
    ((await client.get(PODS, 'default', name))['status'] as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } | undefined)
      ?.conditions?.find((c) => c.type === 'PodScheduled')
  const selectedNode = async (name: string): Promise<string | undefined> =>
    (await client.get(CLAIMS, 'default', name)).metadata.annotations?.[ANN_SELECTED_NODE]
  /** What the binder (and provisioner) would do for a claim with a selected node. */
  const bindClaim = async (name: string, existing?: string): Promise<void> => {
    const c = await client.get<PersistentVolumeClaim & KubeObject>(CLAIMS, 'default', name)
    const node = c.metadata.annotations?.[ANN_SELECTED_NODE] ?? ''
    const claimRef = { kind: 'PersistentVolumeClaim', namespace: 'default', name, uid: c.metadata.uid ?? '' }
    const pv = existing ?? `pv-${name}`
    if (existing) await client.patch(VOLUMES, undefined, existing, { spec: { claimRef } })
    else await client.create(VOLUMES, undefined, volume(pv, node, { storageClassName: c.spec?.storageClassName ?? '', claimRef }))
    await client.patch(CLAIMS, 'default', name, { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: pv } })
    await client.patch(CLAIMS, 'default', name, { status: { phase: 'Bound' } }, { subresource: 'status' })
  }
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150))
  const eventsOf = async (name: string): Promise<Array<{ reason: string; message: string }>> => {
    await events.flush()
    const list = await client.list(EVENTS, 'default', { fieldSelector: `involvedObject.name=${name}` })
    return list.items.map((e) => ({ reason: String(e['reason']), message: String(e['message']) }))
  }

  test('pods whose claim is bound to a volume pinned to n2 all go to n2', async () => {
    await client.create(VOLUMES, undefined, volume('pinned', 'n2'))
    await client.create(CLAIMS, 'default', claim('pinned', { volumeName: 'pinned', storageClassName: '' }))
    for (const p of ['pinned-a', 'pinned-b', 'pinned-c', 'pinned-d']) await client.create(PODS, 'default', pod(p, 'pinned'))
    for (const p of ['pinned-a', 'pinned-b', 'pinned-c', 'pinned-d']) assert.equal(await until(`${p} bound`, () => nodeName(p)), 'n2')
  })

  test('a claim of a class that does not exist holds the pod (FailedScheduling); binding the claim lets it in', async () => {
    await client.create(CLAIMS, 'default', claim('never', { storageClassName: 'no-such-class' }))
    await client.create(PODS, 'default', pod('waits', 'never'))
    const msg = '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.'
    const cond = await until('Unschedulable', async () => { const c = await condition('waits'); return c?.reason === 'Unschedulable' && c })
    assert.equal(cond.status, 'False')
    assert.equal(cond.message, msg)
    assert.ok((await eventsOf('waits')).some((e) => e.reason === 'FailedScheduling' && e.message === msg))
    // A volume alone changes nothing (the claim is still unbound) …
    await client.create(VOLUMES, undefined, volume('late', 'n1', { storageClassName: 'no-such-class' }))
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(await nodeName('waits'), undefined)
    // … the claim naming it does: the claim event brings the pod back.
    await client.patch(CLAIMS, 'default', 'never', { spec: { volumeName: 'late' } })
    assert.equal(await until('waits bound', () => nodeName('waits')), 'n1')
  })

  test('a missing claim holds the pod until it is created', async () => {
    await client.create(PODS, 'default', pod('orphan', 'ghost'))
    const cond = await until('Unschedulable', async () => { const c = await condition('orphan'); return c?.reason === 'Unschedulable' && c })
    assert.equal(cond.message, '0/2 nodes are available: persistentvolumeclaim "ghost" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.')
    await client.create(CLAIMS, 'default', claim('ghost', { storageClassName: 'standard' }))
    const node = await until('ghost selected-node', () => selectedNode('ghost'))
    await bindClaim('ghost')
    assert.equal(await until('orphan bound', () => nodeName('orphan')), node)
  })

  test('WaitForFirstConsumer: the chosen node is written on the claim; the pod is bound there once the claim is', async () => {
    await client.create(CLAIMS, 'default', claim('wffc', { storageClassName: 'standard' }))
    await client.create(PODS, 'default', pod('first', 'wffc'))
    const node = await until('selected-node', () => selectedNode('wffc'))
    await settle()
    assert.equal(await nodeName('first'), undefined, 'not bound while the claim is unbound')
    await bindClaim('wffc')
    assert.equal(await until('first bound', () => nodeName('first')), node)
    assert.equal(await selectedNode('wffc'), node)
  })

  test('a claim whose node was chosen already only fits that node', async () => {
    await client.create(CLAIMS, 'default', claim('chosen', { storageClassName: 'standard' }, { [ANN_SELECTED_NODE]: 'n1' }))
    for (const p of ['chosen-a', 'chosen-b', 'chosen-c']) await client.create(PODS, 'default', pod(p, 'chosen'))
    await settle()
    await bindClaim('chosen')
    for (const p of ['chosen-a', 'chosen-b', 'chosen-c']) assert.equal(await until(`${p} bound`, () => nodeName(p)), 'n1')
  })

  test('provisioning gives up (selected-node removed): FailedScheduling, the pod is scheduled again', async () => {
    await client.create(CLAIMS, 'default', claim('given-up', { storageClassName: 'standard' }))
    await client.create(PODS, 'default', pod('retried', 'given-up'))
    await until('selected-node', () => selectedNode('given-up'))
    const before = scheduler.stats.preBindErrors
    await client.patch(CLAIMS, 'default', 'given-up', { metadata: { annotations: { [ANN_SELECTED_NODE]: null } } })
    await until('FailedScheduling', async () => (await eventsOf('retried')).some((e) => e.reason === 'FailedScheduling' &&
      e.message === 'running PreBind plugin "VolumeBinding": binding volumes: selectedNode annotation reset for PVC "given-up"'))
    assert.equal(scheduler.stats.preBindErrors, before + 1)
    const node = await until('selected-node again', () => selectedNode('given-up'))
    await bindClaim('given-up')
    assert.equal(await until('retried bound', () => nodeName('retried')), node)
  })

  test('no-provisioner class: only a node where a static volume fits', async () => {
    await client.create(VOLUMES, undefined, volume('local-n2', 'n2', { storageClassName: 'local' }))
    // (no binder here: say it is Available, as the binder would)
    await client.patch(VOLUMES, undefined, 'local-n2', { status: { phase: 'Available' } }, { subresource: 'status' })
    await client.create(CLAIMS, 'default', claim('local-claim', { storageClassName: 'local' }))
    await client.create(PODS, 'default', pod('local-pod', 'local-claim'))
    assert.equal(await until('selected-node', () => selectedNode('local-claim')), 'n2')
    await bindClaim('local-claim', 'local-n2')
    assert.equal(await until('local-pod bound', () => nodeName('local-pod')), 'n2')
    await client.create(CLAIMS, 'default', claim('no-local', { storageClassName: 'local', resources: { requests: { storage: '5Gi' } } }))
    await client.create(PODS, 'default', pod('no-local-pod', 'no-local'))
    const cond = await until('Unschedulable', async () => { const c = await condition('no-local-pod'); return c?.reason === 'Unschedulable' && c })
    assert.equal(cond.message, "0/2 nodes are available: 2 node(s) didn't find available persistent volumes to bind. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
  })

  test('a pod deleted while its claim binds stops waiting; a new pod of the same name is scheduled', async () => {
    await client.create(CLAIMS, 'default', claim('recreated', { storageClassName: 'standard' }))
    await client.create(PODS, 'default', pod('same-name', 'recreated'))
    const node = await until('selected-node', () => selectedNode('recreated'))
    assert.equal(scheduler.cache.isAssumed('default/same-name'), true)
    await client.delete(PODS, 'default', 'same-name', { gracePeriodSeconds: 0 })
    await until('the deleted pod no longer assumed', () => Promise.resolve(!scheduler.cache.isAssumed('default/same-name')), 2000)
    await client.create(PODS, 'default', pod('same-name', 'recreated'))
    await settle()
    await bindClaim('recreated')
    assert.equal(await until('the new same-name bound', () => nodeName('same-name')), node)
  })

  test('a Conflict while writing selected-node sends the pod back to the queue; the retry succeeds', async () => {
    client.failOnce.add('flaky')
    const before = scheduler.stats.preBindErrors
    await client.create(CLAIMS, 'default', claim('flaky', { storageClassName: 'standard' }))
    await client.create(PODS, 'default', pod('flaky-pod', 'flaky'))
    const node = await until('selected-node', () => selectedNode('flaky'))
    await bindClaim('flaky')
    assert.equal(await until('flaky-pod bound', () => nodeName('flaky-pod')), node)
    assert.equal(scheduler.stats.preBindErrors, before + 1)
    const evs = await eventsOf('flaky-pod')
    assert.ok(evs.some((e) => e.reason === 'FailedScheduling' && e.message.startsWith('running PreBind plugin "VolumeBinding": Operation cannot be fulfilled on persistentvolumeclaims "flaky"')), JSON.stringify(evs))
    assert.ok(evs.some((e) => e.reason === 'Scheduled'))
  })
})
