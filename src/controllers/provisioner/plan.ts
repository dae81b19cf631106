/**
 * The local-path provisioner's decisions as data, shaped after the external provisioner
 * library (sig-storage-lib-external-provisioner's shouldProvision / provisionClaimOperation /
 * shouldDelete) and the external resizer:
 * - provision: a claim the binder handed to us (`volume.kubernetes.io/storage-provisioner`)
 *   and, for WaitForFirstConsumer, placed on a node (`volume.kubernetes.io/selected-node`)
 *   gets a directory `<volumesDir>/pvc-<uid>` on that node and a PV pre-bound to it, pinned to
 *   the node by node affinity; the binder then binds the pair;
 * - delete: a Released `Delete` volume we provisioned loses its directory, then its object;
 * - expand: a bound claim of a class that allows expansion, asking for more than its volume
 *   has, grows the volume and then reports the new `status.capacity`.
 * Pure: the loop does the directory work.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import type { EventRecord, InvolvedObject } from '../common/events.js'
import type { Plan } from '../common/plan.js'
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_IS_DEFAULT_CLASS, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  LABEL_HOSTNAME, claimCapacity, claimClass, claimKey, claimReference, findClass, requestedStorage, volumeStorage,
} from '../../api/storage/helpers.js'

/** The provisioner's name, as StorageClasses and PV annotations spell it. */
export const PROVISIONER_NAME = 'kubeling.dev/local-path'
/** The default class created at start when missing. */
export const DEFAULT_CLASS_NAME = 'standard'

/**
 * The cluster's default StorageClass: local-path volumes, bound once a pod is scheduled,
 * deleted with their claim, expandable.
 */
export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_CLASS_NAME, annotations: { [ANN_IS_DEFAULT_CLASS]: 'true' } },
    provisioner: PROVISIONER_NAME,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  }
}

export type ProvisionerAction =
  /** make `directory`, then create the PV (AlreadyExists: someone did it already) */
  | { type: 'createVolume'; volume: PersistentVolume; directory: string }
  /** remove `directory` (it must be `<volumesDir>/<name>`), then delete the PV object */
  | { type: 'deleteVolume'; volume: PersistentVolume; directory: string }
  /** PUT the volume with its new capacity */
  | { type: 'updateVolume'; volume: PersistentVolume }
  /** PUT the claim's status (capacity after an expansion) */
  | { type: 'updateClaimStatus'; claim: PersistentVolumeClaim }
  | { type: 'recordEvent'; object: InvolvedObject; event: EventRecord }

const SUPPORTED_ACCESS_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod'])

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const clone = <T>(v: T): Mutable<T> => structuredClone(v)

function claimEvent(claim: PersistentVolumeClaim, eventType: 'Normal' | 'Warning', reason: string, message: string): ProvisionerAction {
  return { type: 'recordEvent', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: claim.metadata }, event: { eventType, reason, message } }
}
function volumeEvent(volume: PersistentVolume, eventType: 'Normal' | 'Warning', reason: string, message: string): ProvisionerAction {
  return { type: 'recordEvent', object: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: volume.metadata }, event: { eventType, reason, message } }
}

/** `<volumesDir>/<name>` */
export function volumeDirectory(volumesDir: string, name: string): string {
  return `${volumesDir.replace(/\/+$/, '')}/${name}`
}

/** The name a provisioned volume gets (deterministic, so a retried create is harmless). */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`
}

export interface ProvisionView {
  readonly claim: PersistentVolumeClaim
  readonly classes: readonly StorageClass[]
  /** does a PV of this name exist already? */
  readonly volumeExists: (name: string) => boolean
  readonly nodes: ReadonlyMap<string, Node>
  /** where volume directories are made (on every node: nodes share this host) */
  readonly volumesDir: string
}

/** Is the claim ours to provision now? (undefined: not ours / nothing to do; a string: why it fails) */
function shouldProvision(view: ProvisionView): { sc: StorageClass } | undefined {
  const { claim } = view
  if (claim.spec?.volumeName) return undefined
  if (claim.metadata?.deletionTimestamp) return undefined
  const ann = claim.metadata?.annotations ?? {}
  const asked = ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]
  if (asked !== PROVISIONER_NAME) return undefined
  const sc = findClass(view.classes, claimClass(claim))
  if (!sc || sc.provisioner !== PROVISIONER_NAME) return undefined
  if (view.volumeExists(provisionedVolumeName(claim))) return undefined
  return { sc }
}

/**
 * Provision a volume for the claim if it is ours and still needs one: the PV (pre-bound to
 * the claim, pinned to the selected node) and its directory; or an event saying why not.
 */
export function planProvision(view: ProvisionView): Plan<ProvisionerAction> {
  const ok = shouldProvision(view)
  if (!ok) return { actions: [] }
  const { claim } = view
  const { sc } = ok
  const className = sc.metadata?.name ?? ''
  const failed = (err: string): Plan<ProvisionerAction> => ({
    actions: [claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${err}`)],
  })
  if (claim.spec?.selector) return failed('claim Selector is not supported')
  const modes = claim.spec?.accessModes ?? []
  if (modes.some((m) => !SUPPORTED_ACCESS_MODES.has(m))) return failed('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access mode')
  const nodeName = claim.metadata?.annotations?.[ANN_SELECTED_NODE]
  if (!nodeName) return failed('configuration error, no node was specified')
  const node = view.nodes.get(nodeName)
  if (!node) return failed(`nodes "${nodeName}" not found`)
  const name = provisionedVolumeName(claim)
  const directory = volumeDirectory(view.volumesDir, name)
  const hostname = node.metadata?.labels?.[LABEL_HOSTNAME] ?? nodeName
  const volume: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: PROVISIONER_NAME } },
    spec: {
      capacity: { storage: requestedStorage(claim).toString() },
      accessModes: [...modes],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      ...(sc.mountOptions?.length ? { mountOptions: [...sc.mountOptions] } : {}),
      hostPath: { path: directory, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_HOSTNAME, operator: 'In', values: [hostname] }] }] } },
      claimRef: claimReference(claim),
    },
  }
  return {
    actions: [
      claimEvent(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKey(claim)}"`),
      { type: 'createVolume', volume, directory },
      claimEvent(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`),
    ],
  }
}

/** `shouldDelete`: a Released volume we provisioned with reclaim policy Delete goes, data first. */
export function planVolumeDeletion(volume: PersistentVolume, volumesDir: string): Plan<ProvisionerAction> {
  if (volume.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== PROVISIONER_NAME) return { actions: [] }
  if (volume.spec?.persistentVolumeReclaimPolicy !== 'Delete') return { actions: [] }
  if (volume.status?.phase !== 'Released') return { actions: [] }
  const name = volume.metadata.name ?? ''
  const expected = volumeDirectory(volumesDir, name)
  if (volume.spec.hostPath?.path !== expected) {
    return { actions: [volumeEvent(volume, 'Warning', 'VolumeFailedDelete', `refusing to delete ${volume.spec.hostPath?.path ?? '(no hostPath)'}: not the directory ${expected} this provisioner made`)] }
  }
  return { actions: [{ type: 'deleteVolume', volume, directory: expected }] }
}

/**
 * The resizer for one bound claim and its volume: grow the volume to the request (class must
 * allow expansion; only volumes we provisioned), then report the volume's capacity on the
 * claim (the "file system" of a directory needs no resize).
 */
export function planExpansion(claim: PersistentVolumeClaim, volume: PersistentVolume | undefined, classes: readonly StorageClass[]): Plan<ProvisionerAction> {
  if (!volume || claim.status?.phase !== 'Bound' || claim.spec?.volumeName !== volume.metadata?.name) return { actions: [] }
  if (volume.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== PROVISIONER_NAME) return { actions: [] }
  const sc = findClass(classes, claimClass(claim))
  if (!sc?.allowVolumeExpansion) return { actions: [] }
  const want = requestedStorage(claim)
  const have = volumeStorage(volume)
  const actions: ProvisionerAction[] = []
  let vol: PersistentVolume = volume
  if (want.cmp(have) > 0) {
    const next = clone(volume)
    next.spec = { ...(next.spec ?? {}), capacity: { ...(next.spec?.capacity ?? {}), storage: want.toString() } }
    vol = next
    actions.push(
      claimEvent(claim, 'Normal', 'Resizing', `External resizer is resizing volume ${volume.metadata.name ?? ''}`),
      { type: 'updateVolume', volume: next },
      claimEvent(claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded'),
    )
  }
  const reported = claimCapacity(claim)
  const size = volumeStorage(vol)
  if (!reported || size.cmp(reported) > 0) {
    const next = clone(claim)
    const status = { ...(next.status ?? {}), capacity: { ...(next.status?.capacity ?? {}), storage: size.toString() } }
    delete status.conditions
    next.status = status
    actions.push(
      { type: 'updateClaimStatus', claim: next },
      claimEvent(claim, 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${vol.metadata?.name ?? ''}"`),
    )
  }
  return { actions }
}
