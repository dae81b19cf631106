/**
 * StatefulSet pod identity and storage (STS-001..STS-026): names, ordinals, labels, claims,
 * claim retention ownership. Pure functions over plain objects; nothing here mutates its
 * inputs.
 */
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js'
import type { StatefulSet } from 'kubernetes-types/apps/v1.js'
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import { isPodAvailable, isPodReady, isTerminating, podPhase } from '../common/pods.js'
import { newControllerRef } from '../common/owners.js'
import type { OwnerKind } from '../common/owners.js'

/** Pod label naming the pod itself, set by the StatefulSet controller (apps.StatefulSetPodNameLabel). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name'
/** Pod label carrying the ordinal (apps.PodIndexLabel, GA 1.32). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index'
/** Pod label naming the revision the pod was created from (apps.StatefulSetRevisionLabel = ControllerRevisionHashLabelKey). */
export const REVISION_LABEL = 'controller-revision-hash'

export const STATEFULSET_KIND: OwnerKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' }
export const POD_KIND: OwnerKind = { apiVersion: 'v1', kind: 'Pod' }

const STATEFUL_POD = /^(.*)-([0-9]+)$/

/** Parent set name and ordinal parsed from a pod name; ordinal -1 when it does not parse. */
export function parentNameAndOrdinal(name: string | undefined): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(name ?? '')
  if (!m) return { parent: '', ordinal: -1 }
  const n = Number(m[2])
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 2147483647 ? n : -1 }
}

export const getOrdinal = (pod: Pod): number => parentNameAndOrdinal(pod.metadata?.name).ordinal
export const isMemberOf = (set: StatefulSet, pod: Pod): boolean => parentNameAndOrdinal(pod.metadata?.name).parent === set.metadata?.name
export const getStartOrdinal = (set: StatefulSet): number => set.spec?.ordinals?.start ?? 0
export const getReplicas = (set: StatefulSet): number => set.spec?.replicas ?? 1
export const getEndOrdinal = (set: StatefulSet): number => getStartOrdinal(set) + getReplicas(set) - 1
export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata?.name ?? ''}-${ordinal}`
export const claimName = (set: StatefulSet, template: PersistentVolumeClaim, ordinal: number): string =>
  `${template.metadata?.name ?? ''}-${set.metadata?.name ?? ''}-${ordinal}`
export const getPodRevision = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? ''
export const allowsBurst = (set: StatefulSet): boolean => set.spec?.podManagementPolicy === 'Parallel'

export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = getOrdinal(pod)
  return o >= getStartOrdinal(set) && o <= getEndOrdinal(set)
}

/** Name, namespace and pod-name label all agree with the set and ordinal. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod.metadata?.name)
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name
}

/** Every volumeClaimTemplate has a pod volume referencing this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod)
  if (ordinal < 0) return false
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]))
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const v = volumes.get(t.metadata?.name ?? '')
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, t, ordinal)) return false
  }
  return true
}

/** Running with the Ready condition True. */
export const isRunningAndReady = (pod: Pod): boolean => podPhase(pod) === 'Running' && isPodReady(pod)
/** Available for minReadySeconds (upstream's isRunningAndAvailable checks only availability). */
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean => isPodAvailable(pod, minReadySeconds, now)
export const isCreated = (pod: Pod): boolean => podPhase(pod) !== ''
export const isFailed = (pod: Pod): boolean => podPhase(pod) === 'Failed'
export const isSucceeded = (pod: Pod): boolean => podPhase(pod) === 'Succeeded'
export const isPending = (pod: Pod): boolean => podPhase(pod) === 'Pending'
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod)
export const isUnavailable = (pod: Pod, minReadySeconds: number, now: number): boolean =>
  !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod)

/**
 * The claims a pod of `set` needs, one per volumeClaimTemplate, keyed by template name:
 * named TEMPLATE-SET-ORDINAL, labels = template labels overlaid with the selector's
 * matchLabels (STS-012). Status and server fields of the template are dropped.
 */
export function podClaims(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>()
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const meta = t.metadata ?? {}
    const claim: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
        ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
        name: claimName(set, t, ordinal),
        namespace: set.metadata?.namespace ?? '',
        labels: { ...(meta.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      },
      ...(t.spec ? { spec: structuredClone(t.spec) } : {}),
    }
    out.set(meta.name ?? '', claim)
  }
  return out
}

/** Just the names of `podClaims(set, ordinal)` (cheap: no copies). */
export function podClaimNames(set: StatefulSet, ordinal: number): string[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => claimName(set, t, ordinal))
}

/** Pod volumes: one per claim template referencing this ordinal's claim, then the template's other volumes. */
function storageVolumes(set: StatefulSet, ordinal: number, current: readonly Volume[]): Volume[] {
  const claims = podClaims(set, ordinal)
  const out: Volume[] = []
  for (const [name, claim] of claims) out.push({ name, persistentVolumeClaim: { claimName: claim.metadata?.name ?? '' } })
  for (const v of current) if (!claims.has(v.name)) out.push(v)
  return out
}

/**
 * `newVersionedStatefulSetPod` for one ordinal: the pod built from `template` (the template of
 * the revision named `revision`), with explicit name, generateName `SET-`, the set's
 * controller ref, identity labels, hostname/subdomain and claim volumes.
 */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec | undefined, revision: string, ordinal: number): Pod {
  const name = podName(set, ordinal)
  const tmeta = template?.metadata ?? {}
  const spec = structuredClone(template?.spec ?? { containers: [] })
  spec.hostname = name
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName
  else delete spec.subdomain
  spec.volumes = storageVolumes(set, ordinal, spec.volumes ?? [])
  if (spec.volumes.length === 0) delete spec.volumes
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${set.metadata?.name ?? ''}-`,
      namespace: set.metadata?.namespace ?? '',
      labels: { ...(tmeta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
      ownerReferences: [newControllerRef(set, STATEFULSET_KIND)],
    },
    spec,
  }
}

/** The pod with its identity labels (and, when the storage does not match, its claim volumes) repaired. */
export function repairedPod(set: StatefulSet, pod: Pod): Pod {
  const ordinal = getOrdinal(pod)
  const out = structuredClone(pod)
  const name = podName(set, ordinal)
  out.metadata = { ...(out.metadata ?? {}), labels: { ...(out.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) } }
  if (!storageMatches(set, pod) && out.spec) out.spec.volumes = storageVolumes(set, ordinal, out.spec.volumes ?? [])
  return out
}

// ---------------------------------------------------------------- claim retention (STS-020..STS-026)

export interface RetentionPolicy {
  whenDeleted: string
  whenScaled: string
}

export function retentionPolicy(set: StatefulSet): RetentionPolicy {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' }
}

interface Named {
  metadata?: { name?: string | undefined; uid?: string | undefined } | undefined
}

const matchesRef = (ref: OwnerReference, obj: Named, kind: OwnerKind): boolean =>
  ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata?.name

const hasOwnerRef = (claim: PersistentVolumeClaim, owner: Named): boolean =>
  !!owner.metadata?.uid && (claim.metadata?.ownerReferences ?? []).some((r) => r.uid === owner.metadata?.uid)

/** A ref naming `obj` (by kind and name) with another UID: a previous incarnation's. */
export function hasStaleOwnerRef(claim: PersistentVolumeClaim, obj: Named, kind: OwnerKind): boolean {
  const ref = (claim.metadata?.ownerReferences ?? []).find((r) => matchesRef(r, obj, kind))
  return ref !== undefined && ref.uid !== (obj.metadata?.uid ?? '')
}

function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicy(set)
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false
  for (const ref of claim.metadata?.ownerReferences ?? []) {
    if (matchesRef(ref, set, STATEFULSET_KIND)) {
      if (ref.uid !== set.metadata?.uid) return true
      continue
    }
    if (matchesRef(ref, pod, POD_KIND)) {
      if (ref.uid !== pod.metadata?.uid) return true
      continue
    }
    if (ref.controller) return true
  }
  return false
}

function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata?.ownerReferences ?? []).some((r) =>
    (r.uid === set.metadata?.uid || (!!pod.metadata?.uid && r.uid === pod.metadata.uid)) && !r.controller)
}

/** `isClaimOwnerUpToDate`: the claim's owner refs already encode the retention policy (or must not be touched). */
export function claimOwnerMatchesSetAndPod(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, set, STATEFULSET_KIND) || hasStaleOwnerRef(claim, pod, POD_KIND)) return true
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod))
  if (hasNonControllerOwner(claim, set, pod)) return false
  const policy = retentionPolicy(set)
  const scaledDown = !podInOrdinalRange(pod, set)
  const setRef = hasOwnerRef(claim, set)
  const podRef = hasOwnerRef(claim, pod)
  if (policy.whenScaled === 'Delete' && policy.whenDeleted === 'Delete') return scaledDown !== setRef && scaledDown === podRef
  if (policy.whenScaled === 'Delete') return !setRef && scaledDown === podRef
  if (policy.whenDeleted === 'Delete') return setRef && !podRef
  return !setRef && !podRef
}

/** `updateClaimOwnerRefForSetAndPod`: the owner refs the claim should carry. */
export function claimOwnerRefs(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod)
  let refs = (claim.metadata?.ownerReferences ?? []).filter((r) => !matchesRef(r, set, STATEFULSET_KIND) && !matchesRef(r, pod, POD_KIND))
  if (unexpected) return refs
  const add = (owner: Named, kind: OwnerKind): void => {
    if (!owner.metadata?.uid || refs.some((r) => r.uid === owner.metadata?.uid)) return
    refs = [...refs, newControllerRef(owner, kind)]
  }
  const policy = retentionPolicy(set)
  const scaledDown = !podInOrdinalRange(pod, set)
  if (policy.whenScaled === 'Delete' && scaledDown) add(pod, POD_KIND)
  if (policy.whenDeleted === 'Delete' && (!scaledDown || policy.whenScaled !== 'Delete')) add(set, STATEFULSET_KIND)
  return refs
}

/** A claim about to be collected (whenScaled=Delete and a ref to a previous pod): the ordinal must wait (STS-024). */
export function claimIsStale(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (retentionPolicy(set).whenScaled === 'Retain') return false
  return hasStaleOwnerRef(claim, pod, POD_KIND)
}
