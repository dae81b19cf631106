/**
 * Storage helpers shared by the PV binder, the protection controllers, the local-path
 * provisioner and (once moved, see scheduling.ts) the scheduler and the node agent: the
 * annotation keys, upstream's `storagehelpers` predicates and a few lookups. Pure; imports
 * only `api` and types, so the file can move to `src/api/` unchanged if another component
 * needs it (peers may not import controllers).
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import { fromLabelSelector, matches } from '../index.js'
import { tryParseQuantity } from '../quantity/index.js'
import type { Quantity } from '../quantity/index.js'

// ---------------------------------------------------------------- annotations and finalizers

/**
 * Set on a claim by the binder when the claim has completed its initial binding; from then
 * on the claim is synced as "bound" (a missing volume makes it Lost). Value irrelevant.
 */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed'
/**
 * Set on a PV and a claim by the binder when *it* made the binding; its absence means the
 * user pre-bound the pair (claimRef / volumeName), which the binder must never undo.
 */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller'
/** Set on a PV by whoever provisioned it, to the provisioner's name. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by'
/** Set on a claim by the binder: which provisioner is expected to provision it. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner'
/** The beta spelling of ANN_STORAGE_PROVISIONER, still written for older provisioners. */
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner'
/**
 * Set on a WaitForFirstConsumer claim by the scheduler: the node chosen for its first pod,
 * where the volume must be provisioned (or a static local PV found).
 */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node'
/** The old way to name a class; wins over `spec.storageClassName` when present. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class'
/** Marks the cluster's default StorageClass (value "true"). */
export const ANN_IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class'
export const ANN_BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class'

/** Kept on a claim while a pod uses it (pvc-protection controller). */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection'
/** Kept on a PV while it is Bound (pv-protection controller). */
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection'

/** The node label provisioned local volumes are pinned by. */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname'

// ---------------------------------------------------------------- classes and modes

const annotations = (o: { metadata?: { annotations?: Readonly<Record<string, string>> | undefined } | undefined }): Readonly<Record<string, string>> =>
  o.metadata?.annotations ?? {}

export function hasAnnotation(o: { metadata?: { annotations?: Readonly<Record<string, string>> | undefined } | undefined }, key: string): boolean {
  return Object.hasOwn(annotations(o), key)
}

/** `GetPersistentVolumeClaimClass`: the beta annotation, else the field, else "". */
export function claimClass(claim: PersistentVolumeClaim): string {
  const ann = annotations(claim)
  if (Object.hasOwn(ann, ANN_BETA_STORAGE_CLASS)) return ann[ANN_BETA_STORAGE_CLASS] ?? ''
  return claim.spec?.storageClassName ?? ''
}

/** `PersistentVolumeClaimHasClass`: an explicit class (even "") was asked for. */
export function claimHasClass(claim: PersistentVolumeClaim): boolean {
  return hasAnnotation(claim, ANN_BETA_STORAGE_CLASS) || (claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null)
}

/** `GetPersistentVolumeClass`: the beta annotation, else the field, else "". */
export function volumeClass(volume: PersistentVolume): string {
  const ann = annotations(volume)
  if (Object.hasOwn(ann, ANN_BETA_STORAGE_CLASS)) return ann[ANN_BETA_STORAGE_CLASS] ?? ''
  return volume.spec?.storageClassName ?? ''
}

/** `CheckVolumeModeMismatches`: absent means Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  return (claim.spec?.volumeMode || 'Filesystem') !== (volume.spec?.volumeMode || 'Filesystem')
}

/** `CheckAccessModes`: every mode the claim asks for is offered by the volume. */
export function accessModesSatisfied(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const offered = new Set(volume.spec?.accessModes ?? [])
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m))
}

const ZERO = tryParseQuantity('0')!

/** The claim's `resources.requests.storage` (0 when absent or unparsable). */
export function requestedStorage(claim: PersistentVolumeClaim): Quantity {
  return tryParseQuantity(claim.spec?.resources?.requests?.['storage']) ?? ZERO
}

/** The volume's `capacity.storage` (0 when absent or unparsable). */
export function volumeStorage(volume: PersistentVolume): Quantity {
  return tryParseQuantity(volume.spec?.capacity?.['storage']) ?? ZERO
}

/** The claim's `status.capacity.storage`, if reported. */
export function claimCapacity(claim: PersistentVolumeClaim): Quantity | undefined {
  return tryParseQuantity(claim.status?.capacity?.['storage'])
}

/**
 * `IsVolumeBoundToClaim`: the volume's claimRef names the claim (namespace and name) and,
 * when it carries a UID, the claim's UID.
 */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef
  if (!ref) return false
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false
  if (ref.uid && ref.uid !== claim.metadata?.uid) return false
  return true
}

/** `ns/name` of a claim reference, as upstream's claimrefToClaimKey. */
export function claimRefKey(ref: ObjectReference): string {
  return `${ref.namespace ?? ''}/${ref.name ?? ''}`
}

export function claimKey(claim: PersistentVolumeClaim): string {
  return `${claim.metadata?.namespace ?? ''}/${claim.metadata?.name ?? ''}`
}

/** `reference.GetReference(claim)`: what a PV's claimRef holds. */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata?.namespace ?? '',
    name: claim.metadata?.name ?? '',
    uid: claim.metadata?.uid ?? '',
    apiVersion: 'v1',
    resourceVersion: claim.metadata?.resourceVersion ?? '',
  }
}

// ---------------------------------------------------------------- storage classes

export function isDefaultClass(sc: StorageClass): boolean {
  const ann = annotations(sc)
  return ann[ANN_IS_DEFAULT_CLASS] === 'true' || ann[ANN_BETA_IS_DEFAULT_CLASS] === 'true'
}

/**
 * `GetDefaultClass`: among classes marked default, the newest (creationTimestamp, then name)
 * wins, as upstream since 1.26 so that adding a second default is not an error.
 */
export function defaultClass(classes: readonly StorageClass[]): StorageClass | undefined {
  let best: StorageClass | undefined
  for (const sc of classes) {
    if (!isDefaultClass(sc)) continue
    if (!best) {
      best = sc
      continue
    }
    const a = Date.parse(sc.metadata?.creationTimestamp ?? '') || 0
    const b = Date.parse(best.metadata?.creationTimestamp ?? '') || 0
    if (a > b || (a === b && (sc.metadata?.name ?? '') < (best.metadata?.name ?? ''))) best = sc
  }
  return best
}

export function findClass(classes: readonly StorageClass[], name: string): StorageClass | undefined {
  return classes.find((c) => c.metadata?.name === name)
}

/**
 * `IsDelayBindingMode`: the claim's class exists and says WaitForFirstConsumer. A claim
 * without a class, or with a class that does not exist (yet), binds immediately.
 */
export function isDelayBindingMode(claim: PersistentVolumeClaim, classes: readonly StorageClass[]): boolean {
  const name = claimClass(claim)
  if (name === '') return false
  return findClass(classes, name)?.volumeBindingMode === 'WaitForFirstConsumer'
}

/** `IsDelayBindingProvisioning`: the scheduler has picked a node for this claim. */
export function isDelayBindingProvisioning(claim: PersistentVolumeClaim): boolean {
  return hasAnnotation(claim, ANN_SELECTED_NODE)
}

// ---------------------------------------------------------------- node affinity

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? []
  switch (req.operator) {
    case 'In': return value !== undefined && values.includes(value)
    case 'NotIn': return value === undefined || !values.includes(value)
    case 'Exists': return value !== undefined
    case 'DoesNotExist': return value === undefined
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false
      const have = Number.parseInt(value, 10)
      const want = Number.parseInt(values[0]!, 10)
      if (!Number.isFinite(have) || !Number.isFinite(want)) return false
      return req.operator === 'Gt' ? have > want : have < want
    }
    default: return false
  }
}

/** One NodeSelectorTerm: expressions and fields AND-ed; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? []
  const fields = term.matchFields ?? []
  if (exprs.length === 0 && fields.length === 0) return false
  const labels = node.metadata?.labels ?? {}
  for (const e of exprs) if (!requirementMatches(e, Object.hasOwn(labels, e.key) ? labels[e.key] : undefined)) return false
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false
    if (!requirementMatches(f, node.metadata?.name)) return false
  }
  return true
}

/**
 * `CheckNodeAffinity`: a PV without node affinity is usable anywhere; otherwise one of its
 * required terms must match the node.
 */
export function volumeFitsNode(volume: PersistentVolume, node: Node): boolean {
  const terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms
  if (!volume.spec?.nodeAffinity?.required) return true
  return (terms ?? []).some((t) => nodeSelectorTermMatches(t, node))
}

// ---------------------------------------------------------------- claims and pods

/**
 * The claims a pod uses, by name: `persistentVolumeClaim` volumes, and generic ephemeral
 * volumes (whose claim is `<pod>-<volume>`).
 */
export function podClaimNames(pod: Pod): string[] {
  const out: string[] = []
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName)
    else if (v.ephemeral) out.push(`${pod.metadata?.name ?? ''}-${v.name}`)
  }
  return out
}

/** Index keys (`ns/claim`) for pods-by-claim indexes. */
export function podClaimKeys(pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? ''
  return podClaimNames(pod).map((c) => `${ns}/${c}`)
}

/** Succeeded or Failed: the kubelet is done with the pod's volumes. */
export function isPodTerminated(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/**
 * Does the claim's label selector (if any) accept the volume's labels? An unparsable selector
 * accepts nothing.
 */
export function selectorAccepts(claim: PersistentVolumeClaim, volume: PersistentVolume): boolean {
  const sel = claim.spec?.selector
  if (!sel) return true
  try {
    return matches(fromLabelSelector(sel), volume.metadata?.labels)
  } catch {
    return false
  }
}
