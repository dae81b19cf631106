import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import { ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER } from '../../api/storage/helpers.js'
import { newClaim, newClass, newNode, newVolume, withAnn, withSpec } from '../pvbinder/testing.js'
import { PROVISIONER_NAME, defaultStorageClass, planExpansion, planProvision, planVolumeDeletion } from './plan.js'
import type { ProvisionView } from './plan.js'

const standard = defaultStorageClass()
const ours = (c: PersistentVolumeClaim): PersistentVolumeClaim => withAnn(c, ANN_STORAGE_PROVISIONER, PROVISIONER_NAME)
const view = (claim: PersistentVolumeClaim, over: Partial<ProvisionView> = {}): ProvisionView => ({
  claim, classes: [standard], volumeExists: () => false, nodes: new Map([['node-2', newNode('node-2')]]), volumesDir: '/var/kubeling/volumes', ...over,
})
const types = (p: { actions: readonly { type: string }[] }): string[] => p.actions.map((a) => a.type)

test('defaultStorageClass() is standard: local-path, WaitForFirstConsumer, Delete, expandable, the default', () => {
  assert.deepEqual(standard, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'kubeling.dev/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
  })
})

test('planProvision() makes a pre-bound volume pinned to the selected node under the volumes dir', () => {
  const claim = withAnn(ours(newClaim('www-web-0', 'abc', '1Gi', '', 'Pending', 'standard')), ANN_SELECTED_NODE, 'node-2')
  const plan = planProvision(view(claim))
  assert.deepEqual(types(plan), ['recordEvent', 'createVolume', 'recordEvent'])
  const create = plan.actions[1]
  assert.ok(create?.type === 'createVolume')
  assert.equal(create.directory, '/var/kubeling/volumes/pvc-abc')
  assert.deepEqual(create.volume.metadata, { name: 'pvc-abc', annotations: { [ANN_DYNAMICALLY_PROVISIONED]: PROVISIONER_NAME } })
  assert.deepEqual(create.volume.spec, {
    capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem',
    hostPath: { path: '/var/kubeling/volumes/pvc-abc', type: 'DirectoryOrCreate' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] }] } },
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'www-web-0', uid: 'abc', apiVersion: 'v1', resourceVersion: '1' },
  })
})

test('planProvision() leaves claims that are not ours, bound or already provisioned, and reports what it cannot do', () => {
  const base = ours(newClaim('c', 'u', '1Gi', '', 'Pending', 'standard'))
  assert.deepEqual(planProvision(view(newClaim('c', 'u', '1Gi', '', 'Pending', 'standard'))).actions, [], 'not handed to us')
  assert.deepEqual(planProvision(view(withAnn(base, ANN_STORAGE_PROVISIONER, 'example.com/other'))).actions, [])
  assert.deepEqual(planProvision(view(withSpec(withAnn(base, ANN_SELECTED_NODE, 'node-2'), { volumeName: 'x' }))).actions, [])
  assert.deepEqual(planProvision(view(withAnn(base, ANN_SELECTED_NODE, 'node-2'), { volumeExists: (n) => n === 'pvc-u' })).actions, [])
  assert.deepEqual(planProvision(view(base, { classes: [newClass('standard', 'Immediate', 'example.com/x')] })).actions, [], 'another provisioner\'s class')
  const msg = (c: PersistentVolumeClaim): string[] => planProvision(view(c)).actions.map((a) => (a.type === 'recordEvent' ? `${a.event.reason}: ${a.event.message}` : a.type))
  assert.deepEqual(msg(base), ['ProvisioningFailed: failed to provision volume with StorageClass "standard": configuration error, no node was specified'])
  assert.deepEqual(msg(withAnn(base, ANN_SELECTED_NODE, 'gone')), ['ProvisioningFailed: failed to provision volume with StorageClass "standard": nodes "gone" not found'])
  assert.deepEqual(msg(withSpec(withAnn(base, ANN_SELECTED_NODE, 'node-2'), { accessModes: ['ReadWriteMany'] })),
    ['ProvisioningFailed: failed to provision volume with StorageClass "standard": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access mode'])
})

test('planVolumeDeletion() deletes only Released Delete volumes it made, and only their own directory', () => {
  const mine = (phase: string, policy = 'Delete'): ReturnType<typeof newVolume> =>
    withSpec(withAnn(newVolume('pvc-u', '1Gi', 'u', 'c', phase, policy, 'standard'), ANN_DYNAMICALLY_PROVISIONED, PROVISIONER_NAME), { hostPath: { path: '/v/pvc-u' } })
  assert.deepEqual(types(planVolumeDeletion(mine('Released'), '/v')), ['deleteVolume'])
  assert.deepEqual(types(planVolumeDeletion(mine('Bound'), '/v')), [])
  assert.deepEqual(types(planVolumeDeletion(mine('Released', 'Retain'), '/v')), [])
  assert.deepEqual(types(planVolumeDeletion(newVolume('pv', '1Gi', 'u', 'c', 'Released', 'Delete'), '/v')), [], 'not provisioned by us')
  assert.deepEqual(types(planVolumeDeletion(withSpec(mine('Released'), { hostPath: { path: '/etc' } }), '/v')), ['recordEvent'], 'a foreign path is refused')
})

test('planExpansion() grows a provisioned volume to the request, then reports the capacity on the claim', () => {
  const vol = withAnn(newVolume('pvc-u', '1Gi', 'u', 'c', 'Bound', 'Delete', 'standard'), ANN_DYNAMICALLY_PROVISIONED, PROVISIONER_NAME)
  const claim = newClaim('c', 'u', '1Gi', 'pvc-u', 'Bound', 'standard')
  const bigger = withSpec(claim, { resources: { requests: { storage: '2Gi' } } })
  const plan = planExpansion(bigger, vol, [standard])
  assert.deepEqual(types(plan), ['recordEvent', 'updateVolume', 'recordEvent', 'updateClaimStatus', 'recordEvent'])
  const up = plan.actions[1]
  assert.ok(up?.type === 'updateVolume')
  assert.equal(up.volume.spec?.capacity?.['storage'], '2Gi')
  const st = plan.actions[3]
  assert.ok(st?.type === 'updateClaimStatus')
  assert.equal(st.claim.status?.capacity?.['storage'], '2Gi')
  assert.deepEqual(planExpansion(claim, vol, [standard]).actions, [], 'nothing to do')
  assert.deepEqual(planExpansion(bigger, vol, [{ ...standard, allowVolumeExpansion: false }]).actions, [], 'class does not allow it')
  assert.deepEqual(planExpansion(bigger, newVolume('pvc-u', '1Gi', 'u', 'c', 'Bound', 'Delete', 'standard'), [standard]).actions, [], 'not our volume')
})
