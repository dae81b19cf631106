import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Node, NodeCondition, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js'
import { evictionTime, planNodeLifecycle } from './plan.js'
import type { NodeLifecycleAction, NodeLifecycleView } from './plan.js'
import { planPodGC } from './gc.js'

const NOW = Date.parse('2026-01-01T00:10:00Z')
const T = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
const GRACE = 40_000

const healthy = (): NodeCondition[] => ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
  type, status: 'False', reason: 'x', message: 'x', lastHeartbeatTime: T(NOW - 50_000), lastTransitionTime: T(NOW - 3_600_000),
})).concat([{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: T(NOW - 50_000), lastTransitionTime: T(NOW - 3_600_000) }])

function node(mut?: (n: Node & { status: NonNullable<Node['status']> }) => void): Node {
  const n = { metadata: { name: 'n1', uid: 'nu' }, spec: {}, status: { conditions: healthy() } }
  mut?.(n)
  return n
}

function pod(name: string, mut?: (p: Pod) => void): Pod {
  const p: Pod = {
    metadata: { name, namespace: 'default', uid: `u-${name}` },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }
  mut?.(p)
  return p
}

const tolerate = (...t: Toleration[]) => (p: Pod): void => { p.spec!.tolerations = t }
const unreachable = (seconds?: number): Toleration => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) })

const view = (v: Partial<NodeLifecycleView>): NodeLifecycleView => ({ node: node(), pods: [], probeTimestamp: NOW - 5000, now: NOW, gracePeriodMs: GRACE, ...v })
const types = (actions: readonly NodeLifecycleAction[]): string[] => actions.map((a) => a.type === 'recordEvent' ? `event:${a.reason}` : a.type === 'evictPod' || a.type === 'markPodNotReady' ? `${a.type}:${a.name}` : a.type)

test('planNodeLifecycle() leaves a healthy node alone and checks again when its grace could run out', () => {
  const plan = planNodeLifecycle(view({}))
  assert.deepEqual(plan.actions, [])
  assert.equal(plan.requeueAfterMs, 35_000)
})

test('planNodeLifecycle() marks a silent node Unknown, taints it unreachable and its pods not ready', () => {
  const plan = planNodeLifecycle(view({ probeTimestamp: NOW - GRACE, pods: [pod('a', tolerate(unreachable(300)))] }))
  assert.deepEqual(types(plan.actions), ['updateNodeConditions', 'event:NodeNotReady', 'updateTaints', 'markPodNotReady:a', 'event:NodeNotReady'])
  const conds = (plan.actions[0] as unknown as { conditions: NodeCondition[] }).conditions
  assert.ok(conds.every((c) => c.status === 'Unknown' && c.reason === 'NodeStatusUnknown' && c.message === 'Kubelet stopped posting node status.'))
  assert.ok(conds.every((c) => c.lastTransitionTime === T(NOW) && c.lastHeartbeatTime === T(NOW - 50_000)))
  const taints = (plan.actions[2] as unknown as { taints: Taint[] }).taints
  assert.deepEqual(taints, [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW) },
  ])
  assert.equal(plan.requeueAfterMs, 300_000)
})

test('planNodeLifecycle() evicts pods without a matching toleration at once', () => {
  const n = node((x) => {
    x.status.conditions = x.status.conditions!.map((c) => ({ ...c, status: 'Unknown' }))
    x.spec = { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW - 10_000) }] }
  })
  const pods = [pod('plain'), pod('tolerant', tolerate(unreachable(300))), pod('forever', tolerate(unreachable())), pod('short', tolerate(unreachable(5)))]
  const plan = planNodeLifecycle(view({ node: n, pods, probeTimestamp: NOW - 100_000 }))
  assert.deepEqual(types(plan.actions).filter((t) => t.startsWith('evict') || t === 'event:TaintManagerEviction'), ['evictPod:plain', 'event:TaintManagerEviction', 'evictPod:short', 'event:TaintManagerEviction'])
  assert.equal(plan.requeueAfterMs, 290_000)
})

test('planNodeLifecycle() does not evict pods already terminating or finished', () => {
  const n = node((x) => { x.spec = { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW) }] } })
  const pods = [pod('gone', (p) => { Object.assign(p.metadata!, { deletionTimestamp: T(NOW) }) }), pod('done', (p) => { p.status!.phase = 'Succeeded' })]
  assert.deepEqual(types(planNodeLifecycle(view({ node: n, pods })).actions), ['updateTaints'])
})

test('planNodeLifecycle() removes the condition taints when the node is back', () => {
  const n = node((x) => { x.spec = { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW) }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } })
  const plan = planNodeLifecycle(view({ node: n }))
  assert.deepEqual(plan.actions, [{ type: 'updateTaints', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }])
})

test('planNodeLifecycle() maps Ready=False, pressure conditions and cordoning to taints', () => {
  const n = node((x) => {
    x.spec = { unschedulable: true }
    x.status.conditions = x.status.conditions!.map((c) => c.type === 'Ready' ? { ...c, status: 'False' } : c.type === 'DiskPressure' ? { ...c, status: 'True' } : c)
  })
  const plan = planNodeLifecycle(view({ node: n }))
  const taints = (plan.actions.find((a) => a.type === 'updateTaints') as unknown as { taints: Taint[] }).taints
  assert.deepEqual(taints.map((t) => `${t.key}:${t.effect}`), [
    'node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule',
  ])
})

test('planNodeLifecycle() keeps existing managed taints (and their timeAdded) untouched', () => {
  const n = node((x) => {
    x.status.conditions = x.status.conditions!.map((c) => ({ ...c, status: 'Unknown' }))
    x.spec = { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW - 1000) }] }
  })
  assert.deepEqual(planNodeLifecycle(view({ node: n, probeTimestamp: NOW - 100_000 })).actions, [])
})

test('evictionTime() uses the smallest tolerationSeconds among the tolerations used', () => {
  const taints: Taint[] = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T(NOW - 2000) }]
  assert.equal(evictionTime(pod('p'), taints, NOW), NOW)
  assert.equal(evictionTime(pod('p', tolerate(unreachable(10), { operator: 'Exists', tolerationSeconds: 60 })), taints, NOW), NOW - 2000 + 10_000)
  assert.equal(evictionTime(pod('p', tolerate(unreachable())), taints, NOW), undefined)
  assert.equal(evictionTime(pod('p', tolerate(unreachable(-5))), taints, NOW), NOW - 2000)
  assert.equal(evictionTime(pod('p'), [], NOW), undefined)
})

test('planPodGC() force-deletes orphans after the quarantine, unscheduled terminating pods at once', () => {
  const nodes = new Map<string, Node>([['n1', node()]])
  const pods = [
    pod('orphan', (p) => { p.spec!.nodeName = 'gone' }),
    pod('ok'),
    pod('unscheduled', (p) => { delete p.spec!.nodeName; Object.assign(p.metadata!, { deletionTimestamp: T(NOW) }) }),
  ]
  const first = planPodGC({ pods, nodes, orphanSince: new Map(), now: NOW, quarantineMs: 40_000, terminatedThreshold: 12_500 })
  assert.deepEqual(first.actions, [{ type: 'forceDelete', namespace: 'default', name: 'unscheduled', uid: 'u-unscheduled' }])
  assert.equal(first.requeueAfterMs, 40_000)
  const later = planPodGC({ pods, nodes, orphanSince: first.orphans, now: NOW + 40_000, quarantineMs: 40_000, terminatedThreshold: 12_500 })
  assert.deepEqual(later.actions[0], { type: 'forceDelete', namespace: 'default', name: 'orphan', uid: 'u-orphan', condition: { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' } })
})

test('planPodGC() force-deletes terminating pods on out-of-service nodes and trims finished pods oldest first', () => {
  const oos = node((x) => {
    x.spec = { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute', value: 'nodeshutdown' }] }
    x.status.conditions = x.status.conditions!.map((c) => ({ ...c, status: 'Unknown' }))
  })
  const nodes = new Map<string, Node>([['n1', oos]])
  const finished = (name: string, at: number): Pod => pod(name, (p) => { p.status!.phase = 'Succeeded'; Object.assign(p.metadata!, { creationTimestamp: T(at) }) })
  const pods = [pod('stuck', (p) => { Object.assign(p.metadata!, { deletionTimestamp: T(NOW) }) }), finished('new', NOW), finished('old', NOW - 1000), finished('mid', NOW - 500)]
  const plan = planPodGC({ pods, nodes, orphanSince: new Map(), now: NOW, quarantineMs: 40_000, terminatedThreshold: 1 })
  assert.deepEqual(plan.actions.map((a) => `${a.type}:${a.name}`), ['forceDelete:stuck', 'deletePod:old', 'deletePod:mid'])
})
