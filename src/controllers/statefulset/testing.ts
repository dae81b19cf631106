/**
 * Test fixtures for the StatefulSet planner (imported only by *.test.ts): a base set and
 * small mutators, pods in given states, and a fake cluster that applies plans in memory so
 * convergence scenarios can run planner + apply in a loop (style.md §4.7).
 */
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StatefulSet } from 'kubernetes-types/apps/v1.js'
import type { ControllerRevision } from '../history/revisions.js'
import type { StatefulSetAction, StatefulSetView } from './plan.js'
import { planStatefulSet } from './plan.js'

export const NOW = Date.parse('2026-01-01T00:00:00Z')
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

export function baseSet(mut: (s: StatefulSet) => void = () => {}): StatefulSet {
  const s: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-web', generation: 1, resourceVersion: '1' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }
  mut(s)
  return s
}

let uidCounter = 0

/** Marks a pod Running and Ready since `readySince`. */
export function makeReady(pod: Pod, readySince = NOW - 60_000): Pod {
  return {
    ...pod,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(readySince) }],
    },
  }
}

/** A cluster in memory: what the API server would hold after the actions. */
export class FakeCluster {
  pods = new Map<string, Pod>()
  claims = new Map<string, PersistentVolumeClaim>()
  revisions = new Map<string, ControllerRevision>()
  log: string[] = []

  constructor(public set: StatefulSet) {}

  view(now = NOW): StatefulSetView {
    return { set: this.set, pods: [...this.pods.values()], claims: this.claims, revisions: [...this.revisions.values()], now }
  }

  /** Applies every action the way the loop would (no failures). */
  apply(actions: readonly StatefulSetAction[], now = NOW): void {
    for (const a of actions) {
      switch (a.type) {
        case 'createRevision':
          this.revisions.set(a.revision.metadata.name ?? '', { ...a.revision, metadata: { ...a.revision.metadata, uid: `uid-${++uidCounter}`, creationTimestamp: iso(now) } })
          this.log.push(`createRevision ${a.revision.metadata.name ?? ''}`)
          break
        case 'updateRevisionNumber': {
          const r = this.revisions.get(a.name)
          if (r) this.revisions.set(a.name, { ...r, revision: a.revision })
          this.log.push(`updateRevisionNumber ${a.name} ${a.revision}`)
          break
        }
        case 'deleteRevision':
          this.revisions.delete(a.name)
          this.log.push(`deleteRevision ${a.name}`)
          break
        case 'createPod':
          for (const c of a.claims) this.createClaim(c)
          this.pods.set(a.pod.metadata?.name ?? '', {
            ...a.pod,
            metadata: { ...a.pod.metadata, uid: `uid-${++uidCounter}`, creationTimestamp: iso(now) },
            status: { phase: 'Pending' },
          })
          this.log.push(`createPod ${a.pod.metadata?.name ?? ''}`)
          break
        case 'createClaims':
          for (const c of a.claims) this.createClaim(c)
          break
        case 'deletePod': {
          const p = this.pods.get(a.name)
          if (p && (!a.uid || p.metadata?.uid === a.uid)) this.pods.delete(a.name)
          this.log.push(`deletePod ${a.name}`)
          break
        }
        case 'updatePod':
          this.pods.set(a.pod.metadata?.name ?? '', a.pod)
          this.log.push(`updatePod ${a.pod.metadata?.name ?? ''}`)
          break
        case 'updateClaimOwners': {
          const c = this.claims.get(a.name)
          if (c) this.claims.set(a.name, { ...c, metadata: { ...c.metadata, ownerReferences: [...a.ownerReferences] } })
          this.log.push(`updateClaimOwners ${a.name}`)
          break
        }
        case 'updateStatus':
          this.set = { ...this.set, status: a.status }
          break
        case 'adoptPod': case 'releasePod': case 'adoptRevision': case 'recordEvent':
          this.log.push(`${a.type} ${'name' in a ? a.name : ''}`)
          break
      }
    }
  }

  createClaim(c: PersistentVolumeClaim): void {
    const name = c.metadata?.name ?? ''
    if (this.claims.has(name)) return
    this.claims.set(name, { ...c, metadata: { ...c.metadata, uid: `uid-${++uidCounter}` }, status: { phase: 'Pending' } })
    this.log.push(`createClaim ${name}`)
  }

  /** The "kubelet": every pending pod becomes Running and Ready. */
  runPods(now = NOW): void {
    for (const [name, p] of this.pods) if (p.status?.phase === 'Pending') this.pods.set(name, makeReady(p, now - 60_000))
  }

  /** One sync: plan then apply; returns the plan's actions. */
  step(now = NOW): readonly StatefulSetAction[] {
    const plan = planStatefulSet(this.view(now))
    this.apply(plan.actions, now)
    return plan.actions
  }
}
