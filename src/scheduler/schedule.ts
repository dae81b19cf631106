/**
 * schedulePod: the pure scheduling algorithm. Given a pod and a snapshot of the nodes (with
 * the pods already on them), it returns the chosen node or the reasons no node fits, with
 * upstream's FitError message. It never mutates the snapshot.
 *
 * Like upstream, it only looks for `numFeasibleNodesToFind` feasible nodes (adaptive
 * percentage of large clusters), starting where the previous cycle stopped, then scores
 * those and picks the best (ties broken by `random`).
 */
import type { Pod } from 'kubernetes-types/core/v1.js'
import type { NodeInfo, Snapshot } from './node-info.js'
import { podInfo } from './pod-info.js'
import type { PodInfo } from './pod-info.js'
import { activeFilters, DEFAULT_FILTERS, preFilter, runFilters } from './filters.js'
import type { Filter, FilterStatus } from './filters.js'
import { DEFAULT_SCORES, preScore } from './scores.js'
import type { Score } from './scores.js'

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods'
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling'
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod'

export interface ScheduleOptions {
  /** where to start looking (rotates between cycles); default 0 */
  startIndex?: number
  /** 0 = upstream's adaptive percentage (default) */
  percentageOfNodesToScore?: number
  /** [0,1) source for tie-breaking; default Math.random */
  random?: () => number
  filters?: readonly Filter[]
  scores?: readonly Score[]
}

export type ScheduleResult =
  | { readonly type: 'scheduled'; readonly node: string; readonly nextStartIndex: number; readonly feasible: number }
  | {
    readonly type: 'unschedulable'
    /** the message for the PodScheduled condition and the FailedScheduling event */
    readonly message: string
    /** per-node failure, by node name */
    readonly statuses: ReadonlyMap<string, FilterStatus>
    readonly nextStartIndex: number
  }

const MIN_FEASIBLE_NODES = 100
const MIN_FEASIBLE_PERCENTAGE = 5

/** Upstream's numFeasibleNodesToFind. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes
  let pct = percentage
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125))
  if (pct >= 100) return numAllNodes
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAllNodes * pct) / 100))
}

function histogram(items: Iterable<string>): string {
  const counts = new Map<string, number>()
  for (const r of items) counts.set(r, (counts.get(r) ?? 0) + 1)
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ')
}

/**
 * Upstream's FitError text followed by DefaultPreemption's post-filter text (we never find
 * victims: preemption is not implemented, and equal-priority pods cannot be preempted).
 */
export function fitErrorMessage(numAllNodes: number, statuses: ReadonlyMap<string, FilterStatus>, pod?: Pod): string {
  const reasons = histogram([...statuses.values()].flatMap((s) => s.reasons))
  let msg = `0/${numAllNodes} nodes are available:`
  if (reasons) msg += ` ${reasons}.`
  if (pod?.spec?.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`
  const preemption = histogram([...statuses.values()].map((s) => (s.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS)))
  return `${msg} preemption: 0/${numAllNodes} nodes are available: ${preemption}.`
}

/**
 * The FitError text when a PreFilter plugin rejected the pod outright (its reasons, without
 * a node count); every node then counts as UnschedulableAndUnresolvable for preemption.
 */
export function preFilterErrorMessage(numAllNodes: number, reasons: readonly string[], pod?: Pod): string {
  const msg = `0/${numAllNodes} nodes are available: ${reasons.join(', ')}.`
  if (pod?.spec?.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`
  return `${msg} preemption: 0/${numAllNodes} nodes are available: ${numAllNodes} ${PREEMPTION_NOT_HELPFUL}.`
}

export function schedulePod(input: Pod | PodInfo, snapshot: Snapshot, opts: ScheduleOptions = {}): ScheduleResult {
  const pod = 'requests' in input ? input : podInfo(input)
  const nodes = snapshot.nodes
  const n = nodes.length
  const start = n === 0 ? 0 : (opts.startIndex ?? 0) % n
  if (n === 0) return { type: 'unschedulable', message: NO_NODES_AVAILABLE, statuses: new Map(), nextStartIndex: 0 }
  const state = preFilter(pod, snapshot)
  const filters = activeFilters(pod, state, opts.filters ?? DEFAULT_FILTERS)
  // Nodes outside a PreFilter result are not evaluated and, as upstream since 1.32, not
  // counted in the message either.
  const pinned = state.nodeNames
  const candidates = pinned ? nodes.filter((x) => pinned.has(x.name)) : nodes
  const m = candidates.length
  const want = numFeasibleNodesToFind(m, opts.percentageOfNodesToScore)
  const feasible: NodeInfo[] = []
  const statuses = new Map<string, FilterStatus>()
  let processed = 0
  for (; processed < m && feasible.length < want; processed++) {
    const node = candidates[(start + processed) % m]!
    const status = runFilters(pod, node, state, filters)
    if (status) statuses.set(node.name, status)
    else feasible.push(node)
  }
  const nextStartIndex = (start + processed) % n
  if (feasible.length === 0) {
    return { type: 'unschedulable', message: fitErrorMessage(n, statuses, pod.pod), statuses, nextStartIndex }
  }
  if (feasible.length === 1) return { type: 'scheduled', node: feasible[0]!.name, nextStartIndex, feasible: 1 }
  const totals = scoreNodes(pod, feasible, opts.scores ?? DEFAULT_SCORES)
  return { type: 'scheduled', node: selectHost(feasible, totals, opts.random ?? Math.random), nextStartIndex, feasible: feasible.length }
}

/** Weighted sum of the normalised plugin scores, per feasible node. */
export function scoreNodes(pod: PodInfo, nodes: readonly NodeInfo[], scores: readonly Score[]): number[] {
  const state = preScore(pod, nodes)
  const totals = new Array<number>(nodes.length).fill(0)
  const raw = new Array<number>(nodes.length)
  for (const s of scores) {
    for (let i = 0; i < nodes.length; i++) raw[i] = s.score(pod, nodes[i]!, state)
    s.normalize?.(raw)
    for (let i = 0; i < nodes.length; i++) totals[i]! += raw[i]! * s.weight
  }
  return totals
}

/** Highest total wins; ties are broken uniformly at random (reservoir sampling, as upstream). */
export function selectHost(nodes: readonly NodeInfo[], totals: readonly number[], random: () => number): string {
  let best = 0
  let ties = 1
  for (let i = 1; i < nodes.length; i++) {
    if (totals[i]! > totals[best]!) {
      best = i
      ties = 1
    } else if (totals[i] === totals[best]) {
      ties++
      if (random() * ties < 1) best = i
    }
  }
  return nodes[best]!.name
}
