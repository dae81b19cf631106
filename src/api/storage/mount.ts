/**
 * The node agent's volume check, as a pure function (the kubelet's volume manager, reduced):
 * a pod that uses claims starts only once every claim exists, is not being deleted, is Bound
 * and its volume exists; until then it stays Pending with a `FailedMount` event carrying the
 * kubelet's message. When ready, the answer lists what to "mount": for the simulated runtime
 * that is data (volume name → host directory); for containerd, bind mounts of the same paths.
 *
 * Pure, and imports nothing but types; the node agent calls it before creating a sandbox.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'

export interface PodVolumeMount {
  /** the pod's volume name (`www`) */
  readonly name: string
  readonly claimName: string
  readonly volumeName: string
  /** the host directory, for hostPath volumes (what a bind mount would use) */
  readonly hostPath: string | undefined
  readonly readOnly: boolean
}

export type PodVolumesState =
  | { readonly ready: true; readonly mounts: readonly PodVolumeMount[] }
  | { readonly ready: false; readonly reason: 'FailedMount'; readonly message: string }

export interface PodVolumesView {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined
  volume(name: string): PersistentVolume | undefined
}

/** Can the pod's claims be mounted? `FailedMount` text follows the kubelet's. */
export function podVolumesReady(pod: Pod, view: PodVolumesView): PodVolumesState {
  const ns = pod.metadata?.namespace ?? ''
  const mounts: PodVolumeMount[] = []
  const failed: Array<{ name: string; error: string }> = []
  for (const v of pod.spec?.volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata?.name ?? ''}-${v.name}` : undefined)
    if (claimName === undefined) continue
    const key = `${ns}/${claimName}`
    const claim = view.claim(ns, claimName)
    if (!claim) {
      failed.push({ name: v.name, error: `error processing PVC ${key}: failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found` })
      continue
    }
    if (claim.metadata?.deletionTimestamp) {
      failed.push({ name: v.name, error: `error processing PVC ${key}: can't start pod because PVC ${key} is being deleted` })
      continue
    }
    const volumeName = claim.spec?.volumeName
    if (claim.status?.phase !== 'Bound' || !volumeName) {
      failed.push({ name: v.name, error: `error processing PVC ${key}: PVC is not bound` })
      continue
    }
    const volume = view.volume(volumeName)
    if (!volume) {
      failed.push({ name: v.name, error: `error processing PVC ${key}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found` })
      continue
    }
    mounts.push({
      name: v.name,
      claimName,
      volumeName,
      hostPath: volume.spec?.hostPath?.path ?? volume.spec?.local?.path,
      readOnly: v.persistentVolumeClaim?.readOnly ?? false,
    })
  }
  if (failed.length === 0) return { ready: true, mounts }
  const names = failed.map((f) => f.name).sort().join(' ')
  return {
    ready: false,
    reason: 'FailedMount',
    message: `Unable to attach or mount volumes: unmounted volumes=[${names}], unattached volumes=[${names}], failed to process volumes=[${names}]: ${failed[0]!.error}`,
  }
}
