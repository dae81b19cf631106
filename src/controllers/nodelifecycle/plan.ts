/**
 * planNodeLifecycle: the node lifecycle controller's pure decisions for one node, after
 * upstream's node_lifecycle_controller (monitorNodeHealth, doNoScheduleTaintingPass,
 * doNoExecuteTaintingPass) and the NoExecute taint manager.
 *
 * - a node whose lease (or Ready heartbeat) has not moved for `gracePeriodMs` gets all its
 *   conditions set Unknown ("Kubelet stopped posting node status.") — NODE-001;
 * - conditions map to NoSchedule taints, Ready False/Unknown also to NoExecute taints
 *   (`timeAdded` set) — NODE-003;
 * - pods on a not-ready node get Ready=False — NODE-002;
 * - pods not tolerating a NoExecute taint are evicted at once, tolerating ones after their
 *   smallest `tolerationSeconds`, never without one — NODE-004.
 *
 * Time is an input (`now`, and `probeTimestamp`: when the loop last saw the node's lease
 * renewed or heartbeat move, in its own clock).
 */
import type { Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1.js'
import type { Plan } from '../common/plan.js'
import { rfc3339 } from '../../api/index.js'
import {
  MANAGED_TAINT_KEYS, TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, toleratesTaint,
} from './taints.js'

export const DEFAULT_GRACE_PERIOD_MS = 40_000

export interface NodeLifecycleView {
  readonly node: Node
  /** pods bound to the node */
  readonly pods: readonly Pod[]
  /** local time the loop last observed a lease renewal or Ready heartbeat change */
  readonly probeTimestamp: number
  readonly now: number
  readonly gracePeriodMs: number
}

export type NodeLifecycleAction =
  | { readonly type: 'updateNodeConditions'; readonly conditions: readonly NodeCondition[] }
  | { readonly type: 'updateTaints'; readonly taints: readonly Taint[] }
  | { readonly type: 'markPodNotReady'; readonly namespace: string; readonly name: string; readonly uid: string }
  | { readonly type: 'evictPod'; readonly namespace: string; readonly name: string; readonly uid: string }
  | { readonly type: 'recordEvent'; readonly on: 'node' | { namespace: string; name: string; uid: string }; readonly eventType: 'Normal' | 'Warning'; readonly reason: string; readonly message: string }

export const NODE_STATUS_UNKNOWN_REASON = 'NodeStatusUnknown'
export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.'
export const NODE_STATUS_NEVER_UPDATED_REASON = 'NodeStatusNeverUpdated'
export const NODE_STATUS_NEVER_UPDATED_MESSAGE = 'Kubelet never posted node status.'
/** the pod condition the taint manager adds before deleting (PodDisruptionConditions) */
export const DISRUPTION_TARGET = 'DisruptionTarget'

const iso = rfc3339
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']

/** All kubelet conditions set Unknown (upstream tryUpdateNodeHealth). */
export function unknownConditions(node: Node, now: number): NodeCondition[] {
  const existing = node.status?.conditions ?? []
  const out: NodeCondition[] = existing.map((c) => KUBELET_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
    ? { ...c, status: 'Unknown', reason: NODE_STATUS_UNKNOWN_REASON, message: NODE_STATUS_UNKNOWN_MESSAGE, lastTransitionTime: iso(now) }
    : c)
  for (const type of KUBELET_CONDITIONS) {
    if (!existing.some((c) => c.type === type)) {
      out.push({ type, status: 'Unknown', reason: NODE_STATUS_NEVER_UPDATED_REASON, message: NODE_STATUS_NEVER_UPDATED_MESSAGE, lastHeartbeatTime: iso(now), lastTransitionTime: iso(now) })
    }
  }
  return out
}

const conditionStatus = (conds: readonly NodeCondition[], type: string): string | undefined => conds.find((c) => c.type === type)?.status

/** The managed taints a node with these conditions should carry (NODE-003). */
export function desiredTaints(node: Node, conditions: readonly NodeCondition[]): Array<Pick<Taint, 'key' | 'effect'>> {
  const out: Array<Pick<Taint, 'key' | 'effect'>> = []
  const ready = conditionStatus(conditions, 'Ready')
  if (ready === 'False') out.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' })
  if (ready === 'Unknown') out.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' })
  if (conditionStatus(conditions, 'MemoryPressure') === 'True') out.push({ key: TAINT_MEMORY_PRESSURE, effect: 'NoSchedule' })
  if (conditionStatus(conditions, 'DiskPressure') === 'True') out.push({ key: TAINT_DISK_PRESSURE, effect: 'NoSchedule' })
  if (conditionStatus(conditions, 'PIDPressure') === 'True') out.push({ key: TAINT_PID_PRESSURE, effect: 'NoSchedule' })
  if (conditionStatus(conditions, 'NetworkUnavailable') === 'True') out.push({ key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' })
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })
  return out
}

/** Current taints with the managed ones replaced by `want` (existing entries, and their timeAdded, kept). */
export function reconcileTaints(current: readonly Taint[], want: ReadonlyArray<Pick<Taint, 'key' | 'effect'>>, now: number): Taint[] {
  const same = (a: Pick<Taint, 'key' | 'effect'>, b: Pick<Taint, 'key' | 'effect'>): boolean => a.key === b.key && a.effect === b.effect
  const out = current.filter((t) => !MANAGED_TAINT_KEYS.includes(t.key) || want.some((w) => same(w, t)))
  for (const w of want) {
    if (!out.some((t) => same(t, w))) out.push({ key: w.key, effect: w.effect, ...(w.effect === 'NoExecute' ? { timeAdded: iso(now) } : {}) })
  }
  return out
}

function taintsEqual(a: readonly Taint[], b: readonly Taint[]): boolean {
  if (a.length !== b.length) return false
  return a.every((t) => b.some((u) => u.key === t.key && u.effect === t.effect && (u.value ?? '') === (t.value ?? '')))
}

/**
 * When must `pod` leave a node with these NoExecute taints? `undefined`: never; otherwise a
 * time (ms) — `now` or earlier for "at once". Upstream getMinTolerationTime: the smallest
 * tolerationSeconds among the tolerations used, counted from when the taints appeared.
 */
export function evictionTime(pod: Pod, noExecute: readonly Taint[], now: number): number | undefined {
  if (noExecute.length === 0) return undefined
  const tolerations = pod.spec?.tolerations ?? []
  const used = new Set<number>()
  for (const taint of noExecute) {
    const idx = tolerations.findIndex((t) => toleratesTaint(t, taint))
    if (idx < 0) return now
    tolerations.forEach((t, i) => { if (toleratesTaint(t, taint)) used.add(i) })
  }
  let min: number | undefined
  for (const i of used) {
    const s = tolerations[i]!.tolerationSeconds
    if (s === undefined || s === null) continue
    const v = Math.max(0, s)
    min = min === undefined ? v : Math.min(min, v)
  }
  if (min === undefined) return undefined
  const since = Math.min(...noExecute.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : now)).filter((x) => Number.isFinite(x)), now)
  return since + min * 1000
}

const podRef = (p: Pod): { namespace: string; name: string; uid: string } => ({
  namespace: p.metadata?.namespace ?? 'default', name: p.metadata?.name ?? '', uid: p.metadata?.uid ?? '',
})

export function planNodeLifecycle(view: NodeLifecycleView): Plan<NodeLifecycleAction> {
  const { node, now } = view
  const actions: NodeLifecycleAction[] = []
  const name = node.metadata?.name ?? ''
  let conditions: readonly NodeCondition[] = node.status?.conditions ?? []
  const wasReady = conditionStatus(conditions, 'Ready')
  let requeue: number | undefined

  // 1. health: a silent kubelet makes every condition Unknown.
  const silentFor = now - view.probeTimestamp
  if (silentFor >= view.gracePeriodMs && wasReady !== 'Unknown') {
    conditions = unknownConditions(node, now)
    actions.push({ type: 'updateNodeConditions', conditions })
    actions.push({ type: 'recordEvent', on: 'node', eventType: 'Normal', reason: 'NodeNotReady', message: `Node ${name} status is now: NodeNotReady` })
  } else if (silentFor < view.gracePeriodMs) {
    requeue = view.gracePeriodMs - silentFor
  }
  const ready = conditionStatus(conditions, 'Ready')

  // 2. taints from conditions.
  const currentTaints = node.spec?.taints ?? []
  const taints = reconcileTaints(currentTaints, desiredTaints(node, conditions), now)
  if (!taintsEqual(taints, currentTaints)) actions.push({ type: 'updateTaints', taints })

  // 3. pods on a node that is not ready are not ready.
  const live = view.pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
  if (ready !== 'True') {
    for (const p of live) {
      const podReady = p.status?.conditions?.find((c) => c.type === 'Ready')
      if (podReady && podReady.status !== 'False') {
        actions.push({ type: 'markPodNotReady', ...podRef(p) })
        actions.push({ type: 'recordEvent', on: podRef(p), eventType: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' })
      }
    }
  }

  // 4. NoExecute eviction.
  const noExecute = taints.filter((t) => t.effect === 'NoExecute')
  for (const p of live) {
    if (p.metadata?.deletionTimestamp) continue
    const at = evictionTime(p, noExecute, now)
    if (at === undefined) continue
    if (at <= now) {
      actions.push({ type: 'evictPod', ...podRef(p) })
      actions.push({ type: 'recordEvent', on: podRef(p), eventType: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}` })
    } else {
      requeue = requeue === undefined ? at - now : Math.min(requeue, at - now)
    }
  }
  return requeue === undefined ? { actions } : { actions, requeueAfterMs: Math.max(1, requeue) }
}
