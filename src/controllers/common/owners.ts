/**
 * Owner references: the controller ref a workload stamps on what it creates (GEN-003), and
 * the pure adopt/release decision of upstream's ControllerRefManager (GEN-004..GEN-006).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'

/** The identifying part of any object. */
export interface ObjectIdentity {
  apiVersion?: string | undefined
  kind?: string | undefined
  metadata?: {
    name?: string | undefined
    namespace?: string | undefined
    uid?: string | undefined
    resourceVersion?: string | undefined
    deletionTimestamp?: string | undefined
    labels?: Readonly<Record<string, string>> | undefined
    ownerReferences?: readonly OwnerReference[] | undefined
  } | undefined
}

/** What a controller needs to know about itself to own things. */
export interface OwnerKind {
  apiVersion: string
  kind: string
}

/** `metav1.NewControllerRef`: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: ObjectIdentity, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  }
}

export function getControllerOf(obj: ObjectIdentity): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true)
}

export interface ClaimDecision<T> {
  /** objects the owner controls after this sync (already owned and matching, plus adoptions) */
  readonly owned: T[]
  /** orphans to adopt (a subset of `owned`) */
  readonly adopt: T[]
  /** owned objects that no longer match and must be released */
  readonly release: T[]
}

/**
 * Upstream's ClaimObject for a list: owned + matching → kept; owned + not matching →
 * released (unless the owner is being deleted); orphan + matching + not deleting + same
 * namespace → adopted (unless the owner is being deleted); everything else ignored.
 */
export function claimObjects<T extends ObjectIdentity>(owner: ObjectIdentity, objects: readonly T[], match: (obj: T) => boolean): ClaimDecision<T> {
  const owned: T[] = []
  const adopt: T[] = []
  const release: T[] = []
  const uid = owner.metadata?.uid
  const ownerDeleting = !!owner.metadata?.deletionTimestamp
  const ns = owner.metadata?.namespace
  for (const obj of objects) {
    const ref = getControllerOf(obj)
    if (ref) {
      if (ref.uid !== uid) continue
      if (match(obj)) owned.push(obj)
      else if (!ownerDeleting) release.push(obj)
      continue
    }
    if (ownerDeleting || !match(obj)) continue
    if (obj.metadata?.deletionTimestamp) continue
    if (ns && obj.metadata?.namespace !== ns) continue
    adopt.push(obj)
    owned.push(obj)
  }
  return { owned, adopt, release }
}

/**
 * A JSON merge patch that replaces `metadata.ownerReferences` guarded by the object's
 * resourceVersion (a stale cache gives a Conflict rather than a lost update).
 */
export function ownerRefsPatch(obj: ObjectIdentity, refs: readonly OwnerReference[]): Record<string, unknown> {
  return { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata?.resourceVersion ?? null } }
}

/** The merge patch adopting `obj` (appends the controller ref). */
export function adoptPatch(obj: ObjectIdentity, ref: OwnerReference): Record<string, unknown> {
  return ownerRefsPatch(obj, [...(obj.metadata?.ownerReferences ?? []), ref])
}

/** The merge patch releasing `obj` from the owner with `uid`. */
export function releasePatch(obj: ObjectIdentity, uid: string): Record<string, unknown> {
  return ownerRefsPatch(obj, (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid))
}
