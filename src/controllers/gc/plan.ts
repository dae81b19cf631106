/**
 * The garbage collector's decisions (GC-001..GC-010), as upstream's `attemptToDeleteItem`,
 * `processDeletingDependentsItem` and `orphanDependents`, over an item and the resolved
 * state of its owners. Pure: the controller resolves owners (cache, then a live read).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import type { ObjectNode } from './graph.js'
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, isDeletingDependents } from './graph.js'

/** An owner as seen from a dependent: alive, gone (or another UID / namespace), or alive but deleting its dependents first. */
export type OwnerState = 'solid' | 'dangling' | 'waiting'

export type Propagation = 'Background' | 'Foreground' | 'Orphan'

export type GcAction =
  | { type: 'deleteObject'; target: ObjectNode; policy: Propagation }
  | { type: 'removeOwnerRefs'; target: ObjectNode; uids: readonly string[] }
  | { type: 'unblockOwnerRefs'; target: ObjectNode }
  | { type: 'removeFinalizer'; target: ObjectNode; finalizer: string }
  | { type: 'attemptToDelete'; uids: readonly string[] }

export interface ResolvedOwner {
  readonly ref: OwnerReference
  readonly state: OwnerState
}

/**
 * `attemptToDeleteItem` for an item that is not itself being deleted: keep it while one owner
 * is solid (dropping dangling and waiting refs), delete it in the foreground when an owner
 * waits for it and it has dependents of its own, otherwise delete it with the policy its own
 * finalizers ask for (GC-002, GC-004).
 */
export function planAttemptToDelete(item: ObjectNode, owners: readonly ResolvedOwner[], dependents: readonly ObjectNode[]): GcAction[] {
  if (owners.length === 0) return []
  const solid = owners.filter((o) => o.state === 'solid')
  const dangling = owners.filter((o) => o.state === 'dangling')
  const waiting = owners.filter((o) => o.state === 'waiting')
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return []
    return [{ type: 'removeOwnerRefs', target: item, uids: [...dangling, ...waiting].map((o) => o.ref.uid) }]
  }
  if (waiting.length > 0 && dependents.length > 0) {
    const out: GcAction[] = []
    if (dependents.some(isDeletingDependents)) out.push({ type: 'unblockOwnerRefs', target: item })
    out.push({ type: 'deleteObject', target: item, policy: 'Foreground' })
    return out
  }
  const policy: Propagation = item.finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan'
    : item.finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background'
  return [{ type: 'deleteObject', target: item, policy }]
}

/**
 * An owner being deleted with finalizers: `orphan` → drop its refs from every dependent, then
 * the finalizer; `foregroundDeletion` → once no dependent with blockOwnerDeletion remains, the
 * finalizer goes, else those dependents are attempted (GC-001, GC-005).
 */
export function planDeletingOwner(owner: ObjectNode, dependents: readonly ObjectNode[]): GcAction[] {
  const out: GcAction[] = []
  if (!owner.deletionTimestamp) return out
  if (owner.finalizers.includes(ORPHAN_FINALIZER)) {
    for (const d of dependents) out.push({ type: 'removeOwnerRefs', target: d, uids: [owner.uid] })
    out.push({ type: 'removeFinalizer', target: owner, finalizer: ORPHAN_FINALIZER })
    return out
  }
  if (owner.finalizers.includes(FOREGROUND_FINALIZER)) {
    const blocking = dependents.filter((d) => d.ownerReferences.some((r) => r.uid === owner.uid && r.blockOwnerDeletion === true))
    if (blocking.length === 0) return [{ type: 'removeFinalizer', target: owner, finalizer: FOREGROUND_FINALIZER }]
    const pending = blocking.filter((d) => !d.deletionTimestamp).map((d) => d.uid)
    // Dependents that do not block are still collected, just not waited for.
    const others = dependents.filter((d) => !blocking.includes(d) && !d.deletionTimestamp).map((d) => d.uid)
    if (pending.length || others.length) out.push({ type: 'attemptToDelete', uids: [...pending, ...others] })
  }
  return out
}

/** How a dependent sees one of its owner refs, given the owner found in the graph (if any). */
export function ownerStateOf(item: ObjectNode, ref: OwnerReference, owner: ObjectNode | undefined): OwnerState | 'unknown' {
  if (!owner) return 'unknown'
  if (owner.uid !== ref.uid) return 'dangling'
  if (owner.namespaced && owner.namespace !== item.namespace) return 'dangling'
  return isDeletingDependents(owner) ? 'waiting' : 'solid'
}
