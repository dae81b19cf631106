/**
 * Filter plugins, in upstream's default order. A filter looks only at the pod, the one
 * NodeInfo it is given and the cycle state computed up front (`preFilter`), and returns
 * undefined (fits) or a status with upstream's reason strings. Pure.
 */
import type { Snapshot, NodeInfo } from './node-info.js'
import type { AffinityTerm, PodInfo } from './pod-info.js'
import { termMatches } from './pod-info.js'
import { podMatchesNodeSelectorAndAffinity, requiredNodeNames } from './node-affinity.js'
import { findUntoleratedTaint, tolerationsTolerateTaint, TAINT_NODE_UNSCHEDULABLE } from './taints.js'

/** `UnschedulableAndUnresolvable`: preemption on that node cannot help. */
export type FilterCode = 'Unschedulable' | 'UnschedulableAndUnresolvable'

export interface FilterStatus {
  readonly plugin: string
  readonly code: FilterCode
  readonly reasons: readonly string[]
}

// Upstream's reason strings (pkg/scheduler/framework/plugins/*).
export const REASON_NODE_NAME = "node(s) didn't match the requested node name"
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable'
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
export const REASON_TOO_MANY_PODS = 'Too many pods'
export const REASON_AFFINITY = "node(s) didn't match pod affinity rules"
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ''}}`
export const insufficientReason = (resource: string): string => `Insufficient ${resource}`

/** Counts per topology pair `key=value`. */
export type PairCounts = Map<string, number>

/** Computed once per pod per scheduling cycle (upstream PreFilter). */
export interface CycleState {
  /** nodes allowed by required affinity pinned to metadata.name; undefined → all */
  readonly nodeNames: ReadonlySet<string> | undefined
  /** existing pods' required anti-affinity terms that select the incoming pod */
  readonly existingAntiAffinity: PairCounts
  /** existing pods matching all of the incoming pod's required affinity terms */
  readonly affinity: PairCounts
  /** existing pods matching each of the incoming pod's required anti-affinity terms */
  readonly antiAffinity: PairCounts
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`

function bump(m: PairCounts, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1)
}

/** Cluster-wide facts the filters need (node-name pinning, inter-pod affinity counts). */
export function preFilter(pod: PodInfo, snapshot: Snapshot): CycleState {
  const existingAntiAffinity: PairCounts = new Map()
  const affinity: PairCounts = new Map()
  const antiAffinity: PairCounts = new Map()
  const wantsAffinity = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0
  const nodeNames = requiredNodeNames(pod.pod)
  // Nothing to count: no pod in the cluster has required anti-affinity and this one has no terms.
  if (!wantsAffinity && snapshot.podsWithRequiredAntiAffinity === 0) return { nodeNames, existingAntiAffinity, affinity, antiAffinity }
  for (const n of snapshot.nodes) {
    const labels = n.labels
    for (const existing of n.withRequiredAntiAffinity) {
      for (const t of existing.requiredAntiAffinity) {
        const v = labels[t.topologyKey]
        if (v !== undefined && termMatches(t, pod)) bump(existingAntiAffinity, pair(t.topologyKey, v))
      }
    }
    if (!wantsAffinity) continue
    for (const existing of n.pods.values()) {
      if (pod.requiredAffinity.length > 0 && pod.requiredAffinity.every((t) => termMatches(t, existing))) {
        for (const t of pod.requiredAffinity) {
          const v = labels[t.topologyKey]
          if (v !== undefined) bump(affinity, pair(t.topologyKey, v))
        }
      }
      for (const t of pod.requiredAntiAffinity) {
        const v = labels[t.topologyKey]
        if (v !== undefined && termMatches(t, existing)) bump(antiAffinity, pair(t.topologyKey, v))
      }
    }
  }
  return { nodeNames, existingAntiAffinity, affinity, antiAffinity }
}

export interface Filter {
  readonly name: string
  /**
   * True when this filter cannot fail for this pod on any node (upstream's PreFilter `Skip`
   * status): the cycle then never calls `filter`, which matters at thousands of nodes.
   */
  skip?(pod: PodInfo, state: CycleState): boolean
  filter(pod: PodInfo, node: NodeInfo, state: CycleState): FilterStatus | undefined
}

const fail = (plugin: string, code: FilterCode, ...reasons: string[]): FilterStatus => ({ plugin, code, reasons })

export const nodeUnschedulable: Filter = {
  name: 'NodeUnschedulable',
  filter(pod, node) {
    if (!node.node.spec?.unschedulable) return undefined
    if (tolerationsTolerateTaint(pod.pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' })) return undefined
    return fail(this.name, 'UnschedulableAndUnresolvable', REASON_UNSCHEDULABLE)
  },
}

export const nodeName: Filter = {
  name: 'NodeName',
  skip: (pod) => !pod.pod.spec?.nodeName,
  filter(pod, node) {
    const want = pod.pod.spec?.nodeName
    if (!want || want === node.name) return undefined
    return fail(this.name, 'UnschedulableAndUnresolvable', REASON_NODE_NAME)
  },
}

export const taintToleration: Filter = {
  name: 'TaintToleration',
  filter(pod, node) {
    const taint = findUntoleratedTaint(node.node.spec?.taints, pod.pod.spec?.tolerations, ['NoSchedule', 'NoExecute'])
    if (!taint) return undefined
    return fail(this.name, 'UnschedulableAndUnresolvable', untoleratedTaintReason(taint.key, taint.value))
  },
}

export const nodeAffinity: Filter = {
  name: 'NodeAffinity',
  skip: (pod) => Object.keys(pod.pod.spec?.nodeSelector ?? {}).length === 0 && !pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
  filter(pod, node) {
    if (podMatchesNodeSelectorAndAffinity(pod.pod, node.node)) return undefined
    return fail(this.name, 'UnschedulableAndUnresolvable', REASON_NODE_AFFINITY)
  },
}

function portsConflict(a: string, b: string): boolean {
  const [ipA, protoA, portA] = a.split('/')
  const [ipB, protoB, portB] = b.split('/')
  if (protoA !== protoB || portA !== portB) return false
  return ipA === ipB || ipA === '0.0.0.0' || ipB === '0.0.0.0'
}

export const nodePorts: Filter = {
  name: 'NodePorts',
  skip: (pod) => pod.hostPorts.length === 0,
  filter(pod, node) {
    if (pod.hostPorts.length === 0 || node.usedPorts.size === 0) return undefined
    for (const want of pod.hostPorts) {
      for (const used of node.usedPorts.keys()) {
        if (portsConflict(want, used)) return fail(this.name, 'Unschedulable', REASON_NODE_PORTS)
      }
    }
    return undefined
  },
}

export const nodeResourcesFit: Filter = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    let reasons: string[] | undefined
    if (node.pods.size + 1 > node.allowedPods) reasons = [REASON_TOO_MANY_PODS]
    for (const [r, want] of pod.requestList) {
      if (want > node.free(r)) (reasons ??= []).push(insufficientReason(r))
    }
    return reasons ? fail(this.name, 'Unschedulable', ...reasons) : undefined
  },
}

function satisfiesAll(terms: readonly AffinityTerm[], counts: PairCounts, labels: Readonly<Record<string, string>>): boolean {
  return terms.every((t) => {
    const v = labels[t.topologyKey]
    return v !== undefined && (counts.get(pair(t.topologyKey, v)) ?? 0) > 0
  })
}

export const interPodAffinity: Filter = {
  name: 'InterPodAffinity',
  skip: (pod, state) => pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0 && state.existingAntiAffinity.size === 0,
  filter(pod, node, state) {
    const labels = node.labels
    if (pod.requiredAffinity.length > 0 && !satisfiesAll(pod.requiredAffinity, state.affinity, labels)) {
      // The first pod of a group that matches its own affinity may go anywhere the
      // topology keys exist.
      const keysPresent = pod.requiredAffinity.every((t) => labels[t.topologyKey] !== undefined)
      const selfMatch = state.affinity.size === 0 && pod.requiredAffinity.every((t) => termMatches(t, pod))
      if (!(keysPresent && selfMatch)) return fail(this.name, 'UnschedulableAndUnresolvable', REASON_AFFINITY)
    }
    for (const t of pod.requiredAntiAffinity) {
      const v = labels[t.topologyKey]
      if (v !== undefined && (state.antiAffinity.get(pair(t.topologyKey, v)) ?? 0) > 0) return fail(this.name, 'Unschedulable', REASON_ANTI_AFFINITY)
    }
    if (state.existingAntiAffinity.size > 0) {
      for (const [k, v] of Object.entries(labels)) {
        if ((state.existingAntiAffinity.get(pair(k, v)) ?? 0) > 0) return fail(this.name, 'Unschedulable', REASON_EXISTING_ANTI_AFFINITY)
      }
    }
    return undefined
  },
}

/** The default profile's filters, in upstream's order. */
export const DEFAULT_FILTERS: readonly Filter[] = [
  nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, interPodAffinity,
]

/** Runs the filters in order and returns the first failure (upstream stops at the first). */
/** The filters that can fail for this pod (those not skipped by their PreFilter). */
export function activeFilters(pod: PodInfo, state: CycleState, filters: readonly Filter[] = DEFAULT_FILTERS): readonly Filter[] {
  return filters.filter((f) => !f.skip?.(pod, state))
}

export function runFilters(pod: PodInfo, node: NodeInfo, state: CycleState, filters: readonly Filter[] = DEFAULT_FILTERS): FilterStatus | undefined {
  if (state.nodeNames && !state.nodeNames.has(node.name)) return fail('NodeAffinity', 'UnschedulableAndUnresolvable', REASON_NODE_AFFINITY)
  for (const f of filters) {
    const s = f.filter(pod, node, state)
    if (s) return s
  }
  return undefined
}
