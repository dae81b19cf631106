/**
 * planPodGC: upstream's pod garbage collector (NODE-010/011) as a pure function.
 *
 * - orphaned pods (bound to a node that no longer exists, for at least the quarantine) are
 *   marked Failed with DisruptionTarget/DeletionByPodGC and force-deleted;
 * - terminating pods that were never scheduled are force-deleted;
 * - terminating pods on an out-of-service, not-ready node are force-deleted;
 * - finished pods beyond `terminatedThreshold` are deleted, oldest first.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import type { Plan } from '../common/plan.js'
import { TAINT_OUT_OF_SERVICE } from './taints.js'

export const DEFAULT_QUARANTINE_MS = 40_000
export const DEFAULT_TERMINATED_THRESHOLD = 12_500

export interface PodGCView {
  readonly pods: readonly Pod[]
  readonly nodes: ReadonlyMap<string, Node>
  /** when each pod (key ns/name) was first seen orphaned, as kept by the loop */
  readonly orphanSince: ReadonlyMap<string, number>
  readonly now: number
  readonly quarantineMs: number
  readonly terminatedThreshold: number
}

export type PodGCAction =
  | { readonly type: 'forceDelete'; readonly namespace: string; readonly name: string; readonly uid: string; readonly condition?: { reason: string; message: string } }
  | { readonly type: 'deletePod'; readonly namespace: string; readonly name: string; readonly uid: string }

const key = (p: Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`
const ref = (p: Pod): { namespace: string; name: string; uid: string } => ({ namespace: p.metadata?.namespace ?? 'default', name: p.metadata?.name ?? '', uid: p.metadata?.uid ?? '' })
const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'

function notReady(n: Node): boolean {
  return n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True'
}

export function planPodGC(view: PodGCView): Plan<PodGCAction> & { orphans: Map<string, number> } {
  const actions: PodGCAction[] = []
  const orphans = new Map<string, number>()
  let requeue: number | undefined
  const done = new Set<string>()
  for (const p of view.pods) {
    const nodeName = p.spec?.nodeName
    if (nodeName && !view.nodes.has(nodeName)) {
      const since = view.orphanSince.get(key(p)) ?? view.now
      orphans.set(key(p), since)
      if (view.now - since >= view.quarantineMs) {
        actions.push({ type: 'forceDelete', ...ref(p), condition: { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' } })
        done.add(key(p))
      } else {
        const wait = since + view.quarantineMs - view.now
        requeue = requeue === undefined ? wait : Math.min(requeue, wait)
      }
      continue
    }
    if (!nodeName && p.metadata?.deletionTimestamp) {
      actions.push({ type: 'forceDelete', ...ref(p) })
      done.add(key(p))
      continue
    }
    const node = nodeName ? view.nodes.get(nodeName) : undefined
    if (node && p.metadata?.deletionTimestamp && notReady(node) && (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute')) {
      actions.push({ type: 'forceDelete', ...ref(p), condition: { reason: 'DeletionByPodGC', message: 'PodGC: node is out of service' } })
      done.add(key(p))
    }
  }
  const finished = view.pods.filter((p) => terminal(p) && !done.has(key(p)) && !p.metadata?.deletionTimestamp)
  if (view.terminatedThreshold > 0 && finished.length > view.terminatedThreshold) {
    finished.sort((a, b) => Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? ''))
    for (const p of finished.slice(0, finished.length - view.terminatedThreshold)) actions.push({ type: 'deletePod', ...ref(p) })
  }
  return { actions, orphans, ...(requeue !== undefined ? { requeueAfterMs: requeue } : {}) }
}
