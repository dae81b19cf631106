import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../../api/index.js'
import { planNamespaceDeletion } from './plan.js'

const ns = (deleting: boolean, finalizers = ['kubernetes']): KubeObject => ({
  metadata: { name: 'tmp', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) }, spec: { finalizers }, status: { phase: deleting ? 'Terminating' : 'Active' },
})
const item = (name: string, deleting = false): KubeObject => ({ metadata: { name, uid: `uid-${name}`, ...(deleting ? { deletionTimestamp: 'x' } : {}) } })

test('planNamespaceDeletion() leaves an active namespace alone', () => {
  assert.deepEqual(planNamespaceDeletion({ namespace: ns(false), contents: new Map([['/pods', [item('p')]]]) }).actions, [])
})

test('planNamespaceDeletion() deletes what remains and waits', () => {
  const plan = planNamespaceDeletion({ namespace: ns(true), contents: new Map([['/pods', [item('p'), item('q', true)]], ['apps/statefulsets', [item('web')]]]) })
  assert.deepEqual(plan.actions.slice(0, 2), [
    { type: 'deleteObject', resource: '/pods', name: 'p', uid: 'uid-p' },
    { type: 'deleteObject', resource: 'apps/statefulsets', name: 'web', uid: 'uid-web' },
  ])
  const cond = plan.actions[2]
  assert.equal(cond?.type, 'updateConditions')
  const remaining = cond?.type === 'updateConditions' ? cond.conditions.find((c) => c.type === 'NamespaceContentRemaining') : undefined
  assert.equal(remaining?.message, 'Some resources are remaining: pods has 2 resource instances, statefulsets.apps has 1 resource instances')
  assert.equal(plan.requeueAfterMs, 1000)
})

test('planNamespaceDeletion() removes the kubernetes finalizer once the namespace is empty', () => {
  assert.deepEqual(planNamespaceDeletion({ namespace: ns(true, ['kubernetes', 'other']), contents: new Map() }).actions, [{ type: 'finalize', finalizers: ['other'] }])
  assert.deepEqual(planNamespaceDeletion({ namespace: ns(true, []), contents: new Map() }).actions, [], 'already finalized')
})
