/**
 * Convergence scenarios (upstream's stateful_set_control_test.go idea): planner + in-memory
 * apply in a loop until nothing is left to do, checking invariants after every step, under
 * each pod management policy and claim retention policy.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { StatefulSet } from 'kubernetes-types/apps/v1.js'
import { planStatefulSet } from './plan.js'
import type { StatefulSetAction } from './plan.js'
import { FakeCluster, NOW, baseSet } from './testing.js'
import { getOrdinal, getReplicas, getStartOrdinal, isHealthy, podClaims } from './identity.js'

const POLICIES = ['OrderedReady', 'Parallel'] as const
const RETENTION = [
  { whenDeleted: 'Retain', whenScaled: 'Retain' },
  { whenDeleted: 'Delete', whenScaled: 'Retain' },
  { whenDeleted: 'Retain', whenScaled: 'Delete' },
  { whenDeleted: 'Delete', whenScaled: 'Delete' },
] as const

function variants(): Array<{ name: string; mut: (s: StatefulSet) => void }> {
  const out: Array<{ name: string; mut: (s: StatefulSet) => void }> = []
  for (const policy of POLICIES) {
    for (const r of RETENTION) {
      out.push({
        name: `${policy}, ${r.whenDeleted}/${r.whenScaled}`,
        mut: (s) => { s.spec!.podManagementPolicy = policy; s.spec!.persistentVolumeClaimRetentionPolicy = { ...r } },
      })
    }
  }
  return out
}

/** Checks one step against the state it was planned from (upstream's assertMonotonicInvariants). */
function checkInvariants(before: FakeCluster, actions: readonly StatefulSetAction[], after: FakeCluster): void {
  const set = before.set
  const monotonic = set.spec?.podManagementPolicy !== 'Parallel'
  const creates = actions.filter((a) => a.type === 'createPod')
  const start = getStartOrdinal(set)
  const end = start + getReplicas(set) - 1
  if (monotonic) {
    assert.ok(creates.length <= 1, 'monotonic: at most one pod created per sync')
    for (const c of creates) {
      const k = getOrdinal(c.pod)
      for (let j = start; j < k; j++) {
        const p = before.pods.get(`web-${j}`)
        assert.ok(p && isHealthy(p), `monotonic: web-${k} created while web-${j} is not healthy`)
      }
    }
    const deletes = actions.filter((a) => a.type === 'deletePod' && a.reason === 'condemned')
    assert.ok(deletes.length <= 1, 'monotonic: at most one condemned pod deleted per sync')
    for (const d of deletes) {
      const ord = getOrdinal({ metadata: { name: d.type === 'deletePod' ? d.name : '' } })
      for (const p of before.pods.values()) {
        const o = getOrdinal(p)
        if (o >= start && o <= end) assert.ok(isHealthy(p), `monotonic: condemned ${ord} deleted while ${o} is unhealthy`)
        if (o > end) assert.ok(o <= ord, `monotonic: condemned ${ord} deleted before higher ${o}`)
      }
    }
  }
  for (const p of after.pods.values()) {
    for (const claim of podClaims(set, getOrdinal(p)).values()) {
      assert.ok(after.claims.has(claim.metadata?.name ?? ''), `pod ${p.metadata?.name ?? ''} exists without claim ${claim.metadata?.name ?? ''}`)
    }
  }
  const names = [...after.pods.keys()]
  assert.equal(new Set(names).size, names.length)
}

/** The garbage collector's part: claims whose owners are all gone are deleted. */
function collectClaims(c: FakeCluster): void {
  const uids = new Set([c.set.metadata?.uid, ...[...c.pods.values()].map((p) => p.metadata?.uid)])
  for (const [name, claim] of c.claims) {
    const refs = claim.metadata?.ownerReferences ?? []
    if (refs.length && refs.every((r) => !uids.has(r.uid))) c.claims.delete(name)
  }
}

function converge(c: FakeCluster, maxSteps = 200): number {
  for (let i = 0; i < maxSteps; i++) {
    const before = Object.assign(new FakeCluster(c.set), { pods: new Map(c.pods), claims: new Map(c.claims) })
    const plan = planStatefulSet(c.view(NOW))
    c.apply(plan.actions)
    checkInvariants(before, plan.actions, c)
    c.runPods()
    collectClaims(c)
    if (plan.actions.length === 0 && [...c.pods.values()].every((p) => p.status?.phase === 'Running')) return i
  }
  throw new Error('did not converge')
}

const withSpec = (c: FakeCluster, f: (s: NonNullable<StatefulSet['spec']>) => void): void => {
  const spec = structuredClone(c.set.spec!)
  f(spec)
  c.set = { ...c.set, spec, metadata: { ...c.set.metadata, generation: (c.set.metadata?.generation ?? 1) + 1 } }
}

for (const v of variants()) {
  test(`StatefulSet convergence (${v.name}): creates, scales up, replaces, scales down`, () => {
    const c = new FakeCluster(baseSet(v.mut))
    converge(c)
    assert.deepEqual([...c.pods.keys()].sort(), ['web-0', 'web-1', 'web-2'])
    assert.equal(c.set.status?.readyReplicas, 3)

    withSpec(c, (s) => { s.replicas = 5 })
    converge(c)
    assert.deepEqual([...c.pods.keys()].sort(), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4'])

    c.pods.delete('web-1')
    c.pods.delete('web-3')
    converge(c)
    assert.equal(c.pods.size, 5)

    withSpec(c, (s) => { s.replicas = 2 })
    converge(c)
    assert.deepEqual([...c.pods.keys()].sort(), ['web-0', 'web-1'])
    const whenScaled = c.set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled
    assert.equal(c.claims.size, whenScaled === 'Delete' ? 2 : 5, 'claims of scaled-away ordinals follow whenScaled')
    assert.deepEqual(c.set.status && { r: c.set.status.replicas, ready: c.set.status.readyReplicas }, { r: 2, ready: 2 })
  })

  test(`StatefulSet convergence (${v.name}): rolling update replaces every pod, highest first`, () => {
    const c = new FakeCluster(baseSet(v.mut))
    converge(c)
    withSpec(c, (s) => { s.template.spec!.containers[0]!.image = 'nginx:2' })
    converge(c)
    assert.deepEqual([...c.pods.values()].map((p) => p.spec?.containers[0]?.image), ['nginx:2', 'nginx:2', 'nginx:2'])
    const deletes = c.log.filter((l) => l.startsWith('deletePod'))
    assert.deepEqual(deletes, ['deletePod web-2', 'deletePod web-1', 'deletePod web-0'])
    assert.equal(c.set.status?.currentRevision, c.set.status?.updateRevision)
  })
}
