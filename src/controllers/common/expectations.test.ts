import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Expectations } from './expectations.js'
import { slowStartBatches } from './plan.js'
import { scaledValue } from './intstr.js'
import { claimObjects } from './owners.js'

test('Expectations are satisfied once every create and delete is observed, or after the TTL', () => {
  let now = 0
  const e = new Expectations(1000, () => now)
  assert.ok(e.satisfied('a'))
  e.expect('a', 2, 1)
  assert.ok(!e.satisfied('a'))
  e.creationObserved('a')
  e.creationObserved('a')
  assert.ok(!e.satisfied('a'))
  e.deletionObserved('a')
  assert.ok(e.satisfied('a'))
  e.expect('a', 1, 0)
  now = 2000
  assert.ok(e.satisfied('a'), 'expired')
})

test('slowStartBatches() doubles batch sizes up to the cap', () => {
  assert.deepEqual(slowStartBatches(7, 500), [0, 1, 1, 2, 2, 2, 2])
  assert.deepEqual(slowStartBatches(5, 2), [0, 1, 1, 2, 2])
  assert.deepEqual(slowStartBatches(0, 10), [])
})

test('scaledValue() resolves ints and percentages, rounding as asked', () => {
  assert.equal(scaledValue(3, 10, true), 3)
  assert.equal(scaledValue('25%', 10, true), 3)
  assert.equal(scaledValue('25%', 10, false), 2)
  assert.throws(() => scaledValue('x', 10, true), /invalid value for IntOrString/)
})

test('claimObjects() adopts matching orphans, releases strays, ignores others', () => {
  const owner = { metadata: { uid: 'me', namespace: 'ns' } }
  const mk = (name: string, app: string, ctrl?: string, deleting = false) => ({
    metadata: { name, namespace: 'ns', labels: { app }, ...(ctrl ? { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: ctrl, controller: true }] } : {}), ...(deleting ? { deletionTimestamp: 'now' } : {}) },
  })
  const objs = [mk('mine', 'a', 'me'), mk('stray', 'b', 'me'), mk('orphan', 'a'), mk('dying', 'a', undefined, true), mk('theirs', 'a', 'other')]
  const r = claimObjects(owner, objs, (o) => o.metadata.labels.app === 'a')
  assert.deepEqual(r.owned.map((o) => o.metadata.name), ['mine', 'orphan'])
  assert.deepEqual(r.adopt.map((o) => o.metadata.name), ['orphan'])
  assert.deepEqual(r.release.map((o) => o.metadata.name), ['stray'])
  const deleting = claimObjects({ metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, objs, (o) => o.metadata.labels.app === 'a')
  assert.deepEqual([deleting.adopt.length, deleting.release.length], [0, 0], 'an owner being deleted neither adopts nor releases')
})
