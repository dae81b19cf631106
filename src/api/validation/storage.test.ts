import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate, validateStatusUpdate, validateUpdate } from './index.js'

type Mut = (o: any) => void

const PV = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv001', resourceVersion: '1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Recycle', hostPath: { path: '/tmp/data' } } }
const PVC = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www-web-0', namespace: 'default', resourceVersion: '1' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }

function make(resource: string, base: object, mut?: Mut): KubeObject {
  const o = structuredClone(base) as KubeObject
  mut?.(o)
  applyDefaults('', resource, o)
  return o
}
const texts = (errs: ReturnType<typeof validateCreate>) => errs.map(upstreamFieldErrorText)
const pv = (mut?: Mut) => make('persistentvolumes', PV, mut)
const pvc = (mut?: Mut) => make('persistentvolumeclaims', PVC, mut)

void test('PersistentVolume create rules', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['seed pv001 (Recycle on hostPath)', () => {}, []],
    ['capacity required', (o) => { delete o.spec.capacity }, ['spec.capacity: Required value', 'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"']],
    ['only storage capacity', (o) => { o.spec.capacity.cpu = '1' }, ['spec.capacity: Unsupported value: core.ResourceList{"cpu":1, "storage":1Gi}: supported values: "storage"']],
    ['positive capacity', (o) => { o.spec.capacity = { storage: '0' } }, ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ['access modes required', (o) => { o.spec.accessModes = [] }, ['spec.accessModes: Required value']],
    ['access mode values', (o) => { o.spec.accessModes = ['ReadWriteSometimes'] }, ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ['ReadWriteOncePod alone', (o) => { o.spec.accessModes = ['ReadWriteOnce', 'ReadWriteOncePod'] }, ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
    ['a volume source is required', (o) => { delete o.spec.hostPath }, ['spec: Required value: must specify a volume type']],
    ['exactly one source', (o) => { o.spec.nfs = { server: 'nfs.example.com', path: '/exports' } }, ['spec.nfs: Forbidden: may not specify more than 1 volume type']],
    ['reclaim policy values', (o) => { o.spec.persistentVolumeReclaimPolicy = 'Keep' }, ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"']],
    ['no Recycle of /', (o) => { o.spec.hostPath.path = '/' }, ["spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"]],
    ['hostPath path required', (o) => { o.spec.hostPath = { path: '' } }, ['spec.hostPath.path: Required value']],
    ['hostPath type', (o) => { o.spec.hostPath.type = 'Dir' }, ['spec.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"']],
    ['nfs needs an absolute path', (o) => { delete o.spec.hostPath; o.spec.nfs = { server: 'nfs', path: 'exports' } }, ['spec.nfs.path: Invalid value: "exports": must be an absolute path']],
    ['local needs node affinity', (o) => { delete o.spec.hostPath; o.spec.local = { path: '/mnt/disk' } }, ['spec.nodeAffinity: Required value: Local volume requires node affinity']],
    ['cluster-scoped', (o) => { o.metadata.namespace = 'default' }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['volumeMode', (o) => { o.spec.volumeMode = 'Raw' }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(texts(validateCreate('', 'persistentvolumes', pv(mut))), want, name)
})

void test('PersistentVolume update: the source is immutable', () => {
  const old = pv()
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumes', pv((o) => { o.spec.capacity.storage = '2Gi'; o.spec.claimRef = { name: 'c', namespace: 'default' } }), old)), [])
  const moved = texts(validateUpdate('', 'persistentvolumes', pv((o) => { o.spec.hostPath.path = '/tmp/other' }), old))
  assert.equal(moved.length, 1)
  assert.ok(moved[0]!.startsWith('spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n'), moved[0])
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumes', pv((o) => { o.spec.volumeMode = 'Block' }), old)), ['volumeMode: Invalid value: "Block": field is immutable'])
  assert.deepEqual(texts(validateStatusUpdate('', 'persistentvolumes', pv((o) => { o.status = { phase: 'Bound' } }), old)), [])
})

void test('PersistentVolumeClaim create rules', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['valid', () => {}, []],
    ['modes and storage required', (o) => { o.spec.accessModes = []; o.spec.resources = {} }, [
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]],
    ['storage must be positive', (o) => { o.spec.resources.requests.storage = '0' }, ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['volumeMode', (o) => { o.spec.volumeMode = 'Raw' }, ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"']],
    ['storageClassName', (o) => { o.spec.storageClassName = 'Fast_SC' }, [
      "spec.storageClassName: Invalid value: \"Fast_SC\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
    ['empty storageClassName is allowed', (o) => { o.spec.storageClassName = '' }, []],
    ['selector', (o) => { o.spec.selector = { matchExpressions: [{ key: 'release', operator: 'In' }] } }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(texts(validateCreate('', 'persistentvolumeclaims', pvc(mut))), want, name)
})

void test('PersistentVolumeClaim update: binding once, expansion only when bound', () => {
  const old = pvc()
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.spec.volumeName = 'pv001' }), old)), [])
  const bound = pvc((o) => { o.spec.volumeName = 'pv001' })
  const rebind = texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.spec.volumeName = 'pv002' }), bound))
  assert.equal(rebind.length, 1)
  assert.ok(rebind[0]!.startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'))
  const unboundResize = texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.spec.resources.requests.storage = '2Gi' }), old))
  assert.equal(unboundResize.length, 1)
  assert.ok(unboundResize[0]!.startsWith('spec: Forbidden: spec is immutable after creation'))
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.spec.resources.requests.storage = '2Gi'; o.status = { phase: 'Bound' } }), old)), [])
  const boundOld = pvc((o) => { o.spec.resources.requests.storage = '2Gi'; o.status = { phase: 'Bound', capacity: { storage: '2Gi' } } })
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.status = { phase: 'Bound', capacity: { storage: '2Gi' } } }), boundOld)), [
    'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
  ])
  assert.deepEqual(texts(validateUpdate('', 'persistentvolumeclaims', pvc((o) => { o.spec.volumeMode = 'Block' }), old)).slice(-1), ['volumeMode: Invalid value: "Block": field is immutable'])
})

void test('StorageClass rules', () => {
  const sc = (mut?: Mut): KubeObject => {
    const o = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', resourceVersion: '1' }, provisioner: 'kubeling.io/hostpath' }
    mut?.(o)
    applyDefaults('storage.k8s.io', 'storageclasses', o)
    return o
  }
  assert.equal(sc()['reclaimPolicy'], 'Delete')
  assert.equal(sc()['volumeBindingMode'], 'Immediate')
  assert.deepEqual(texts(validateCreate('storage.k8s.io', 'storageclasses', sc())), [])
  assert.deepEqual(texts(validateCreate('storage.k8s.io', 'storageclasses', sc((o) => { o.provisioner = ''; o.reclaimPolicy = 'Recycle'; o.volumeBindingMode = 'Later' }))), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ])
  assert.deepEqual(texts(validateUpdate('storage.k8s.io', 'storageclasses', sc((o) => { o.provisioner = 'other.io/x'; o.parameters = { a: 'b' } }), sc())), [
    'parameters: Forbidden: updates to parameters are forbidden.',
    'provisioner: Forbidden: updates to provisioner are forbidden.',
  ])
})
