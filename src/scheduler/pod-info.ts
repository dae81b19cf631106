/**
 * PodInfo: what the scheduler derives once from a pod (its requests, host ports, affinity
 * terms with parsed selectors) so that filters and scores, run against many nodes, stay
 * cheap. Pure.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js'
import { fromLabelSelector, matches } from '../api/index.js'
import type { Selector } from '../api/index.js'
import { nonZeroRequests, podRequests } from './resources.js'
import type { Resources } from './resources.js'

export interface AffinityTerm {
  readonly selector: Selector | undefined // undefined: the term selects nothing
  readonly namespaces: ReadonlySet<string> | 'all'
  readonly topologyKey: string
  readonly weight: number
}

export interface PodInfo {
  readonly pod: Pod
  readonly key: string // namespace/name
  readonly namespace: string
  readonly requests: Resources
  /** requested resources (> 0) in the order NodeResourcesFit reports them: cpu, memory, ephemeral-storage, then by name */
  readonly requestOrder: readonly string[]
  /** the same with amounts: what NodeResourcesFit walks for every node */
  readonly requestList: ReadonlyArray<readonly [string, number]>
  readonly nonZero: { cpu: number; memory: number }
  /** `${hostIP}/${protocol}/${port}` of every container hostPort */
  readonly hostPorts: readonly string[]
  readonly ownerUid: string | undefined
  readonly requiredAffinity: readonly AffinityTerm[]
  readonly requiredAntiAffinity: readonly AffinityTerm[]
  readonly preferredAffinity: readonly AffinityTerm[]
  readonly preferredAntiAffinity: readonly AffinityTerm[]
}

function term(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const own = pod.metadata?.namespace ?? 'default'
  let namespaces: ReadonlySet<string> | 'all' = new Set(t.namespaces?.length ? t.namespaces : [own])
  const nsSel = t.namespaceSelector
  if (nsSel) {
    // An empty namespaceSelector means every namespace. A non-empty one is matched against
    // the namespace-name label only (the scheduler keeps no namespace cache).
    const reqs = fromLabelSelector(nsSel)
    if (reqs.length === 0) namespaces = 'all'
    else {
      const named = reqs.filter((r) => r.key === 'kubernetes.io/metadata.name' && (r.op === 'in' || r.op === '=')).flatMap((r) => r.values)
      namespaces = new Set([...(t.namespaces ?? []), ...named])
      if (namespaces.size === 0) namespaces = new Set([own])
    }
  }
  let selector: Selector | undefined
  try {
    selector = t.labelSelector ? fromLabelSelector(t.labelSelector) : undefined
  } catch {
    selector = undefined
  }
  return { selector, namespaces, topologyKey: t.topologyKey, weight }
}

const weighted = (pod: Pod, ts: readonly WeightedPodAffinityTerm[] | undefined): AffinityTerm[] =>
  (ts ?? []).map((w) => term(pod, w.podAffinityTerm, w.weight))

export function podInfo(pod: Pod): PodInfo {
  const spec = pod.spec
  const hostPorts: string[] = []
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) hostPorts.push(`${p.hostIP || '0.0.0.0'}/${p.protocol ?? 'TCP'}/${p.hostPort}`)
    }
  }
  const aff = spec?.affinity
  const requests = podRequests(pod)
  const fixed = ['cpu', 'memory', 'ephemeral-storage']
  const requestOrder = [
    ...fixed.filter((r) => (requests.get(r) ?? 0) > 0),
    ...[...requests.keys()].filter((r) => !fixed.includes(r) && (requests.get(r) ?? 0) > 0).sort(),
  ]
  const namespace = pod.metadata?.namespace ?? 'default'
  return {
    pod,
    key: `${namespace}/${pod.metadata?.name ?? ''}`,
    namespace,
    requests,
    requestOrder,
    requestList: requestOrder.map((r) => [r, requests.get(r) ?? 0] as const),
    nonZero: nonZeroRequests(pod),
    hostPorts,
    ownerUid: pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid,
    requiredAffinity: (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    requiredAntiAffinity: (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    preferredAffinity: weighted(pod, aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  }
}

/** Does the affinity term select `other` (namespace and labels)? */
export function termMatches(t: AffinityTerm, other: PodInfo): boolean {
  if (t.selector === undefined) return false
  if (t.namespaces !== 'all' && !t.namespaces.has(other.namespace)) return false
  return matches(t.selector, other.pod.metadata?.labels)
}
