import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { StatefulSetUpdateStrategy } from 'kubernetes-types/apps/v1.js'
import type { Pod } from 'kubernetes-types/core/v1.js'
import type { StatefulSetAction } from './plan.js'
import { planStatefulSet } from './plan.js'
import { FakeCluster, NOW, baseSet, iso, makeReady } from './testing.js'
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, getOrdinal, identityMatches, isRunningAndReady, storageMatches } from './identity.js'

/** A readable one-line form of each action (revision hashes elided). */
function summary(actions: readonly StatefulSetAction[]): string[] {
  return actions.map((a) => {
    switch (a.type) {
      case 'createPod': return `createPod ${a.pod.metadata?.name ?? ''}${a.claims.length ? ` +${a.claims.map((c) => c.metadata?.name ?? '').join(',')}` : ''}`
      case 'createClaims': return `createClaims ${a.claims.map((c) => c.metadata?.name ?? '').join(',')}`
      case 'deletePod': return `deletePod ${a.name} (${a.reason})`
      case 'updatePod': return `updatePod ${a.pod.metadata?.name ?? ''}`
      case 'updateClaimOwners': return `updateClaimOwners ${a.name} [${a.ownerReferences.map((r) => `${r.kind}/${r.name}`).join(',')}]`
      case 'createRevision': return 'createRevision'
      case 'updateRevisionNumber': return `updateRevisionNumber ${a.revision}`
      case 'deleteRevision': return 'deleteRevision'
      case 'updateStatus': return 'updateStatus'
      case 'recordEvent': return `event ${a.event.reason}: ${a.event.message}`
      case 'adoptPod': case 'releasePod': case 'adoptRevision': return `${a.type} ${a.name}`
    }
    return ''
  })
}

/** A cluster whose first `n` ordinals exist and are Running+Ready at the current revision. */
function settled(n: number, mut?: Parameters<typeof baseSet>[0]): FakeCluster {
  const c = new FakeCluster(baseSet((s) => { s.spec!.replicas = n; mut?.(s) }))
  for (let i = 0; i < 2 * n + 2; i++) {
    c.step()
    c.runPods()
  }
  c.step()
  return c
}

test('planStatefulSet() creates the first revision, then web-0 with its claim, and nothing else (OrderedReady)', () => {
  const c = new FakeCluster(baseSet())
  const plan = planStatefulSet(c.view())
  assert.deepEqual(summary(plan.actions), ['createRevision', 'createPod web-0 +www-web-0', 'updateStatus'])
  const pod = (plan.actions[1] as Extract<StatefulSetAction, { type: 'createPod' }>).pod
  assert.equal(pod.spec?.hostname, 'web-0')
  assert.equal(pod.spec?.subdomain, 'nginx')
  assert.equal(pod.metadata?.generateName, 'web-')
  assert.equal(pod.metadata?.labels?.[POD_NAME_LABEL], 'web-0')
  assert.equal(pod.metadata?.labels?.[POD_INDEX_LABEL], '0')
  assert.match(pod.metadata?.labels?.[REVISION_LABEL] ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
  assert.deepEqual(pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }])
  assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-web', controller: true, blockOwnerDeletion: true }])
  const claim = (plan.actions[1] as Extract<StatefulSetAction, { type: 'createPod' }>).claims[0]
  assert.deepEqual(claim?.metadata?.labels, { app: 'nginx' })
  assert.equal(claim?.metadata?.ownerReferences, undefined, 'Retain/Retain: claims carry no owner refs')
})

test('planStatefulSet() waits for web-0 to be Running and Ready before creating web-1', () => {
  const c = new FakeCluster(baseSet())
  c.step()
  assert.deepEqual(summary(c.step()), ['updateStatus'], 'web-0 Pending: status counts it, nothing else')
  assert.deepEqual(summary(c.step()), [], 'still Pending: nothing to do')
  const web0 = c.pods.get('web-0')!
  c.pods.set('web-0', { ...web0, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })
  assert.deepEqual(summary(c.step()), [], 'Running but not Ready: still waiting')
  c.pods.set('web-0', makeReady(c.pods.get('web-0')!))
  assert.deepEqual(summary(c.step()), ['createPod web-1 +www-web-1', 'updateStatus'])
})

test('planStatefulSet() honours minReadySeconds before the next ordinal and requeues for it', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.minReadySeconds = 10 }))
  c.step()
  c.pods.set('web-0', makeReady(c.pods.get('web-0')!, NOW - 3_000))
  const plan = planStatefulSet(c.view())
  assert.deepEqual(summary(plan.actions), ['updateStatus'])
  assert.equal(plan.requeueAfterMs, 8_000)
  const later = planStatefulSet(c.view(NOW + 8_000))
  assert.deepEqual(summary(later.actions), ['createPod web-1 +www-web-1', 'updateStatus'])
})

test('planStatefulSet() creates every pod at once in slow-start batches (Parallel)', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.podManagementPolicy = 'Parallel'; s.spec!.replicas = 7 }))
  const plan = planStatefulSet(c.view())
  const creates = plan.actions.filter((a) => a.type === 'createPod')
  assert.deepEqual(creates.map((a) => a.pod.metadata?.name), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6'])
  assert.deepEqual(creates.map((a) => a.batch), [0, 1, 1, 2, 2, 2, 2])
})

test('planStatefulSet() scales down from the highest ordinal, one pod at a time, waiting for it to be gone', () => {
  const c = settled(3)
  c.set = { ...c.set, spec: { ...c.set.spec!, replicas: 1 }, metadata: { ...c.set.metadata, generation: 2 } }
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), ['deletePod web-2 (condemned)', 'updateStatus'])
  const web2 = c.pods.get('web-2')!
  c.pods.set('web-2', { ...web2, metadata: { ...web2.metadata, deletionTimestamp: iso(NOW) } })
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), ['updateStatus'], 'terminating web-2 blocks web-1')
  c.pods.delete('web-2')
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), ['deletePod web-1 (condemned)', 'updateStatus'])
})

test('planStatefulSet() does not scale down while an in-range pod is unhealthy (OrderedReady)', () => {
  const c = settled(3)
  c.set = { ...c.set, spec: { ...c.set.spec!, replicas: 2 } }
  const web0 = c.pods.get('web-0')!
  c.pods.set('web-0', { ...web0, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), ['updateStatus'])
})

test('planStatefulSet() deletes a failed pod and recreates it with the same name on the next sync', () => {
  const c = settled(2)
  const web0 = c.pods.get('web-0')!
  c.pods.set('web-0', { ...web0, status: { phase: 'Failed' } })
  assert.deepEqual(summary(c.step()), ['deletePod web-0 (failed)', 'updateStatus'])
  assert.deepEqual(summary(c.step()), ['createPod web-0', 'updateStatus'], 'claim www-web-0 is reused')
})

test('planStatefulSet() recreates a missing lower ordinal even while a higher one is unhealthy (STS-032)', () => {
  const c = settled(2)
  c.pods.delete('web-0')
  const web1 = c.pods.get('web-1')!
  c.pods.set('web-1', { ...web1, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } })
  assert.deepEqual(summary(c.step()), ['createPod web-0', 'updateStatus'])
})

test('planStatefulSet() rolls a 5-replica set with partition 3: ordinals 4 then 3, nothing below', () => {
  const c = settled(5, (s) => { s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } })
  const oldRev = c.set.status?.currentRevision
  c.set = { ...c.set, metadata: { ...c.set.metadata, generation: 2 }, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }
  const deleted: string[] = []
  for (let i = 0; i < 20; i++) {
    for (const a of c.step()) if (a.type === 'deletePod') deleted.push(a.name)
    c.runPods()
  }
  assert.deepEqual(deleted, ['web-4', 'web-3'])
  const images = [...c.pods.values()].sort((a, b) => getOrdinal(a) - getOrdinal(b)).map((p) => p.spec?.containers[0]?.image)
  assert.deepEqual(images, ['nginx:1', 'nginx:1', 'nginx:1', 'nginx:2', 'nginx:2'])
  assert.equal(c.set.status?.currentRevision, oldRev, 'a partitioned rollout never completes')
  assert.equal(c.set.status?.updatedReplicas, 2)
})

test('planStatefulSet() recreates a deleted pod below the partition at the current revision (STS-052)', () => {
  const c = settled(3, (s) => { s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } })
  c.set = { ...c.set, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }
  c.step()
  c.pods.delete('web-2')
  c.step()
  assert.equal(c.pods.get('web-2')?.spec?.containers[0]?.image, 'nginx:1')
})

test('planStatefulSet() completes a full rolling update and advances currentRevision', () => {
  const c = settled(3)
  c.set = { ...c.set, metadata: { ...c.set.metadata, generation: 2 }, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }
  const order: string[] = []
  for (let i = 0; i < 20; i++) {
    for (const a of c.step()) if (a.type === 'deletePod') order.push(a.name)
    c.runPods()
  }
  assert.deepEqual(order, ['web-2', 'web-1', 'web-0'])
  assert.equal(c.set.status?.currentRevision, c.set.status?.updateRevision)
  assert.equal(c.set.status?.currentReplicas, 3)
  assert.equal(c.set.status?.observedGeneration, 2)
})

test('planStatefulSet() never deletes pods for a template change with OnDelete', () => {
  const c = settled(2, (s) => { s.spec!.updateStrategy = { type: 'OnDelete' } })
  c.set = { ...c.set, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }
  const plan = planStatefulSet(c.view())
  assert.deepEqual(summary(plan.actions), ['createRevision', 'updateStatus'])
  c.apply(plan.actions)
  c.pods.delete('web-1')
  c.step()
  assert.equal(c.pods.get('web-1')?.spec?.containers[0]?.image, 'nginx:2', 'a deleted pod comes back at the update revision')
})

test('planStatefulSet() reuses an older equal revision with a new number when the template is reverted (REV-006)', () => {
  const c = settled(1)
  const first = c.set.status?.updateRevision
  c.set = { ...c.set, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } } }
  for (let i = 0; i < 6; i++) { c.step(); c.runPods() }
  assert.notEqual(c.set.status?.updateRevision, first)
  c.set = { ...c.set, spec: { ...c.set.spec!, template: baseSet().spec!.template } }
  const plan = planStatefulSet(c.view())
  assert.deepEqual(summary(plan.actions).slice(0, 1), ['updateRevisionNumber 3'])
  c.apply(plan.actions)
  assert.equal(c.set.status?.updateRevision, first)
  assert.equal(c.revisions.size, 2)
})

test('planStatefulSet() adopts an orphan whose name and labels fit, and ignores other pods', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.replicas = 1 }))
  const orphan = (name: string, labels: Record<string, string>): Pod => makeReady({ metadata: { name, namespace: 'default', uid: `uid-${name}`, labels } })
  for (const p of [orphan('web-0', { app: 'nginx' }), orphan('web-x', { app: 'nginx' }), orphan('webby-0', { app: 'nginx' }), orphan('web-3', { app: 'other' })]) c.pods.set(p.metadata!.name!, p)
  const s = summary(planStatefulSet(c.view()).actions)
  assert.deepEqual(s.filter((x) => x.startsWith('adopt')), ['adoptPod web-0'])
})

test('planStatefulSet() releases an owned pod whose labels no longer match', () => {
  const c = settled(1)
  const web0 = c.pods.get('web-0')!
  c.pods.set('web-0', { ...web0, metadata: { ...web0.metadata, labels: { app: 'debug' } } })
  const s = summary(planStatefulSet(c.view()).actions)
  assert.equal(s[0], 'releasePod web-0')
  assert.ok(s.includes('createPod web-0'), 'counted as missing: creation is attempted (AlreadyExists until it goes)')
})

test('planStatefulSet() fails the create with FailedCreate while the claim is being deleted (STS-014)', () => {
  const c = settled(1)
  c.pods.delete('web-0')
  const claim = c.claims.get('www-web-0')!
  c.claims.set('www-web-0', { ...claim, metadata: { ...claim.metadata, deletionTimestamp: iso(NOW) } })
  const plan = planStatefulSet(c.view())
  assert.deepEqual(summary(plan.actions), ['event FailedCreate: create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted', 'updateStatus'])
  assert.equal(plan.blocked, 'pvc www-web-0 is being deleted')
})

test('planStatefulSet() gives claims a set owner ref under whenDeleted=Delete', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' } }))
  c.step()
  assert.deepEqual(c.claims.get('www-web-0')?.metadata?.ownerReferences?.map((r) => `${r.kind}/${r.name}`), ['StatefulSet/web'])
})

test('planStatefulSet() hands condemned claims to their pod before deleting it under whenScaled=Delete', () => {
  const c = settled(2, (s) => { s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Delete' } })
  c.set = { ...c.set, metadata: { ...c.set.metadata, generation: 2 }, spec: { ...c.set.spec!, replicas: 1 } }
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), ['updateClaimOwners www-web-1 [Pod/web-1]', 'deletePod web-1 (condemned)', 'updateStatus'])
})

test('planStatefulSet() places pods at ordinals.start', () => {
  const c = settled(2, (s) => { s.spec!.ordinals = { start: 5 } })
  assert.deepEqual([...c.pods.keys()].sort(), ['web-5', 'web-6'])
})

test('planStatefulSet() only writes status while the set is being deleted', () => {
  const c = settled(2)
  c.set = { ...c.set, metadata: { ...c.set.metadata, deletionTimestamp: iso(NOW) }, spec: { ...c.set.spec!, replicas: 0 } }
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), [])
})

test('planStatefulSet() reports full status', () => {
  const c = settled(3)
  assert.deepEqual(c.set.status, {
    observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3,
    currentRevision: c.set.status?.updateRevision, updateRevision: c.set.status?.updateRevision, collisionCount: 0,
  })
  assert.deepEqual(summary(planStatefulSet(c.view()).actions), [], 'a settled set plans nothing')
})

test('planStatefulSet() trims history beyond revisionHistoryLimit, keeping live revisions', () => {
  const c = settled(1, (s) => { s.spec!.revisionHistoryLimit = 1 })
  for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
    c.set = { ...c.set, spec: { ...c.set.spec!, template: { ...c.set.spec!.template, spec: { containers: [{ name: 'nginx', image }] } } } }
    for (let i = 0; i < 5; i++) { c.step(); c.runPods() }
  }
  assert.equal(c.revisions.size, 2, 'the live revision and one historic')
  assert.deepEqual([...c.revisions.values()].map((r) => r.revision).sort(), [3, 4])
})

test('identityMatches() and storageMatches() check name, label and claim volumes', () => {
  const set = baseSet()
  const c = settled(1)
  const pod = c.pods.get('web-0')!
  assert.ok(identityMatches(set, pod))
  assert.ok(storageMatches(set, pod))
  assert.ok(!identityMatches(set, { ...pod, metadata: { ...pod.metadata, labels: { app: 'nginx' } } }))
  assert.ok(!storageMatches(set, { ...pod, spec: { ...pod.spec!, volumes: [] } }))
  assert.ok(isRunningAndReady(pod))
  assert.equal(getOrdinal({ metadata: { name: 'web-12' } }), 12)
  assert.equal(getOrdinal({ metadata: { name: 'web' } }), -1)
})

/** The ReplicaFailure condition of the status a plan writes (null: no status write). */
function replicaFailure(actions: readonly StatefulSetAction[]): { reason?: string; message?: string } | null | undefined {
  const s = actions.find((a) => a.type === 'updateStatus')
  if (!s || s.type !== 'updateStatus') return null
  return s.status.conditions?.find((c) => c.type === 'ReplicaFailure')
}

test('planStatefulSet() reports a selector it cannot parse with an event and ReplicaFailure=True, once', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'Bogus', values: ['x'] }] } }))
  const actions = c.step()
  assert.deepEqual(summary(actions), ['event InvalidSelector: invalid selector: "Bogus" is not a valid label selector operator', 'updateStatus'])
  assert.deepEqual(c.set.status?.conditions, [{
    type: 'ReplicaFailure', status: 'True', reason: 'InvalidSelector', message: 'invalid selector: "Bogus" is not a valid label selector operator', lastTransitionTime: iso(NOW),
  }])
  assert.equal(c.set.metadata?.generation, 1)
  assert.deepEqual(summary(c.step(NOW + 1000)), ['event InvalidSelector: invalid selector: "Bogus" is not a valid label selector operator'], 'no second status write')
  assert.deepEqual(summary(planStatefulSet({ ...c.view(), set: { ...c.set, metadata: { ...c.set.metadata, deletionTimestamp: iso(NOW) }, status: { replicas: 0 } } }).actions).length, 1, 'no status for a set being deleted')
})

test('planStatefulSet() table: the ReplicaFailure condition each plan writes', () => {
  const createFailed = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-0" is forbidden', lastTransitionTime: iso(NOW - 1000) }
  const withCondition = (c: FakeCluster): FakeCluster => { c.set = { ...c.set, status: { ...c.set.status!, conditions: [createFailed] } }; return c }
  const strategy = (c: FakeCluster, updateStrategy: StatefulSetUpdateStrategy): FakeCluster => { c.set = { ...c.set, spec: { ...c.set.spec!, updateStrategy } }; return c }
  const cases: Array<[string, () => FakeCluster, { reason?: string } | null | undefined]> = [
    ['a settled set writes nothing', () => settled(1), null],
    ['a loop-observed FailedCreate is removed by the next complete plan', () => withCondition(settled(1)), undefined],
    ['… also when the retried create is in that plan', () => { const c = withCondition(settled(2)); c.pods.delete('web-1'); return c }, undefined],
    ['… but kept while the plan is blocked (claim being deleted)', () => {
      const c = withCondition(settled(1))
      c.pods.delete('web-0')
      const claim = c.claims.get('www-web-0')!
      c.claims.set('www-web-0', { ...claim, metadata: { ...claim.metadata, deletionTimestamp: iso(NOW) } })
      return c
    }, createFailed],
    ['an unparsable maxUnavailable is FailedUpdate', () => strategy(settled(1), { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 'x' } }), { reason: 'FailedUpdate' }],
    ['… not under OnDelete', () => strategy(settled(1), { type: 'OnDelete', rollingUpdate: { maxUnavailable: 'x' } }), null],
  ]
  for (const [name, make, want] of cases) {
    const got = replicaFailure(planStatefulSet(make().view()).actions)
    if (want && 'type' in want) assert.deepEqual(got, want, name)
    else if (want) assert.equal(got?.reason, want.reason, name)
    else assert.equal(got, want, name)
  }
})

test('planStatefulSet() keeps creating pods while maxUnavailable is unusable, with the condition and an event', () => {
  const c = new FakeCluster(baseSet((s) => { s.spec!.replicas = 2; s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50' } } }))
  for (let i = 0; i < 6; i++) { c.step(); c.runPods() }
  assert.deepEqual([...c.pods.keys()].sort(), ['web-0', 'web-1'])
  assert.equal(c.set.status?.conditions?.[0]?.reason, 'FailedUpdate')
  assert.equal(c.set.status?.conditions?.[0]?.message, 'invalid maxUnavailable: invalid type: string is not a percentage')
  const plan = planStatefulSet(c.view())
  assert.ok(summary(plan.actions).includes('event FailedUpdate: invalid maxUnavailable: invalid type: string is not a percentage'))
  c.set = { ...c.set, spec: { ...c.set.spec!, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } } } }
  c.step()
  assert.equal(c.set.status?.conditions, undefined, 'fixed: the condition is removed')
})
