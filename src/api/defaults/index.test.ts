import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults, defaultTolerationSeconds, featureGates, imageTag, podQOSClass, prepareForCreate, prepareForUpdate } from './index.js'

function defaulted(group: string, resource: string, o: object): KubeObject {
  const obj = structuredClone(o) as KubeObject
  applyDefaults(group, resource, obj)
  return obj
}

const POD_SPEC_DEFAULTS = { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' }

void test('pod defaults', () => {
  const pod = defaulted('', 'pods', {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      containers: [
        { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '0.5', memory: '1024Mi' } }, livenessProbe: { httpGet: { port: 80 } } },
        { name: 'b', image: 'registry:5000/app:1.2' },
      ],
      volumes: [{ name: 'scratch' }, { name: 's', secret: { secretName: 'x' } }, { name: 'h', hostPath: { path: '/x' } }],
    },
  })
  assert.deepEqual(pod['spec'], {
    containers: [
      {
        name: 'a', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
        livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      },
      { name: 'b', image: 'registry:5000/app:1.2', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
    ],
    volumes: [{ name: 'scratch', emptyDir: {} }, { name: 's', secret: { secretName: 'x', defaultMode: 420 } }, { name: 'h', hostPath: { path: '/x', type: '' } }],
    ...POD_SPEC_DEFAULTS,
    enableServiceLinks: true,
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
  })
  const again = structuredClone(pod)
  applyDefaults('', 'pods', again)
  assert.deepEqual(again, pod, 'idempotent')
})

void test('image pull policy follows the tag', () => {
  assert.equal(imageTag('nginx'), 'latest')
  assert.equal(imageTag('nginx:latest'), 'latest')
  assert.equal(imageTag('nginx:1.7.9'), '1.7.9')
  assert.equal(imageTag('localhost:5000/nginx'), 'latest')
  assert.equal(imageTag('nginx@sha256:abc'), '')
})

void test('DefaultTolerationSeconds and QoS', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] } } as unknown as KubeObject
  defaultTolerationSeconds(pod)
  assert.deepEqual((pod['spec'] as { tolerations: unknown[] }).tolerations, [
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ])
  const tolerateAll = { metadata: {}, spec: { tolerations: [{ operator: 'Exists' }] } } as unknown as KubeObject
  defaultTolerationSeconds(tolerateAll)
  assert.equal((tolerateAll['spec'] as { tolerations: unknown[] }).tolerations.length, 1)
  const prepared = { metadata: { name: 'p' }, spec: { containers: [] } } as unknown as KubeObject
  prepareForCreate('', 'pods', prepared)
  assert.equal((prepared['spec'] as { tolerations: unknown[] }).tolerations.length, 2)
  const qos = (resources: object) => podQOSClass({ metadata: {}, spec: { containers: [{ name: 'c', resources }] } } as unknown as KubeObject)
  assert.equal(qos({}), 'BestEffort')
  assert.equal(qos({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } }), 'Guaranteed')
  assert.equal(qos({ requests: { cpu: '1' } }), 'Burstable')
})

void test('StatefulSet apps/v1 defaults', () => {
  const sts = defaulted('apps', 'statefulsets', {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } }],
    },
  })
  const spec = sts['spec'] as Record<string, unknown>
  assert.equal(spec['replicas'], 1)
  assert.equal(spec['podManagementPolicy'], 'OrderedReady')
  assert.deepEqual(spec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } })
  assert.equal(spec['revisionHistoryLimit'], 10)
  assert.deepEqual(spec['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' })
  assert.deepEqual(spec['volumeClaimTemplates'], [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }])
  assert.equal('minReadySeconds' in spec, false)
  assert.equal('ordinals' in spec, false)
  const tspec = (spec['template'] as { spec: Record<string, unknown> }).spec
  assert.equal(tspec['restartPolicy'], 'Always')
  assert.equal('priority' in tspec, false, 'admission defaults stay off templates')

  const explicit = defaulted('apps', 'statefulsets', { metadata: {}, spec: { updateStrategy: { type: 'RollingUpdate' } } })
  assert.deepEqual((explicit['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate' }, 'explicit RollingUpdate without rollingUpdate stays nil')
  const onDelete = defaulted('apps', 'statefulsets', { metadata: {}, spec: { updateStrategy: { type: 'OnDelete' } } })
  assert.deepEqual((onDelete['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'OnDelete' })

  featureGates.MaxUnavailableStatefulSet = true
  try {
    const gated = defaulted('apps', 'statefulsets', { metadata: {}, spec: {} })
    assert.deepEqual((gated['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } })
  } finally {
    featureGates.MaxUnavailableStatefulSet = false
  }
})

void test('DaemonSet, Deployment, ReplicaSet defaults', () => {
  const ds = defaulted('apps', 'daemonsets', { metadata: { name: 'ds' }, spec: { template: { spec: { containers: [] } } } })
  assert.deepEqual((ds['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } })
  assert.equal((ds['spec'] as Record<string, unknown>)['revisionHistoryLimit'], 10)
  assert.deepEqual(ds.metadata.annotations, { 'deprecated.daemonset.template.generation': '1' })
  const onDelete = defaulted('apps', 'daemonsets', { metadata: {}, spec: { updateStrategy: { type: 'OnDelete' } } })
  assert.deepEqual((onDelete['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'OnDelete' })
  const dep = defaulted('apps', 'deployments', { metadata: {}, spec: {} })
  assert.deepEqual(dep['spec'], { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 })
  assert.deepEqual(defaulted('apps', 'replicasets', { metadata: {}, spec: {} })['spec'], { replicas: 1 })
})

void test('Service defaults', () => {
  const svc = defaulted('', 'services', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } })
  assert.deepEqual(svc['spec'], {
    selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'],
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }],
    sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  })
  const np = defaulted('', 'services', { metadata: {}, spec: { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } })
  assert.equal((np['spec'] as Record<string, unknown>)['externalTrafficPolicy'], 'Cluster')
  assert.deepEqual((np['spec'] as Record<string, unknown>)['sessionAffinityConfig'], { clientIP: { timeoutSeconds: 10800 } })
  const headless = defaulted('', 'services', { metadata: {}, spec: { clusterIP: 'None' } })
  assert.equal((headless['spec'] as Record<string, unknown>)['ipFamilyPolicy'], 'RequireDualStack')
  const ext = defaulted('', 'services', { metadata: {}, spec: { type: 'ExternalName', externalName: 'example.com' } })
  assert.deepEqual(ext['spec'], { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' })
})

void test('storage, namespace, node, secret, endpoints and storage class defaults', () => {
  const pv = defaulted('', 'persistentvolumes', { metadata: { name: 'pv' }, spec: { capacity: { storage: '1024Mi' }, hostPath: { path: '/x' } } })
  assert.deepEqual(pv['spec'], { capacity: { storage: '1Gi' }, hostPath: { path: '/x', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' })
  assert.deepEqual(pv['status'], { phase: 'Pending' })
  const pvc = defaulted('', 'persistentvolumeclaims', { metadata: {}, spec: {} })
  assert.deepEqual(pvc['spec'], { volumeMode: 'Filesystem' })
  assert.deepEqual(pvc['status'], { phase: 'Pending' })
  const ns = defaulted('', 'namespaces', { metadata: { name: 'dev' } })
  assert.deepEqual(ns, { metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })
  const secret = defaulted('', 'secrets', { metadata: {}, stringData: { password: 'pä' }, data: { user: 'YQ==' } })
  assert.deepEqual(secret, { metadata: {}, type: 'Opaque', data: { user: 'YQ==', password: 'cMOk' } })
  const ep = defaulted('', 'endpoints', { metadata: {}, subsets: [{ ports: [{ port: 80 }] }] })
  assert.deepEqual(ep['subsets'], [{ ports: [{ port: 80, protocol: 'TCP' }] }])
  const sc = defaulted('storage.k8s.io', 'storageclasses', { metadata: {}, provisioner: 'p' })
  assert.equal(sc['reclaimPolicy'], 'Delete')
  assert.equal(sc['volumeBindingMode'], 'Immediate')
})

void test('prepareForUpdate keeps server-owned fields', () => {
  const oldNs = defaulted('', 'namespaces', { metadata: { name: 'dev' } })
  const ns = { metadata: { name: 'dev' }, spec: { finalizers: [] } } as unknown as KubeObject
  prepareForUpdate('', 'namespaces', ns, oldNs)
  assert.deepEqual(ns['spec'], { finalizers: ['kubernetes'] })
  const oldSvc = defaulted('', 'services', { metadata: {}, spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: 30080 }] } })
  const svc = { metadata: {}, spec: { type: 'NodePort', ports: [{ port: 80 }] } } as unknown as KubeObject
  prepareForUpdate('', 'services', svc, oldSvc)
  applyDefaults('', 'services', svc)
  assert.deepEqual(svc['spec'], oldSvc['spec'])
})
