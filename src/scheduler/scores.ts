/**
 * Score plugins with upstream's default weights. Each maps (pod, node) to a raw score;
 * `normalize` then scales the raw scores of all feasible nodes to 0…100 as upstream's
 * NormalizeScore does. Pure.
 */
import type { NodeInfo } from './node-info.js'
import type { AffinityTerm, PodInfo } from './pod-info.js'
import { termMatches } from './pod-info.js'
import { matchesTerm } from './node-affinity.js'
import { tolerationsTolerateTaint } from './taints.js'
import { RESOURCE_CPU, RESOURCE_MEMORY } from './resources.js'

export const MAX_NODE_SCORE = 100

export interface ScoreState {
  /** per preferred inter-pod term: topology pair → matching existing pods (computed lazily) */
  readonly podAffinityPairs: Map<string, number> | undefined
}

export interface Score {
  readonly name: string
  readonly weight: number
  score(pod: PodInfo, node: NodeInfo, state: ScoreState): number
  /** rescales in place to 0…MAX_NODE_SCORE */
  normalize?(scores: number[]): void
}

function fraction(requested: number, allocatable: number): number {
  if (allocatable <= 0) return 1
  return Math.min(1, requested / allocatable)
}

/** NodeResourcesFit, LeastAllocated strategy: favour nodes with more room left. */
export const leastAllocated: Score = {
  name: 'NodeResourcesFit',
  weight: 1,
  score(pod, node) {
    const cpu = 1 - fraction(node.nonZeroCpu + pod.nonZero.cpu, node.allocatableCpu)
    const mem = 1 - fraction(node.nonZeroMemory + pod.nonZero.memory, node.allocatableMemory)
    return Math.trunc(((cpu + mem) / 2) * MAX_NODE_SCORE)
  },
}

/** NodeResourcesBalancedAllocation: favour nodes whose cpu and memory use stay level. */
export const balancedAllocation: Score = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  score(pod, node) {
    const cpu = fraction(node.nonZeroCpu + pod.nonZero.cpu, node.allocatableCpu)
    const mem = fraction(node.nonZeroMemory + pod.nonZero.memory, node.allocatableMemory)
    const std = Math.abs(cpu - mem) / 2
    return Math.trunc((1 - std) * MAX_NODE_SCORE)
  },
}

function scaleToMax(scores: number[], reverse: boolean): void {
  const max = Math.max(0, ...scores)
  for (let i = 0; i < scores.length; i++) {
    const s = max === 0 ? 0 : Math.trunc((scores[i]! * MAX_NODE_SCORE) / max)
    scores[i] = reverse ? MAX_NODE_SCORE - s : s
  }
}

/** NodeAffinity: sum of the weights of matching preferred terms. */
export const nodeAffinityScore: Score = {
  name: 'NodeAffinity',
  weight: 2,
  score(pod, node) {
    let s = 0
    for (const p of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (p.weight !== 0 && matchesTerm(p.preference, node.node)) s += p.weight
    }
    return s
  },
  normalize: (scores) => scaleToMax(scores, false),
}

/** TaintToleration: fewer intolerable PreferNoSchedule taints is better. */
export const taintTolerationScore: Score = {
  name: 'TaintToleration',
  weight: 3,
  score(pod, node) {
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule')
    let n = 0
    for (const taint of node.node.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) n++
    }
    return n
  },
  normalize: (scores) => scaleToMax(scores, true),
}

function minMax(scores: number[]): void {
  const max = Math.max(...scores)
  const min = Math.min(...scores)
  for (let i = 0; i < scores.length; i++) {
    scores[i] = max === min ? 0 : Math.trunc((MAX_NODE_SCORE * (scores[i]! - min)) / (max - min))
  }
}

const pairKey = (t: AffinityTerm, value: string): string => `${t.topologyKey}\u0000${value}`

/**
 * Counts, per preferred term of `pod`, existing pods by topology pair: affinity adds the
 * term's weight, anti-affinity subtracts it. Scans every pod, so only pods with preferred
 * terms pay for it.
 */
export function preScore(pod: PodInfo, nodes: Iterable<NodeInfo>): ScoreState {
  const terms = [...pod.preferredAffinity.map((t) => ({ t, sign: 1 })), ...pod.preferredAntiAffinity.map((t) => ({ t, sign: -1 }))]
  if (terms.length === 0) return { podAffinityPairs: undefined }
  const pairs = new Map<string, number>()
  for (const n of nodes) {
    for (const existing of n.pods.values()) {
      for (const { t, sign } of terms) {
        const v = n.labels[t.topologyKey]
        if (v !== undefined && termMatches(t, existing)) pairs.set(pairKey(t, v), (pairs.get(pairKey(t, v)) ?? 0) + sign * t.weight)
      }
    }
  }
  return { podAffinityPairs: pairs }
}

/** InterPodAffinity (preferred terms of the incoming pod). */
export const interPodAffinityScore: Score = {
  name: 'InterPodAffinity',
  weight: 2,
  score(pod, node, state) {
    const pairs = state.podAffinityPairs
    if (!pairs) return 0
    let s = 0
    const seen = new Set<string>()
    for (const t of [...pod.preferredAffinity, ...pod.preferredAntiAffinity]) {
      const v = node.labels[t.topologyKey]
      if (v === undefined) continue
      const k = pairKey(t, v)
      if (seen.has(k)) continue
      seen.add(k)
      s += pairs.get(k) ?? 0
    }
    return s
  },
  normalize: minMax,
}

/**
 * Spreading (upstream's system-default PodTopologySpread on hostname, ScheduleAnyway):
 * fewer pods of the same controller on the node is better.
 */
export const spreadScore: Score = {
  name: 'PodTopologySpread',
  weight: 2,
  score(pod, node) {
    return pod.ownerUid ? node.ownerCounts.get(pod.ownerUid) ?? 0 : 0
  },
  normalize: (scores) => scaleToMax(scores, true),
}

export const DEFAULT_SCORES: readonly Score[] = [
  leastAllocated, balancedAllocation, nodeAffinityScore, taintTolerationScore, interPodAffinityScore, spreadScore,
]
