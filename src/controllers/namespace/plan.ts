/**
 * planNamespaceDeletion: what the namespace controller does for a Terminating namespace
 * (upstream's NamespacedResourcesDeleter): delete everything left in it, wait until it is
 * all gone (pods terminate gracefully, finalizers run), then remove the `kubernetes`
 * finalizer from `spec.finalizers`, which completes the namespace's deletion.
 */
import type { KubeObject } from '../../api/index.js'
import type { Plan } from '../common/plan.js'

export const KUBERNETES_FINALIZER = 'kubernetes'

export interface NamespaceView {
  readonly namespace: KubeObject
  /** what is still stored in the namespace, per resource (`group/resource`) */
  readonly contents: ReadonlyMap<string, readonly KubeObject[]>
}

export interface NamespaceCondition {
  type: string
  status: 'True' | 'False'
  reason: string
  message: string
  lastTransitionTime?: string
}

export type NamespaceAction =
  | { type: 'deleteObject'; resource: string; name: string; uid: string | undefined }
  | { type: 'updateConditions'; conditions: readonly NamespaceCondition[] }
  | { type: 'finalize'; finalizers: readonly string[] }

/** How long to wait before looking again while content remains (upstream estimates from grace periods). */
export const CONTENT_RECHECK_MS = 1000

/** `group/resource` → upstream's GroupResource string (`pods`, `statefulsets.apps`). */
const groupResource = (key: string): string => {
  const [group, resource] = key.split('/') as [string, string]
  return group ? `${resource}.${group}` : resource
}

/**
 * The Terminating namespace's conditions, as upstream's deleter reports them (shown by
 * `kubectl describe namespace`): what content and which finalizers remain.
 */
export function namespaceConditions(contents: ReadonlyMap<string, readonly KubeObject[]>, now: string): NamespaceCondition[] {
  const remaining: string[] = []
  const finalizers = new Map<string, number>()
  for (const [key, items] of [...contents].sort(([a], [b]) => (groupResource(a) < groupResource(b) ? -1 : 1))) {
    if (items.length) remaining.push(`${groupResource(key)} has ${items.length} resource instances`)
    for (const o of items) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1)
  }
  const fin = [...finalizers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} in ${n} resource instances`)
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered', lastTransitionTime: now },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed', lastTransitionTime: now },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization', lastTransitionTime: now },
    remaining.length
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}`, lastTransitionTime: now }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed', lastTransitionTime: now },
    fin.length
      ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${fin.join(', ')}`, lastTransitionTime: now }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished', lastTransitionTime: now },
  ]
}

/** Conditions changed apart from their transition times? */
function conditionsChanged(old: readonly NamespaceCondition[], next: readonly NamespaceCondition[]): boolean {
  const strip = (cs: readonly NamespaceCondition[]): string => JSON.stringify(cs.map(({ lastTransitionTime: _t, ...c }) => c))
  return strip(old) !== strip(next)
}

export function planNamespaceDeletion(view: NamespaceView, now = new Date(0).toISOString()): Plan<NamespaceAction> {
  const ns = view.namespace
  if (!ns.metadata.deletionTimestamp) return { actions: [] }
  const spec = (ns['spec'] ?? {}) as { finalizers?: string[] }
  const finalizers = spec.finalizers ?? []
  if (!finalizers.includes(KUBERNETES_FINALIZER)) return { actions: [] }
  const actions: NamespaceAction[] = []
  let remaining = 0
  for (const [resource, items] of view.contents) {
    for (const obj of items) {
      remaining++
      if (!obj.metadata.deletionTimestamp) actions.push({ type: 'deleteObject', resource, name: obj.metadata.name ?? '', uid: obj.metadata.uid })
    }
  }
  if (remaining > 0) {
    const old = ((ns['status'] ?? {}) as { conditions?: NamespaceCondition[] }).conditions ?? []
    const next = namespaceConditions(view.contents, now)
    if (conditionsChanged(old, next)) actions.push({ type: 'updateConditions', conditions: next })
    return { actions, requeueAfterMs: CONTENT_RECHECK_MS }
  }
  return { actions: [{ type: 'finalize', finalizers: finalizers.filter((f) => f !== KUBERNETES_FINALIZER) }] }
}
