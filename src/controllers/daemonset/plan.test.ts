import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { DaemonSet } from 'kubernetes-types/apps/v1.js'
import type { Node } from 'kubernetes-types/core/v1.js'
import type { DaemonSetAction } from './plan.js'
import { planDaemonSet } from './plan.js'
import { FakeCluster, NOW, baseDaemonSet, iso, node } from './testing.js'
import { nodeShouldRunDaemonPod, withDaemonTolerations, pinToNode, targetNodeName } from './eligibility.js'

const nodes = (n: number): Node[] => Array.from({ length: n }, (_, i) => node(`node-${i + 1}`))

function kinds(actions: readonly DaemonSetAction[]): string[] {
  return actions.map((a) => (a.type === 'createPod' ? `createPod ${a.node}` : a.type === 'recordEvent' ? `event ${a.event.reason}` : a.type))
}


/** A template change as the API server records it: generation and template generation both move. */
function withTemplate(c: FakeCluster, spec: { containers: Array<{ name: string; image: string }> } | undefined, template = c.ds.spec!.template): void {
  const gen = Number(c.ds.metadata?.annotations?.['deprecated.daemonset.template.generation'] ?? '1') + 1
  c.ds = {
    ...c.ds,
    metadata: { ...c.ds.metadata, generation: (c.ds.metadata?.generation ?? 1) + 1, annotations: { 'deprecated.daemonset.template.generation': String(gen) } },
    spec: { ...c.ds.spec!, template: spec ? { ...template, spec } : template },
  }
}

function settle(c: FakeCluster, steps = 10): void {
  for (let i = 0; i < steps; i++) { c.step(); c.runPods() }
}

test('planDaemonSet() creates one pinned pod per node with default tolerations and revision labels', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(3))
  const plan = planDaemonSet(c.view())
  assert.deepEqual(kinds(plan.actions), ['createRevision', 'createPod node-1', 'createPod node-2', 'createPod node-3', 'updateStatus'])
  const creates = plan.actions.filter((a) => a.type === 'createPod')
  assert.deepEqual(creates.map((a) => a.batch), [0, 1, 1])
  const pod = creates[0]!.pod
  assert.equal(pod.metadata?.generateName, 'nginx-ds-')
  assert.equal(pod.metadata?.name, undefined)
  assert.equal(pod.spec?.nodeName, undefined, 'the scheduler binds it')
  assert.deepEqual(pod.spec?.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } } })
  assert.deepEqual(pod.spec?.tolerations?.map((t) => `${t.key ?? ''}:${t.effect ?? ''}`), [
    'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule',
    'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
  ])
  assert.equal(pod.metadata?.labels?.['pod-template-generation'], '1')
  assert.match(pod.metadata?.labels?.['controller-revision-hash'] ?? '', /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
  assert.deepEqual(pod.metadata?.ownerReferences?.[0], { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: 'uid-ds', controller: true, blockOwnerDeletion: true })
})

test('nodeShouldRunDaemonPod() follows nodeSelector, node affinity and taints', () => {
  const ds = baseDaemonSet((d) => { d.spec!.template.spec!.nodeSelector = { disk: 'ssd' } })
  const cases: Array<[string, Node, boolean, boolean]> = [
    ['label missing', node('n'), false, false],
    ['label matches', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd' }), true, true],
    ['untolerated NoSchedule', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd'; n.spec!.taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }), false, true],
    ['untolerated NoExecute', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd'; n.spec!.taints = [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }] }), false, false],
    ['cordoned', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd'; n.spec!.unschedulable = true; n.spec!.taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), true, true],
    ['not ready', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd'; n.spec!.taints = [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] }), false, true],
    ['network unavailable', node('n', (n) => { n.metadata!.labels!['disk'] = 'ssd'; n.spec!.taints = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }), false, true],
  ]
  for (const [name, n, shouldRun, shouldContinueRunning] of cases) {
    assert.deepEqual(nodeShouldRunDaemonPod(n, ds), { shouldRun, shouldContinueRunning }, name)
  }
  const hostNet = baseDaemonSet((d) => { d.spec!.template.spec!.hostNetwork = true })
  const unavailable = node('n', (n) => { n.spec!.taints = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] })
  assert.deepEqual(nodeShouldRunDaemonPod(unavailable, hostNet), { shouldRun: true, shouldContinueRunning: true }, 'hostNetwork tolerates network-unavailable')
  const affinity = baseDaemonSet((d) => {
    d.spec!.template.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } }
  })
  assert.equal(nodeShouldRunDaemonPod(node('n', (n) => { n.metadata!.labels!['zone'] = 'b' }), affinity).shouldRun, true)
  assert.equal(nodeShouldRunDaemonPod(node('n', (n) => { n.metadata!.labels!['zone'] = 'c' }), affinity).shouldRun, false)
})

test('withDaemonTolerations() updates an equal user toleration instead of duplicating it', () => {
  const tolerations = withDaemonTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, { key: 'x', operator: 'Exists' }] })
  assert.equal(tolerations.filter((t) => t.key === 'node.kubernetes.io/not-ready').length, 1)
  assert.equal(tolerations.length, 7)
})

test('pinToNode() replaces required terms and keeps preferred affinity', () => {
  const a = pinToNode({ nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }],
  } }, 'node-9')
  assert.deepEqual(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-9'] }] }])
  assert.equal(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1)
  assert.equal(targetNodeName({ spec: { containers: [], affinity: a } }), 'node-9')
})

test('planDaemonSet() follows a node joining and a node leaving', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(2))
  settle(c)
  c.nodes = [...c.nodes, node('node-3')]
  assert.deepEqual(kinds(c.step()), ['createPod node-3', 'updateStatus'])
  // node-2 leaves; its bound pod is the pod GC's job, an unbound pinned pod is ours (DS-025).
  const onNode2 = c.podsOn('node-2')[0]!
  c.pods.set(onNode2.metadata!.name!, { ...onNode2, spec: { ...onNode2.spec!, nodeName: undefined as unknown as string } })
  c.nodes = c.nodes.filter((n) => n.metadata?.name !== 'node-2')
  assert.deepEqual(kinds(c.step()), ['deletePod', 'updateStatus'])
})

test('planDaemonSet() deletes pods from a node that stops matching', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.template.spec!.nodeSelector = { role: 'web' } }), nodes(2).map((n) => ({ ...n, metadata: { ...n.metadata, labels: { role: 'web' } } })))
  settle(c)
  assert.equal(c.pods.size, 2)
  c.nodes = [c.nodes[0]!, { ...c.nodes[1]!, metadata: { ...c.nodes[1]!.metadata, labels: {} } }]
  assert.deepEqual(kinds(c.step()), ['deletePod', 'updateStatus'])
  assert.equal(c.podsOn('node-2').length, 0)
})

test('planDaemonSet() replaces a failed pod with backoff (DS-021)', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(1))
  settle(c)
  const fail = (): void => {
    const p = c.podsOn('node-1')[0]!
    c.pods.set(p.metadata!.name!, { ...p, status: { phase: 'Failed' } })
  }
  fail()
  assert.deepEqual(kinds(c.step(NOW)), ['setBackoff', 'event FailedDaemonPod', 'deletePod', 'updateStatus'])
  assert.deepEqual(kinds(c.step(NOW)), ['createPod node-1', 'updateStatus'])
  c.runPods()
  fail()
  const plan = planDaemonSet(c.view(NOW + 500))
  assert.deepEqual(kinds(plan.actions), ['updateStatus'], 'within the 1s backoff: not deleted')
  assert.equal(plan.requeueAfterMs, 500)
  assert.deepEqual(kinds(planDaemonSet(c.view(NOW + 1500)).actions).slice(0, 3), ['setBackoff', 'event FailedDaemonPod', 'deletePod'])
  const next = planDaemonSet(c.view(NOW + 1500)).actions.find((a) => a.type === 'setBackoff')
  assert.equal(next?.type === 'setBackoff' ? next.entry.delayMs : 0, 2000, 'the delay doubles')
})

test('planDaemonSet() keeps only the oldest of several pods on a node', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(1))
  settle(c)
  const p = c.podsOn('node-1')[0]!
  c.pods.set('nginx-ds-extra', { ...p, metadata: { ...p.metadata, name: 'nginx-ds-extra', uid: 'x', creationTimestamp: iso(NOW + 100_000) } })
  const plan = planDaemonSet(c.view())
  assert.deepEqual(plan.actions.filter((a) => a.type === 'deletePod').map((a) => a.type === 'deletePod' && a.name), ['nginx-ds-extra'])
})

test('planDaemonSet() rolls out one node at a time with maxUnavailable 1', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(3))
  settle(c)
  withTemplate(c, { containers: [{ name: 'nginx', image: 'nginx:2' }] })
  const first = c.step()
  assert.deepEqual(kinds(first), ['createRevision', 'deletePod', 'updateStatus'])
  assert.deepEqual(kinds(c.step()), ['createPod node-1', 'updateStatus'])
  assert.deepEqual(kinds(c.step()), ['updateStatus'], 'waits for the new pod to be available')
  settle(c, 12)
  assert.deepEqual([...c.pods.values()].map((p) => p.spec?.containers[0]?.image), ['nginx:2', 'nginx:2', 'nginx:2'])
  assert.deepEqual(c.ds.status, {
    desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, updatedNumberScheduled: 3,
    numberAvailable: 3, observedGeneration: 2,
  })
})

test('planDaemonSet() deletes ceil(maxUnavailable%) old pods at once', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '30%' } } }), nodes(4))
  settle(c)
  withTemplate(c, { containers: [{ name: 'nginx', image: 'nginx:2' }] })
  assert.equal(c.step().filter((a) => a.type === 'deletePod').length, 2, 'ceil(30% of 4) = 2')
})

test('planDaemonSet() surges: new pod beside the old one, old deleted once the new one is available', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.minReadySeconds = 10; d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }), nodes(2))
  settle(c)
  withTemplate(c, { containers: [{ name: 'nginx', image: 'nginx:2' }] })
  assert.deepEqual(kinds(c.step()), ['createRevision', 'createPod node-1', 'updateStatus'])
  assert.equal(c.podsOn('node-1').length, 2)
  c.runPods(NOW, 5_000)
  assert.deepEqual(kinds(c.step()).filter((k) => k !== 'updateStatus'), [], 'new pod Ready but not yet available')
  assert.deepEqual(kinds(c.step(NOW + 6_000)).filter((k) => k.startsWith('deletePod') || k.startsWith('createPod')), ['deletePod'])
  assert.equal(c.podsOn('node-1').length, 1)
})

test('planDaemonSet() never replaces pods on a template change with OnDelete', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.updateStrategy = { type: 'OnDelete' } }), nodes(2))
  settle(c)
  withTemplate(c, { containers: [{ name: 'nginx', image: 'nginx:2' }] })
  assert.deepEqual(kinds(c.step()), ['createRevision', 'updateStatus'])
  c.pods.delete(c.podsOn('node-2')[0]!.metadata!.name!)
  c.step()
  assert.equal(c.podsOn('node-2')[0]?.spec?.containers[0]?.image, 'nginx:2')
  assert.equal(c.podsOn('node-1')[0]?.spec?.containers[0]?.image, 'nginx:1.7.9')
})

test('planDaemonSet() rolls back without restarting pods that were never replaced (DS-036)', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(3))
  settle(c)
  const before = new Set(c.pods.keys())
  const good = c.ds.spec!.template
  withTemplate(c, { containers: [{ name: 'nginx', image: 'nginx:broken' }] })
  c.step()
  c.step()
  c.step()
  withTemplate(c, undefined, good)
  settle(c)
  const after = new Set(c.pods.keys())
  assert.equal([...before].filter((n) => after.has(n)).length, 2, 'the two untouched pods survive the rollback')
})

test('planDaemonSet() reports a selector that selects everything', () => {
  const plan = planDaemonSet(new FakeCluster(baseDaemonSet((d) => { d.spec!.selector = {} }), nodes(1)).view())
  assert.deepEqual(kinds(plan.actions), ['event SelectingAll', 'updateStatus'])
})

test('planDaemonSet() only refreshes counts while expectations are pending', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.metadata = { ...d.metadata, generation: 2 } }), nodes(2))
  const plan = planDaemonSet(c.view(NOW, false))
  assert.deepEqual(kinds(plan.actions), ['createRevision', 'updateStatus'])
  const status = plan.actions.find((a) => a.type === 'updateStatus')
  assert.equal(status?.type === 'updateStatus' ? status.status.observedGeneration : -1, 0)
})

test('planDaemonSet() counts misscheduled pods and leaves them on NotReady nodes', () => {
  const c = new FakeCluster(baseDaemonSet(), nodes(2))
  settle(c)
  c.nodes = [c.nodes[0]!, { ...c.nodes[1]!, spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] } }]
  const plan = planDaemonSet(c.view())
  assert.deepEqual(kinds(plan.actions), ['updateStatus'])
  const s = plan.actions[0]!.type === 'updateStatus' ? plan.actions[0].status : undefined
  assert.deepEqual([s?.desiredNumberScheduled, s?.currentNumberScheduled, s?.numberMisscheduled], [1, 1, 1])
})

test('planDaemonSet() trims old revisions not used by pods beyond revisionHistoryLimit', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.revisionHistoryLimit = 1 }), nodes(1))
  settle(c)
  for (const image of ['a:1', 'a:2', 'a:3']) {
    withTemplate(c, { containers: [{ name: 'nginx', image }] })
    settle(c)
  }
  assert.equal(c.revisions.size, 2)
  assert.deepEqual([...c.revisions.values()].map((r) => r.revision).sort(), [3, 4])
})

test('planDaemonSet() table: the ReplicaFailure condition each plan writes', () => {
  const createFailed = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "nginx-ds-" is forbidden', lastTransitionTime: iso(NOW - 1000) }
  const settled = (mut?: (ds: DaemonSet) => void): FakeCluster => {
    const c = new FakeCluster(baseDaemonSet(), nodes(2))
    settle(c)
    if (mut) { c.ds = structuredClone(c.ds); mut(c.ds) }
    return c
  }
  const withCondition = (c: FakeCluster): FakeCluster => { c.ds = { ...c.ds, status: { ...c.ds.status!, conditions: [createFailed] } }; return c }
  const failure = (actions: readonly DaemonSetAction[]): unknown => {
    const s = actions.find((a) => a.type === 'updateStatus')
    return s?.type === 'updateStatus' ? s.status.conditions?.find((x) => x.type === 'ReplicaFailure') ?? 'none' : 'no write'
  }
  const reason = (x: unknown): unknown => (typeof x === 'object' && x ? (x as { reason?: string }).reason : x)
  const cases: Array<[string, FakeCluster, boolean, unknown]> = [
    ['a settled DaemonSet writes nothing', settled(), true, 'no write'],
    ['a loop-observed FailedCreate is removed once expectations are satisfied', withCondition(settled()), true, 'none'],
    ['… and kept while they are pending', withCondition(settled()), false, 'no write'],
    ['a selector selecting everything is SelectingAll', settled((d) => { d.spec!.selector = {} }), true, 'SelectingAll'],
    ['an unparsable selector is InvalidSelector', settled((d) => { d.spec!.selector = { matchExpressions: [{ key: 'k8s-app', operator: 'Bogus', values: ['x'] }] } }), true, 'InvalidSelector'],
    ['an unparsable maxSurge is FailedUpdate', settled((d) => { d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 'x' } } }), true, 'FailedUpdate'],
    ['… even while expectations are pending', settled((d) => { d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 'x' } } }), false, 'FailedUpdate'],
  ]
  for (const [name, c, satisfied, want] of cases) assert.equal(reason(failure(planDaemonSet(c.view(NOW, satisfied)).actions)), want, name)
})

test('planDaemonSet() records SelectingAll in status once, and never for a DaemonSet being deleted', () => {
  const c = new FakeCluster(baseDaemonSet((d) => { d.spec!.selector = {} }), nodes(1))
  assert.deepEqual(kinds(c.step()), ['event SelectingAll', 'updateStatus'])
  assert.deepEqual(c.ds.status?.conditions, [{
    type: 'ReplicaFailure', status: 'True', reason: 'SelectingAll', message: 'This daemon set is selecting all pods. A non-empty selector is required.', lastTransitionTime: iso(NOW),
  }])
  assert.deepEqual([c.ds.status?.desiredNumberScheduled, c.ds.status?.observedGeneration], [0, undefined], 'counts untouched, generation not observed')
  assert.deepEqual(kinds(c.step()), ['event SelectingAll'], 'already recorded')
  const gone = new FakeCluster(baseDaemonSet((d) => { d.spec!.selector = {}; d.metadata = { ...d.metadata, deletionTimestamp: iso(NOW) } }), nodes(1))
  assert.deepEqual(kinds(gone.step()), ['event SelectingAll'])
})
