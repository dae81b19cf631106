import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from '../../api/storage/helpers.js'
import { newClaim, newVolume, podUsing } from '../pvbinder/testing.js'
import { planClaimProtection, planVolumeProtection } from './plan.js'

const deleting = <T extends PersistentVolume | PersistentVolumeClaim>(o: T, finalizers: string[]): T =>
  ({ ...o, metadata: { ...(o.metadata ?? {}), deletionTimestamp: '2026-01-01T00:00:00Z', finalizers } })
const protectedClaim = (): PersistentVolumeClaim => ({ ...newClaim('c', 'u', '1Gi', 'pv', 'Bound'), metadata: { name: 'c', namespace: 'default', uid: 'u', resourceVersion: '7', finalizers: [PVC_PROTECTION_FINALIZER] } })
const pod = (mut: (p: Pod) => Pod = (p) => p): Pod => mut(podUsing('web-0', 'c', 'node-1'))

test('planClaimProtection() adds the finalizer to a live claim once', () => {
  const fresh = newClaim('c', 'u', '1Gi', '', 'Pending')
  assert.deepEqual(planClaimProtection(fresh, []).actions, [{ type: 'setFinalizers', finalizers: [PVC_PROTECTION_FINALIZER], resourceVersion: '1', reason: 'add' }])
  assert.deepEqual(planClaimProtection(protectedClaim(), []).actions, [])
})

test('planClaimProtection() keeps a deleted claim while a scheduled, running pod uses it, and releases it otherwise', () => {
  const claim = deleting(protectedClaim(), [PVC_PROTECTION_FINALIZER, 'example.com/other'])
  const remove = [{ type: 'setFinalizers', finalizers: ['example.com/other'], resourceVersion: '7', reason: 'remove' }]
  const cases: Array<[string, Pod[], boolean]> = [
    ['no pods', [], false],
    ['a running pod on a node', [pod()], true],
    ['a terminating pod still counts', [pod((p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: 'x', deletionGracePeriodSeconds: 30 } }))], true],
    ['an unscheduled pod does not count', [podUsing('web-0', 'c')], false],
    ['a Succeeded pod does not count', [pod((p) => ({ ...p, status: { phase: 'Succeeded' } }))], false],
    ['a shut-down pod (grace period 0) does not count', [pod((p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: 'x', deletionGracePeriodSeconds: 0 } }))], false],
    ['a pod of another namespace does not count', [pod((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'other' } }))], false],
  ]
  for (const [name, pods, kept] of cases) {
    const plan = planClaimProtection(claim, pods)
    assert.deepEqual(plan.actions, kept ? [] : remove, name)
    if (kept) assert.deepEqual(plan.users, ['web-0'], name)
  }
})

test('planVolumeProtection() adds the finalizer and removes it from a deleted volume once it is not Bound', () => {
  const vol = newVolume('pv', '1Gi', '', '', 'Available')
  assert.deepEqual(planVolumeProtection(vol).actions, [{ type: 'setFinalizers', finalizers: [PV_PROTECTION_FINALIZER], resourceVersion: '1', reason: 'add' }])
  const bound = deleting(newVolume('pv', '1Gi', 'u', 'c', 'Bound'), [PV_PROTECTION_FINALIZER])
  assert.deepEqual(planVolumeProtection(bound).actions, [])
  const released = deleting(newVolume('pv', '1Gi', 'u', 'c', 'Released'), [PV_PROTECTION_FINALIZER])
  assert.deepEqual(planVolumeProtection(released).actions, [{ type: 'setFinalizers', finalizers: [], resourceVersion: '1', reason: 'remove' }])
  assert.deepEqual(planVolumeProtection(deleting(newVolume('pv', '1Gi', '', '', 'Available'), [])).actions, [], 'deleting without the finalizer: nothing to add')
})
