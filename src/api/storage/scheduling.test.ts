/**
 * The scheduler-side volume binding rules and the agent-side mount check, as tables.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import { ANN_SELECTED_NODE } from './helpers.js'
import { podVolumesReady } from './mount.js'
import { REASON_BIND_CONFLICT, REASON_NODE_CONFLICT, REASON_PV_NOT_EXIST, REASON_UNBOUND_IMMEDIATE, selectedNodePatches, volumeBindingFilter, volumeBindingPreFilter } from './scheduling.js'
import type { VolumeBindingView } from './scheduling.js'
import { newClaim, newClass, newNode, newVolume, podUsing, withAnn, withSpec } from '../../controllers/pvbinder/testing.js'

const local = (v: PersistentVolume, node: string): PersistentVolume =>
  withSpec(v, { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } })

function viewOf(claims: PersistentVolumeClaim[], volumes: PersistentVolume[]): VolumeBindingView {
  return {
    claim: (ns, name) => claims.find((c) => c.metadata?.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata?.name === name),
    volumes,
    classes: [newClass('standard', 'WaitForFirstConsumer', 'kubeling.dev/local-path', true), newClass('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')],
  }
}

const noClaims: Pod = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] } }

test('volumeBindingPreFilter() skips pods without claims and holds pods with unbound Immediate, missing or deleting claims', () => {
  const v = viewOf([newClaim('imm', 'u1', '1Gi', '', 'Pending'), { ...newClaim('dying', 'u2', '1Gi', 'pv', 'Bound'), metadata: { name: 'dying', namespace: 'default', deletionTimestamp: 'x' } }], [])
  assert.deepEqual(volumeBindingPreFilter(noClaims, v), { type: 'skip' })
  const imm = volumeBindingPreFilter(podUsing('web-0', 'imm'), v)
  assert.equal(imm.type, 'unschedulable')
  assert.deepEqual(imm.type === 'unschedulable' && imm.status.reasons, [REASON_UNBOUND_IMMEDIATE])
  const missing = volumeBindingPreFilter(podUsing('web-0', 'nope'), v)
  assert.deepEqual(missing.type === 'unschedulable' && missing.status.reasons, ['persistentvolumeclaim "nope" not found'])
  const dying = volumeBindingPreFilter(podUsing('web-0', 'dying'), v)
  assert.deepEqual(dying.type === 'unschedulable' && dying.status.reasons, ['persistentvolumeclaim "dying" is being deleted'])
})

test('volumeBindingFilter() sends a pod whose claim is bound to a local volume on node X to X only', () => {
  const claim = newClaim('www-web-0', 'u', '1Gi', 'pvc-u', 'Bound', 'standard')
  const v = viewOf([claim], [local(newVolume('pvc-u', '1Gi', 'u', 'www-web-0', 'Bound', 'Delete', 'standard'), 'node-2')])
  const pre = volumeBindingPreFilter(podUsing('web-0', 'www-web-0'), v)
  assert.ok(pre.type === 'ok')
  assert.equal(volumeBindingFilter(newNode('node-2'), pre.claims, v), undefined)
  assert.deepEqual(volumeBindingFilter(newNode('node-1'), pre.claims, v)?.reasons, [REASON_NODE_CONFLICT])
  const gone = viewOf([claim], [])
  assert.deepEqual(volumeBindingFilter(newNode('node-2'), pre.claims, gone)?.reasons, [REASON_PV_NOT_EXIST])
})

test('volumeBindingFilter() accepts any node for a provisionable WaitForFirstConsumer claim, only its selected node once chosen, and needs a static fit for no-provisioner classes', () => {
  const dyn = newClaim('dyn', 'u', '1Gi', '', 'Pending', 'standard')
  const v = viewOf([dyn], [])
  const pre = volumeBindingPreFilter(podUsing('p', 'dyn'), v)
  assert.ok(pre.type === 'ok')
  assert.equal(volumeBindingFilter(newNode('node-1'), pre.claims, v), undefined)
  assert.deepEqual(selectedNodePatches('node-1', pre.claims), [{ namespace: 'default', name: 'dyn', patch: { metadata: { annotations: { [ANN_SELECTED_NODE]: 'node-1' }, resourceVersion: '1' } } }])

  const chosen = withAnn(dyn, ANN_SELECTED_NODE, 'node-1')
  const v2 = viewOf([chosen], [])
  const pre2 = volumeBindingPreFilter(podUsing('p', 'dyn'), v2)
  assert.ok(pre2.type === 'ok')
  assert.equal(volumeBindingFilter(newNode('node-1'), pre2.claims, v2), undefined)
  assert.deepEqual(volumeBindingFilter(newNode('node-2'), pre2.claims, v2)?.reasons, [REASON_BIND_CONFLICT])
  assert.deepEqual(selectedNodePatches('node-1', pre2.claims), [], 'already chosen')

  const loc = newClaim('loc', 'u3', '1Gi', '', 'Pending', 'local')
  const v3 = viewOf([loc], [local(newVolume('lpv', '1Gi', '', '', 'Available', 'Retain', 'local'), 'node-3')])
  const pre3 = volumeBindingPreFilter(podUsing('p', 'loc'), v3)
  assert.ok(pre3.type === 'ok')
  assert.equal(volumeBindingFilter(newNode('node-3'), pre3.claims, v3), undefined)
  assert.deepEqual(volumeBindingFilter(newNode('node-1'), pre3.claims, v3)?.reasons, [REASON_BIND_CONFLICT])
})

test('podVolumesReady() holds a pod until its claims are Bound, with the kubelet\'s FailedMount message', () => {
  const claims = [newClaim('www-web-0', 'u', '1Gi', '', 'Pending')]
  const vols: PersistentVolume[] = []
  const view = { claim: (ns: string, n: string) => claims.find((c) => c.metadata?.name === n), volume: (n: string) => vols.find((v) => v.metadata?.name === n) }
  const waiting = podVolumesReady(podUsing('web-0', 'www-web-0'), view)
  assert.deepEqual(waiting, {
    ready: false,
    reason: 'FailedMount',
    message: 'Unable to attach or mount volumes: unmounted volumes=[v], unattached volumes=[v], failed to process volumes=[v]: error processing PVC default/www-web-0: PVC is not bound',
  })
  claims[0] = newClaim('www-web-0', 'u', '1Gi', 'pv001', 'Bound')
  vols.push(newVolume('pv001', '1Gi', 'u', 'www-web-0', 'Bound', 'Recycle'))
  assert.deepEqual(podVolumesReady(podUsing('web-0', 'www-web-0'), view), {
    ready: true,
    mounts: [{ name: 'v', claimName: 'www-web-0', volumeName: 'pv001', hostPath: '/tmp/pv001', readOnly: false }],
  })
  assert.deepEqual(podVolumesReady(noClaims, view), { ready: true, mounts: [] })
})
