/**
 * DaemonSet convergence: planner + in-memory apply until settled, under each update
 * strategy, checking the rolling-update budget after every step.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1.js'
import { planDaemonSet } from './plan.js'
import { FakeCluster, NOW, baseDaemonSet, node } from './testing.js'
import { targetNodeName } from './eligibility.js'

const STRATEGIES: Array<[string, DaemonSetUpdateStrategy, { surge: number; unavailable: number }]> = [
  ['maxUnavailable 1', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, { surge: 0, unavailable: 1 }],
  ['maxUnavailable 2', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } }, { surge: 0, unavailable: 2 }],
  ['maxUnavailable 50%', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } }, { surge: 0, unavailable: 3 }],
  ['maxSurge 1', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, { surge: 1, unavailable: 0 }],
  ['maxSurge 100%', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '100%' } }, { surge: 5, unavailable: 0 }],
]

function live(c: FakeCluster): Map<string, number> {
  const perNode = new Map<string, number>()
  for (const p of c.pods.values()) {
    if (p.metadata?.deletionTimestamp) continue
    const n = targetNodeName(p) ?? '?'
    perNode.set(n, (perNode.get(n) ?? 0) + 1)
  }
  return perNode
}

function converge(c: FakeCluster, budget: { surge: number; unavailable: number }, checkBudget: boolean): void {
  for (let i = 0; i < 100; i++) {
    const plan = planDaemonSet(c.view(NOW))
    c.apply(plan.actions)
    const perNode = live(c)
    for (const [n, count] of perNode) assert.ok(count <= (budget.surge > 0 ? 2 : 1), `node ${n} has ${count} live pods`)
    if (checkBudget) {
      const missing = c.nodes.filter((n) => !perNode.has(n.metadata?.name ?? '')).length
      assert.ok(missing <= budget.unavailable, `${missing} nodes without a pod exceeds maxUnavailable ${budget.unavailable}`)
      const surged = [...perNode.values()].filter((n) => n === 2).length
      assert.ok(surged <= Math.max(budget.surge, 0), `${surged} surged nodes exceeds maxSurge ${budget.surge}`)
    }
    c.runPods()
    if (plan.actions.length === 0 && [...c.pods.values()].every((p) => p.status?.phase === 'Running')) return
  }
  throw new Error('did not converge')
}

for (const [name, strategy, budget] of STRATEGIES) {
  test(`DaemonSet convergence (${name}): creates one pod per node, then rolls within the budget`, () => {
    const c = new FakeCluster(baseDaemonSet((d: DaemonSet) => { d.spec!.updateStrategy = strategy }), Array.from({ length: 5 }, (_, i) => node(`node-${i + 1}`)))
    converge(c, budget, false)
    assert.equal(c.pods.size, 5)
    c.ds = {
      ...c.ds,
      metadata: { ...c.ds.metadata, generation: 2, annotations: { 'deprecated.daemonset.template.generation': '2' } },
      spec: { ...c.ds.spec!, template: { ...c.ds.spec!.template, spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } },
    }
    converge(c, budget, true)
    assert.deepEqual([...c.pods.values()].map((p) => p.spec?.containers[0]?.image), Array(5).fill('nginx:2'))
    assert.equal(c.ds.status?.updatedNumberScheduled, 5)
    assert.equal(c.ds.status?.numberAvailable, 5)
  })
}
