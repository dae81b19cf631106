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

export type NamespaceAction =
  | { type: 'deleteObject'; resource: string; name: string; uid: string | undefined }
  | { type: 'finalize'; finalizers: readonly string[] }

/** How long to wait before looking again while content remains (upstream estimates from grace periods). */
export const CONTENT_RECHECK_MS = 1000

export function planNamespaceDeletion(view: NamespaceView): Plan<NamespaceAction> {
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
  if (remaining > 0) return { actions, requeueAfterMs: CONTENT_RECHECK_MS }
  return { actions: [{ type: 'finalize', finalizers: finalizers.filter((f) => f !== KUBERNETES_FINALIZER) }] }
}
