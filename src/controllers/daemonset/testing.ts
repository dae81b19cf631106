/**
 * Test fixtures for the DaemonSet planner (imported only by *.test.ts): a base DaemonSet,
 * nodes, and a fake cluster that applies plans in memory (the scheduler binds each pod to
 * the node its affinity names; `runPods` plays the kubelet).
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import type { ControllerRevision } from '../history/revisions.js'
import type { BackoffEntry, DaemonSetAction, DaemonSetView } from './plan.js'
import { planDaemonSet } from './plan.js'
import { targetNodeName } from './eligibility.js'

export const NOW = Date.parse('2026-01-01T00:00:00Z')
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

export function baseDaemonSet(mut: (ds: DaemonSet) => void = () => {}): DaemonSet {
  const ds: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'nginx-ds', namespace: 'default', uid: 'uid-ds', generation: 1, annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'nginx' } },
      template: { metadata: { labels: { 'k8s-app': 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
  }
  mut(ds)
  return ds
}

export function node(name: string, mut: (n: Node) => void = () => {}): Node {
  const n: Node = { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } }
  mut(n)
  return n
}

let counter = 0

export class FakeCluster {
  pods = new Map<string, Pod>()
  revisions = new Map<string, ControllerRevision>()
  backoff = new Map<string, BackoffEntry>()
  log: string[] = []
  nodes: Node[]

  constructor(public ds: DaemonSet, nodes: Node[]) {
    this.nodes = nodes
  }

  view(now = NOW, expectationsSatisfied = true): DaemonSetView {
    return { ds: this.ds, nodes: this.nodes, pods: [...this.pods.values()], revisions: [...this.revisions.values()], now, expectationsSatisfied, backoff: this.backoff }
  }

  apply(actions: readonly DaemonSetAction[], now = NOW): void {
    for (const a of actions) {
      switch (a.type) {
        case 'createPod': {
          const name = `${a.pod.metadata?.generateName ?? ''}${(++counter).toString(36).padStart(5, 'x')}`
          this.pods.set(name, { ...a.pod, metadata: { ...a.pod.metadata, name, uid: `uid-${name}`, creationTimestamp: iso(now + counter) }, spec: { ...a.pod.spec!, nodeName: a.node }, status: { phase: 'Pending' } })
          this.log.push(`createPod ${a.node}`)
          break
        }
        case 'deletePod': {
          const p = this.pods.get(a.name)
          this.pods.delete(a.name)
          this.log.push(`deletePod ${p ? targetNodeName(p) ?? '?' : a.name}`)
          break
        }
        case 'createRevision':
          this.revisions.set(a.revision.metadata.name ?? '', { ...a.revision, metadata: { ...a.revision.metadata, creationTimestamp: iso(now) } })
          break
        case 'updateRevisionNumber': {
          const r = this.revisions.get(a.name)
          if (r) this.revisions.set(a.name, { ...r, revision: a.revision })
          break
        }
        case 'deleteRevision':
          this.revisions.delete(a.name)
          break
        case 'labelRevision': {
          const r = this.revisions.get(a.name)
          if (r) this.revisions.set(a.name, { ...r, metadata: { ...r.metadata, labels: a.labels } })
          break
        }
        case 'relabelPod': {
          const p = this.pods.get(a.name)
          if (p) this.pods.set(a.name, { ...p, metadata: { ...p.metadata, labels: { ...p.metadata?.labels, 'controller-revision-hash': a.hash } } })
          break
        }
        case 'setBackoff':
          this.backoff.set(a.key, a.entry)
          break
        case 'updateStatus':
          this.ds = { ...this.ds, status: a.status }
          break
        case 'recordEvent':
          this.log.push(`event ${a.event.reason}`)
          break
        case 'adoptPod': case 'releasePod': case 'adoptRevision': case 'releaseRevision':
          this.log.push(`${a.type} ${a.name}`)
          break
      }
    }
  }

  runPods(now = NOW, readyFor = 60_000): void {
    for (const [name, p] of this.pods) {
      if (p.status?.phase === 'Pending') this.pods.set(name, { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(now - readyFor) }] } })
    }
  }

  step(now = NOW): readonly DaemonSetAction[] {
    const plan = planDaemonSet(this.view(now))
    this.apply(plan.actions, now)
    return plan.actions
  }

  podsOn(nodeName: string): Pod[] {
    return [...this.pods.values()].filter((p) => targetNodeName(p) === nodeName)
  }
}
