/**
 * Storage object in-use protection (PV-031) as data: upstream's pvc-protection and
 * pv-protection controllers. A live object gets its finalizer (upstream's admission plugin
 * adds it at create; the controllers add it to any object that lacks it — here that is the
 * only place it is added); an object being deleted loses it once nothing uses it:
 * - a claim, once no scheduled, still-running pod mounts it;
 * - a volume, once it is no longer Bound.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { Plan } from '../common/plan.js'
import { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, isPodTerminated, podClaimNames } from '../../api/storage/helpers.js'

export type ProtectionAction =
  /** merge-patch `metadata.finalizers` to `finalizers`, guarded by `resourceVersion` */
  | { type: 'setFinalizers'; finalizers: readonly string[]; resourceVersion: string | undefined; reason: 'add' | 'remove' }

interface Meta {
  metadata?: { deletionTimestamp?: string | undefined; finalizers?: readonly string[] | undefined; resourceVersion?: string | undefined } | undefined
}

/** `NeedToAddFinalizer`: not being deleted and the finalizer is missing. */
export function needToAddFinalizer(obj: Meta, finalizer: string): boolean {
  return !obj.metadata?.deletionTimestamp && !(obj.metadata?.finalizers ?? []).includes(finalizer)
}

/** `IsDeletionCandidate`: being deleted and still holding the finalizer. */
export function isDeletionCandidate(obj: Meta, finalizer: string): boolean {
  return !!obj.metadata?.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(finalizer)
}

/**
 * `podIsShutDown`: the kubelet is done with the pod (deleted with a zero grace period) or it
 * was force-deleted; it is only waiting to be removed.
 */
export function podIsShutDown(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0
}

/**
 * `podUsesPVC`: only scheduled pods count (a node agent refuses to start a pod whose claim is
 * being deleted, and the scheduler refuses to place it), and only while they may still have
 * the volume mounted: not Succeeded/Failed, not shut down.
 */
export function podUsesClaim(pod: Pod, claim: PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName) return false
  if (pod.metadata?.namespace !== claim.metadata?.namespace) return false
  if (isPodTerminated(pod) || podIsShutDown(pod)) return false
  return podClaimNames(pod).includes(claim.metadata?.name ?? '')
}

function without(list: readonly string[] | undefined, f: string): string[] {
  return (list ?? []).filter((x) => x !== f)
}

/**
 * The pvc-protection decision for one claim, given the pods of its namespace that reference
 * it (from a cache; the loop confirms "unused" with a live list before removing).
 */
export function planClaimProtection(claim: PersistentVolumeClaim, pods: readonly Pod[]): Plan<ProtectionAction> & { users: string[] } {
  const users = pods.filter((p) => podUsesClaim(p, claim)).map((p) => p.metadata?.name ?? '').sort()
  if (isDeletionCandidate(claim, PVC_PROTECTION_FINALIZER)) {
    if (users.length === 0) {
      return { users, actions: [{ type: 'setFinalizers', finalizers: without(claim.metadata?.finalizers, PVC_PROTECTION_FINALIZER), resourceVersion: claim.metadata?.resourceVersion, reason: 'remove' }] }
    } else {
      // Keeping the claim: it is being used.
      return { users, actions: [] }
    }
  } else if (needToAddFinalizer(claim, PVC_PROTECTION_FINALIZER)) {
    return { users, actions: [{ type: 'setFinalizers', finalizers: [...(claim.metadata?.finalizers ?? []), PVC_PROTECTION_FINALIZER], resourceVersion: claim.metadata?.resourceVersion, reason: 'add' }] }
  } else {
    return { users, actions: [] }
  }
}

/** The pv-protection decision for one volume: in use means phase Bound. */
export function planVolumeProtection(volume: PersistentVolume): Plan<ProtectionAction> {
  if (isDeletionCandidate(volume, PV_PROTECTION_FINALIZER)) {
    if (volume.status?.phase !== 'Bound') {
      return { actions: [{ type: 'setFinalizers', finalizers: without(volume.metadata?.finalizers, PV_PROTECTION_FINALIZER), resourceVersion: volume.metadata?.resourceVersion, reason: 'remove' }] }
    } else {
      // Keeping the volume: it is bound to a claim.
      return { actions: [] }
    }
  } else if (needToAddFinalizer(volume, PV_PROTECTION_FINALIZER)) {
    return { actions: [{ type: 'setFinalizers', finalizers: [...(volume.metadata?.finalizers ?? []), PV_PROTECTION_FINALIZER], resourceVersion: volume.metadata?.resourceVersion, reason: 'add' }] }
  } else {
    return { actions: [] }
  }
}
