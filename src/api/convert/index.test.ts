import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate } from '../validation/index.js'
import { convertFromStorage, convertToStorage } from './index.js'

// The seed manifests (shared/seed/manifests), as a client would send them.
const NGINX_DS = {
  kind: 'DaemonSet', apiVersion: 'extensions/v1beta1',
  metadata: { name: 'nginx-ds', labels: { 'k8s-app': 'nginx' } },
  spec: { template: { metadata: { labels: { 'k8s-app': 'nginx' } }, spec: { containers: [{ image: 'nginx:1.7.9', name: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] } } },
}
const PV001 = {
  apiVersion: 'v1', kind: 'PersistentVolume',
  metadata: { name: 'pv001', labels: { release: 'stable' } },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Recycle', hostPath: { path: '/tmp/data' } },
}
const NGINX_SVC = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' },
  spec: { ports: [{ port: 80, name: 'web' }], clusterIP: 'None', selector: { app: 'nginx', role: 'stateful' } },
}
const WEB_STS = {
  apiVersion: 'apps/v1beta1', kind: 'StatefulSet', metadata: { name: 'web' },
  spec: {
    serviceName: 'nginx', replicas: 2,
    template: {
      metadata: { labels: { app: 'nginx', role: 'stateful' } },
      spec: { containers: [{ name: 'nginx', image: 'cnych/nginx-slim:0.8', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
}

/** What the API server does with a create: convert, set the namespace, default, validate. */
function admit(group: string, resource: string, manifest: object, namespace?: string): { obj: KubeObject; errors: string[] } {
  const sent = structuredClone(manifest) as KubeObject
  const obj = convertToStorage(String(sent.apiVersion), sent)
  if (namespace) obj.metadata.namespace = namespace
  applyDefaults(group, resource, obj)
  return { obj, errors: validateCreate(group, resource, obj).map(upstreamFieldErrorText) }
}

void test('the seed manifests convert, default and validate cleanly', () => {
  const ds = admit('apps', 'daemonsets', NGINX_DS, 'default')
  assert.deepEqual(ds.errors, [])
  assert.equal(ds.obj.apiVersion, 'apps/v1')
  const dsSpec = ds.obj['spec'] as Record<string, unknown>
  assert.deepEqual(dsSpec['selector'], { matchLabels: { 'k8s-app': 'nginx' } })
  assert.deepEqual(dsSpec['updateStrategy'], { type: 'OnDelete' })
  assert.equal(dsSpec['revisionHistoryLimit'], 10)
  assert.equal(ds.obj.metadata.annotations?.['deprecated.daemonset.template.generation'], '1')

  const pv = admit('', 'persistentvolumes', PV001)
  assert.deepEqual(pv.errors, [])
  assert.equal((pv.obj['spec'] as Record<string, unknown>)['persistentVolumeReclaimPolicy'], 'Recycle')

  const svc = admit('', 'services', NGINX_SVC, 'default')
  assert.deepEqual(svc.errors, [])
  assert.deepEqual((svc.obj['spec'] as Record<string, unknown>)['clusterIPs'], ['None'])

  const sts = admit('apps', 'statefulsets', WEB_STS, 'default')
  assert.deepEqual(sts.errors, [])
  const stsSpec = sts.obj['spec'] as Record<string, unknown>
  assert.equal(sts.obj.apiVersion, 'apps/v1')
  assert.deepEqual(sts.obj.metadata.labels, { app: 'nginx', role: 'stateful' })
  assert.deepEqual(stsSpec['selector'], { matchLabels: { app: 'nginx', role: 'stateful' } })
  assert.deepEqual(stsSpec['updateStrategy'], { type: 'OnDelete' })
  assert.equal(stsSpec['podManagementPolicy'], 'OrderedReady')
  assert.equal(stsSpec['replicas'], 2)
  assert.equal(stsSpec['revisionHistoryLimit'], 10)
  assert.deepEqual(stsSpec['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' })
})

void test('legacy defaults differ from apps/v1 ones', () => {
  const base = { metadata: { name: 'x' }, spec: { template: { metadata: { labels: { a: 'b' } } } } }
  const v1beta2Sts = convertToStorage('apps/v1beta2', { ...structuredClone(base), apiVersion: 'apps/v1beta2', kind: 'StatefulSet' } as KubeObject)
  assert.deepEqual((v1beta2Sts['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } })
  assert.equal((v1beta2Sts['spec'] as Record<string, unknown>)['selector'], undefined, 'apps/v1beta2 does not default the selector')
  const v1beta1Ru = convertToStorage('apps/v1beta1', { metadata: {}, apiVersion: 'apps/v1beta1', kind: 'StatefulSet', spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } } } as KubeObject)
  assert.deepEqual((v1beta1Ru['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } })
  const v1beta1NoRu = convertToStorage('apps/v1beta1', { metadata: {}, apiVersion: 'apps/v1beta1', kind: 'StatefulSet', spec: { updateStrategy: { type: 'RollingUpdate' } } } as KubeObject)
  assert.deepEqual((v1beta1NoRu['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate' })
  const extRolling = convertToStorage('extensions/v1beta1', { metadata: {}, apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', spec: { templateGeneration: 4, updateStrategy: { type: 'RollingUpdate' } } } as KubeObject)
  assert.deepEqual(extRolling['spec'], { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 })
  assert.deepEqual(extRolling.metadata.annotations, { 'deprecated.daemonset.template.generation': '4' })
  const v1beta2Ds = convertToStorage('apps/v1beta2', { metadata: {}, apiVersion: 'apps/v1beta2', kind: 'DaemonSet', spec: {} } as KubeObject)
  assert.deepEqual(v1beta2Ds['spec'], { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 })
})

void test('storage versions pass through; unknown pairs throw', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } as KubeObject
  const same = convertToStorage('v1', pod)
  assert.deepEqual(same, pod)
  assert.notEqual(same, pod)
  assert.throws(() => convertToStorage('apps/v1beta1', { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: {} } as KubeObject), /no kind "Deployment" is registered for version "apps\/v1beta1"/)
  assert.throws(() => convertToStorage('extensions/v1beta1', { kind: 'StatefulSet', metadata: {} } as KubeObject), /no kind "StatefulSet"/)
})

void test('convertFromStorage answers legacy versions', () => {
  const ds = admit('apps', 'daemonsets', NGINX_DS, 'default').obj
  const ext = convertFromStorage('extensions/v1beta1', ds)
  assert.equal(ext.apiVersion, 'extensions/v1beta1')
  assert.equal((ext['spec'] as Record<string, unknown>)['templateGeneration'], 1)
  assert.equal(ext.metadata.annotations, undefined)
  assert.equal(ds.metadata.annotations?.['deprecated.daemonset.template.generation'], '1', 'input untouched')
  const back = convertToStorage('extensions/v1beta1', ext)
  assert.deepEqual(back, ds)
  const v1beta2 = convertFromStorage('apps/v1beta2', ds)
  assert.equal(v1beta2.apiVersion, 'apps/v1beta2')
  assert.deepEqual(v1beta2.metadata, ds.metadata)
  const sts = admit('apps', 'statefulsets', WEB_STS, 'default').obj
  assert.equal(convertFromStorage('apps/v1beta1', sts).apiVersion, 'apps/v1beta1')
  assert.deepEqual(convertFromStorage('apps/v1', sts), sts)
  assert.throws(() => convertFromStorage('apps/v1beta1', ds), /no kind "DaemonSet"/)
})
