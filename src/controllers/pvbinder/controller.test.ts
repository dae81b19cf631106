/**
 * The storage controllers (binder, protection, local-path provisioner) against the real API
 * server in-process (memory store), with the fake kubelet of inprocess.test.ts running pods.
 * Static volumes point at a temporary directory, never at /tmp/data.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubeObject } from '../../api/index.js'
import { getResource } from '../../api/index.js'
import { CLAIMS, EVENTS, PODS, STATEFULSETS, startInProcessCluster } from '../inprocess.test.js'
import type { InProcessCluster } from '../inprocess.test.js'
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../api/storage/helpers.js'

const VOLUMES = getResource('', 'persistentvolumes')
const CLASSES = getResource('storage.k8s.io', 'storageclasses')

let c: InProcessCluster
let dataDir: string
let hostDir: string
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kubeling-pv-data-'))
  hostDir = mkdtempSync(join(tmpdir(), 'kubeling-pv-host-'))
  c = await startInProcessCluster({ dataDir, nodes: 2 })
})
after(async () => {
  await c.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(hostDir, { recursive: true, force: true })
})

const phase = (o: KubeObject | undefined): string => (o?.['status'] as { phase?: string } | undefined)?.phase ?? ''
const spec = <T>(o: KubeObject): T => o['spec'] as T
const get = (info: typeof VOLUMES, ns: string | undefined, name: string): Promise<KubeObject | undefined> => c.client.get(info, ns, name).catch(() => undefined)

function pv(name: string, path: string, policy: string): KubeObject {
  return {
    metadata: { name, labels: { release: 'stable' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: policy, hostPath: { path } },
  }
}

function set(name: string, replicas: number): KubeObject {
  return {
    metadata: { name },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }
}

test('the provisioner creates the default StorageClass standard', async () => {
  const sc = await c.until('standard', () => get(CLASSES, undefined, 'standard'))
  assert.equal(sc['provisioner'], 'kubeling.dev/local-path')
  assert.equal(sc['volumeBindingMode'], 'WaitForFirstConsumer')
  assert.equal(sc['allowVolumeExpansion'], true)
  assert.equal(sc['reclaimPolicy'], 'Delete')
  assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true')
})

test('static volumes become Available, then bind one-to-one to a StatefulSet\'s claims, with finalizers', async () => {
  const shared = join(hostDir, 'data')
  await c.client.create(VOLUMES, undefined, pv('pv001', shared, 'Recycle'))
  await c.client.create(VOLUMES, undefined, pv('pv002', shared, 'Recycle'))
  await c.until('both Available', async () => phase(await get(VOLUMES, undefined, 'pv001')) === 'Available' && phase(await get(VOLUMES, undefined, 'pv002')) === 'Available')
  await c.client.create(STATEFULSETS, 'default', set('web', 2))
  await c.until('claims Bound', async () => {
    const claims = (await c.client.list(CLAIMS, 'default')).items.filter((x) => x.metadata.name?.startsWith('www-web-'))
    return claims.length === 2 && claims.every((x) => phase(x) === 'Bound')
  }, 20_000)
  const bound: Record<string, string> = {}
  for (const name of ['pv001', 'pv002']) {
    const v = (await get(VOLUMES, undefined, name))!
    const ref = spec<{ claimRef?: { namespace: string; name: string; uid: string } }>(v).claimRef!
    bound[`${ref.namespace}/${ref.name}`] = name
    assert.equal(phase(v), 'Bound')
    assert.equal(v.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes')
    assert.ok(ref.uid)
    await c.until(`${name} protected`, async () => (await get(VOLUMES, undefined, name))?.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER))
  }
  assert.deepEqual(bound, { 'default/www-web-0': 'pv001', 'default/www-web-1': 'pv002' })
  const claim = (await get(CLAIMS, 'default', 'www-web-0'))!
  assert.equal(spec<{ volumeName?: string }>(claim).volumeName, 'pv001')
  assert.deepEqual(claim['status'], { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } })
  assert.equal(claim.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes')
  assert.equal(claim.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes')
  await c.until('claim protected', async () => (await get(CLAIMS, 'default', 'www-web-0'))?.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER))
})

test('deleting a claim used by a pod leaves it Terminating until the pod is gone; Recycle then empties the volume and makes it Available', async () => {
  const shared = join(hostDir, 'data')
  mkdirSync(join(shared, 'sub'), { recursive: true })
  writeFileSync(join(shared, 'index.html'), 'hello')
  writeFileSync(join(shared, 'sub', '.hidden'), 'x')
  const pod = await c.until('web-1 on a node', async () => {
    const p = await get(PODS, 'default', 'web-1')
    return p && spec<{ nodeName?: string }>(p).nodeName ? p : undefined
  })
  await c.client.delete(CLAIMS, 'default', 'www-web-1')
  await new Promise((r) => setTimeout(r, 300))
  const terminating = await get(CLAIMS, 'default', 'www-web-1')
  assert.ok(terminating?.metadata.deletionTimestamp, 'still there, being deleted')
  assert.equal(phase(await get(VOLUMES, undefined, 'pv002')), 'Bound')
  assert.ok(existsSync(join(shared, 'index.html')), 'data untouched while the claim is in use')
  await c.client.patch(STATEFULSETS, 'default', 'web', { spec: { replicas: 1 } })
  await c.until('web-1 gone', async () => !(await get(PODS, 'default', 'web-1')) || (await get(PODS, 'default', 'web-1'))?.metadata.uid !== pod.metadata.uid)
  await c.until('claim gone', async () => !(await get(CLAIMS, 'default', 'www-web-1')))
  const recycled = await c.until('pv002 Available again', async () => {
    const v = await get(VOLUMES, undefined, 'pv002')
    return phase(v) === 'Available' ? v : undefined
  })
  assert.equal(spec<{ claimRef?: unknown }>(recycled).claimRef, undefined)
  assert.deepEqual(readdirSync(shared), [], 'scrubbed')
  assert.equal(phase(await get(VOLUMES, undefined, 'pv001')), 'Bound', 'the other volume keeps its claim')
  await c.manager.flushEvents()
  const events = (await c.client.list(EVENTS, 'default')).items.filter((e) => (e['involvedObject'] as { name?: string }).name === 'pv002')
  assert.ok(events.some((e) => e['reason'] === 'VolumeRecycled' && e['message'] === 'Volume recycled'), JSON.stringify(events.map((e) => e['reason'])))
})

test('a class-less claim with no matching volume gets the default class, a volume on its pod\'s node, and grows when asked', async () => {
  // 5Gi: bigger than the free static volume pv002, which would otherwise be chosen.
  await c.client.create(CLAIMS, 'default', { metadata: { name: 'dyn' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } })
  await c.until('default class assigned', async () => spec<{ storageClassName?: string }>((await get(CLAIMS, 'default', 'dyn'))!).storageClassName === 'standard')
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(phase(await get(CLAIMS, 'default', 'dyn')), 'Pending', 'WaitForFirstConsumer: no pod yet')
  await c.client.create(PODS, 'default', { metadata: { name: 'consumer' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'dyn' } }] } })
  const claim = await c.until('dyn Bound', async () => {
    const x = await get(CLAIMS, 'default', 'dyn')
    return phase(x) === 'Bound' ? x : undefined
  }, 20_000)
  const pod = (await get(PODS, 'default', 'consumer'))!
  const node = spec<{ nodeName?: string }>(pod).nodeName
  const pvName = spec<{ volumeName: string }>(claim).volumeName
  assert.equal(pvName, `pvc-${claim.metadata.uid ?? ''}`)
  assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/selected-node'], node)
  assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'kubeling.dev/local-path')
  const vol = (await get(VOLUMES, undefined, pvName))!
  const vspec = spec<{ hostPath: { path: string }; persistentVolumeReclaimPolicy: string; storageClassName: string; nodeAffinity: { required: { nodeSelectorTerms: Array<{ matchExpressions: Array<{ values: string[] }> }> } } }>(vol)
  assert.equal(vspec.hostPath.path, join(dataDir, 'volumes', pvName))
  assert.ok(existsSync(vspec.hostPath.path))
  assert.equal(vspec.persistentVolumeReclaimPolicy, 'Delete')
  assert.equal(vspec.storageClassName, 'standard')
  assert.deepEqual(vspec.nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values, [node])
  assert.equal(vol.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'kubeling.dev/local-path')

  assert.deepEqual((claim['status'] as { capacity?: unknown }).capacity, { storage: '5Gi' })
  await c.client.patch(CLAIMS, 'default', 'dyn', { spec: { resources: { requests: { storage: '8Gi' } } } })
  await c.until('claim capacity 8Gi', async () => ((await get(CLAIMS, 'default', 'dyn'))?.['status'] as { capacity?: { storage?: string } }).capacity?.storage === '8Gi')
  assert.equal(spec<{ capacity: { storage: string } }>((await get(VOLUMES, undefined, pvName))!).capacity.storage, '8Gi')

  await c.client.delete(PODS, 'default', 'consumer')
  await c.client.delete(CLAIMS, 'default', 'dyn')
  await c.until('volume deleted', async () => !(await get(VOLUMES, undefined, pvName)), 20_000)
  assert.ok(!existsSync(vspec.hostPath.path), 'its directory removed')
})

test('a Retain volume is Released and kept when its claim goes; a bound volume being deleted waits for its release', async () => {
  await c.client.create(VOLUMES, undefined, { ...pv('keep', join(hostDir, 'keep'), 'Retain'), spec: { ...spec<object>(pv('keep', join(hostDir, 'keep'), 'Retain')), storageClassName: 'manual' } })
  await c.client.create(CLAIMS, 'default', { metadata: { name: 'keeper' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '500Mi' } } } })
  await c.until('keeper Bound', async () => phase(await get(CLAIMS, 'default', 'keeper')) === 'Bound')
  assert.deepEqual(((await get(CLAIMS, 'default', 'keeper'))!['status'] as { capacity?: unknown }).capacity, { storage: '1Gi' }, 'capacity mirrors the volume')
  await c.until('keep protected', async () => (await get(VOLUMES, undefined, 'keep'))?.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER))
  await c.client.delete(VOLUMES, undefined, 'keep')
  await new Promise((r) => setTimeout(r, 300))
  const v = await get(VOLUMES, undefined, 'keep')
  assert.ok(v?.metadata.deletionTimestamp, 'Terminating while Bound')
  await c.client.delete(CLAIMS, 'default', 'keeper')
  await c.until('keep gone once Released', async () => !(await get(VOLUMES, undefined, 'keep')))
})

test('a claim naming a missing volume stays Pending and binds once the volume appears (PV-013, PV-014)', async () => {
  await c.client.create(CLAIMS, 'default', { metadata: { name: 'wants' }, spec: { volumeName: 'later', storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(phase(await get(CLAIMS, 'default', 'wants')), 'Pending')
  await c.client.create(VOLUMES, undefined, pv('later', join(hostDir, 'later'), 'Retain'))
  await c.until('wants Bound to later', async () => phase(await get(CLAIMS, 'default', 'wants')) === 'Bound')
  const v = (await get(VOLUMES, undefined, 'later'))!
  assert.equal(spec<{ claimRef: { name: string } }>(v).claimRef.name, 'wants')
})
