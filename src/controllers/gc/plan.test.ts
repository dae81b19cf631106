import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import type { ObjectNode } from './graph.js'
import { OwnerGraph } from './graph.js'
import { ownerStateOf, planAttemptToDelete, planDeletingOwner } from './plan.js'
import type { GcAction, OwnerState } from './plan.js'

function obj(name: string, mut: Partial<ObjectNode> = {}): ObjectNode {
  return {
    uid: `uid-${name}`, group: '', resource: 'pods', namespaced: true, apiVersion: 'v1', kind: 'Pod', namespace: 'default', name,
    resourceVersion: '1', ownerReferences: [], finalizers: [], deletionTimestamp: undefined, ...mut,
  }
}
const ref = (name: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: `uid-${name}`, controller: true, blockOwnerDeletion: block })
const owners = (...s: Array<[string, OwnerState]>) => s.map(([name, state]) => ({ ref: ref(name), state }))
const summary = (a: readonly GcAction[]): string[] => a.map((x) => {
  switch (x.type) {
    case 'deleteObject': return `delete ${x.target.name} ${x.policy}`
    case 'removeOwnerRefs': return `removeOwnerRefs ${x.target.name} ${x.uids.join(',')}`
    case 'unblockOwnerRefs': return `unblock ${x.target.name}`
    case 'removeFinalizer': return `removeFinalizer ${x.target.name} ${x.finalizer}`
    case 'attemptToDelete': return `attempt ${x.uids.join(',')}`
  }
  return ''
})

test('planAttemptToDelete() decides by the state of all owners (GC-002..GC-004)', () => {
  const item = obj('web-0', { ownerReferences: [ref('web')] })
  const cases: Array<[string, ObjectNode, ReturnType<typeof owners>, ObjectNode[], string[]]> = [
    ['no owners: never collected', obj('x'), [], [], []],
    ['owner alive: kept', item, owners(['web', 'solid']), [], []],
    ['owner gone: deleted in the background', item, owners(['web', 'dangling']), [], ['delete web-0 Background']],
    ['one owner alive, one gone: dangling ref dropped', item, owners(['web', 'solid'], ['old', 'dangling']), [], ['removeOwnerRefs web-0 uid-old']],
    ['owner waiting, no dependents: deleted', item, owners(['web', 'waiting']), [], ['delete web-0 Background']],
    ['owner waiting, has dependents: foreground', item, owners(['web', 'waiting']), [obj('d')], ['delete web-0 Foreground']],
    ['orphan finalizer honoured', obj('p', { finalizers: ['orphan'] }), owners(['web', 'dangling']), [], ['delete p Orphan']],
  ]
  for (const [name, it, os, deps, want] of cases) assert.deepEqual(summary(planAttemptToDelete(it, os, deps)), want, name)
})

test('planDeletingOwner() orphans dependents, then drops the orphan finalizer', () => {
  const owner = obj('web', { kind: 'StatefulSet', deletionTimestamp: 'now', finalizers: ['orphan'] })
  assert.deepEqual(summary(planDeletingOwner(owner, [obj('web-0'), obj('web-1')])), ['removeOwnerRefs web-0 uid-web', 'removeOwnerRefs web-1 uid-web', 'removeFinalizer web orphan'])
})

test('planDeletingOwner() waits for blocking dependents before dropping foregroundDeletion (GC-005)', () => {
  const owner = obj('web', { kind: 'StatefulSet', deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] })
  const blocking = obj('web-0', { ownerReferences: [{ ...ref('web'), uid: 'uid-web' }] })
  const terminating = obj('web-1', { ownerReferences: [{ ...ref('web'), uid: 'uid-web' }], deletionTimestamp: 'now' })
  const loose = obj('cm', { ownerReferences: [{ ...ref('web', false), uid: 'uid-web' }] })
  assert.deepEqual(summary(planDeletingOwner(owner, [blocking, terminating, loose])), ['attempt uid-web-0,uid-cm'])
  assert.deepEqual(summary(planDeletingOwner(owner, [terminating])), [])
  assert.deepEqual(summary(planDeletingOwner(owner, [loose])), ['removeFinalizer web foregroundDeletion'])
})

test('ownerStateOf() treats another UID or another namespace as gone (GC-007)', () => {
  const item = obj('p', { ownerReferences: [ref('web')] })
  assert.equal(ownerStateOf(item, ref('web'), undefined), 'unknown')
  assert.equal(ownerStateOf(item, ref('web'), obj('web')), 'solid')
  assert.equal(ownerStateOf(item, ref('web'), obj('web', { namespace: 'other' })), 'dangling')
  assert.equal(ownerStateOf(item, ref('web'), obj('web', { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] })), 'waiting')
})

test('OwnerGraph indexes dependents and reports refs an update dropped', () => {
  const g = new OwnerGraph()
  g.upsert(obj('web', { kind: 'StatefulSet' }))
  g.upsert(obj('web-0', { ownerReferences: [ref('web')] }))
  assert.deepEqual(g.dependentsOf('uid-web').map((n) => n.name), ['web-0'])
  assert.deepEqual(g.upsert(obj('web-0')), ['uid-web'])
  assert.deepEqual(g.dependentsOf('uid-web'), [])
  g.remove('uid-web-0')
  assert.equal(g.size, 1)
})
