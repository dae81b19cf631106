import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import { numFeasibleNodesToFind, schedulePod } from './schedule.js'
import { podInfo } from './pod-info.js'
import { labels, makeNode, makePod, onNode, requests, snapshotOf } from './testing.js'

const cordoned = (n: Node): void => { n.spec = { ...n.spec, unschedulable: true } }
const taint = (key: string, effect: string): ((n: Node) => void) => (n) => {
  n.spec = { ...n.spec, taints: [...(n.spec?.taints ?? []), { key, effect }] }
}
const owned = (uid: string) => (p: Pod): void => {
  p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }]
}
const first = (): number => 0

test('schedulePod() reports "no nodes available" without nodes', () => {
  const r = schedulePod(makePod('p'), snapshotOf([]))
  assert.deepEqual({ type: r.type, message: r.type === 'unschedulable' ? r.message : '' }, { type: 'unschedulable', message: 'no nodes available to schedule pods' })
})

test('schedulePod() formats the FitError like upstream (node affinity on every node)', () => {
  const r = schedulePod(makePod('p', (p) => { p.spec!.nodeSelector = { disk: 'ssd' } }), snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')]))
  assert.equal(r.type, 'unschedulable')
  assert.equal(r.type === 'unschedulable' && r.message,
    "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
})

test('schedulePod() sorts mixed reasons and splits preemption outcomes', () => {
  const nodes = [makeNode('a', taint('node.kubernetes.io/unreachable', 'NoExecute')), makeNode('b', cordoned), makeNode('c'), makeNode('d')]
  const r = schedulePod(makePod('p', requests({ cpu: '5' })), snapshotOf(nodes))
  assert.equal(r.type === 'unschedulable' && r.message,
    '0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable, 2 Insufficient cpu. ' +
    'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.')
})

test('schedulePod() honours preemptionPolicy Never in the message', () => {
  const r = schedulePod(makePod('p', requests({ cpu: '5' }), (p) => { p.spec!.preemptionPolicy = 'Never' }), snapshotOf([makeNode('a')]))
  assert.equal(r.type === 'unschedulable' && r.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.')
})

test('schedulePod() picks the only feasible node', () => {
  const r = schedulePod(makePod('p', (p) => { p.spec!.nodeSelector = { disk: 'ssd' } }), snapshotOf([makeNode('a'), makeNode('b', labels({ disk: 'ssd' })), makeNode('c')]))
  assert.deepEqual(r.type === 'scheduled' && r.node, 'b')
})

test('schedulePod() pins DaemonSet-style pods with matchFields metadata.name', () => {
  const pod = makePod('ds', (p) => {
    p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }] } } }
  })
  const r = schedulePod(pod, snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')]))
  assert.equal(r.type === 'scheduled' && r.node, 'c')
  const tainted = schedulePod(pod, snapshotOf([makeNode('a'), makeNode('b'), makeNode('c', taint('x', 'NoSchedule'))]))
  assert.equal(tainted.type === 'unschedulable' && tainted.message,
    '0/3 nodes are available: 1 node(s) had untolerated taint {x: }. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling.')
})

test('schedulePod() prefers the least allocated node', () => {
  const busy = makePod('busy', onNode('a'), requests({ cpu: '3', memory: '6Gi' }))
  const r = schedulePod(makePod('p', requests({ cpu: '100m' })), snapshotOf([makeNode('a'), makeNode('b')], [busy]), { random: first })
  assert.equal(r.type === 'scheduled' && r.node, 'b')
})

test('schedulePod() spreads pods of one controller across nodes', () => {
  const placed = [makePod('r1', onNode('a'), owned('rs1')), makePod('r2', onNode('b'), owned('rs1')), makePod('x', onNode('c'), owned('other'))]
  const r = schedulePod(makePod('r3', owned('rs1')), snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')], placed), { random: first })
  assert.equal(r.type === 'scheduled' && r.node, 'c')
})

test('schedulePod() follows preferred node affinity', () => {
  const pod = makePod('p', (p) => {
    p.spec!.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }] } }
  })
  const r = schedulePod(pod, snapshotOf([makeNode('a', labels({ zone: 'a' })), makeNode('b', labels({ zone: 'b' })), makeNode('c', labels({ zone: 'c' }))]), { random: first })
  assert.equal(r.type === 'scheduled' && r.node, 'b')
})

test('schedulePod() avoids PreferNoSchedule taints when it can', () => {
  const r = schedulePod(makePod('p'), snapshotOf([makeNode('a', taint('soft', 'PreferNoSchedule')), makeNode('b')]), { random: first })
  assert.equal(r.type === 'scheduled' && r.node, 'b')
})

test('schedulePod() places anti-affine replicas on distinct hosts until none is left', () => {
  const anti = (p: Pod): void => {
    p.metadata!.labels = { app: 'web' }
    p.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } }
  }
  const snap = snapshotOf([makeNode('a'), makeNode('b')])
  const placed: string[] = []
  for (const name of ['w0', 'w1', 'w2']) {
    const pod = makePod(name, anti)
    const r = schedulePod(pod, snap)
    if (r.type === 'scheduled') {
      placed.push(r.node)
      pod.spec!.nodeName = r.node
      snap.byName.get(r.node)!.addPod(podInfo(pod))
    } else {
      placed.push(r.message)
    }
  }
  assert.deepEqual(placed.slice(0, 2).sort(), ['a', 'b'])
  assert.equal(placed[2], "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
})

test('numFeasibleNodesToFind() follows the adaptive percentage', () => {
  assert.deepEqual([50, 99, 100, 1000, 5000, 20000].map((n) => numFeasibleNodesToFind(n)), [50, 99, 100, 420, 500, 1000])
})

test('schedulePod() stops after enough feasible nodes and rotates the start index', () => {
  const nodes = Array.from({ length: 5000 }, (_, i) => makeNode(`n${i}`))
  const snap = snapshotOf(nodes)
  const r1 = schedulePod(makePod('p'), snap, { startIndex: 0, random: first })
  assert.equal(r1.type, 'scheduled')
  assert.equal(r1.nextStartIndex, 500)
  const r2 = schedulePod(makePod('q'), snap, { startIndex: r1.nextStartIndex, random: first })
  assert.equal(r2.type === 'scheduled' && Number(r2.node.slice(1)) >= 500 && Number(r2.node.slice(1)) < 1000, true)
})
