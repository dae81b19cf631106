/**
 * The PersistentVolume binder's decisions as data: upstream's `syncClaim` / `syncVolume`
 * (pkg/controller/volume/persistentvolume/pv_controller.go) with every branch kept, each
 * returning the writes and events the loop must perform, in order.
 *
 * ==================================================================
 * Space shuttle style, as upstream asks: every `if` has its `else`, every
 * branch says what it observed (OBSERVATION) and which test table covers it
 * ([Unit test set N] in plan.test.ts). Please keep it that way.
 * ==================================================================
 *
 * Design:
 *
 * The binding is a bi-directional pointer: `pvc.spec.volumeName` (authoritative) and
 * `pv.spec.claimRef`. There are no transactions, so a bind is four writes in a fixed order —
 * PV claimRef, PV phase, claim volumeName (+ annotations), claim phase — and every sync
 * must recognise and finish a half-done bind from either side. A user may pre-bind from
 * either side (claimRef without a UID, or volumeName); `bound-by-controller` records that
 * the binder made the binding, and only such bindings are ever undone by it.
 *
 * Claims are synced as "unbound" until they carry `bind-completed`; afterwards a missing or
 * stolen volume makes them Lost (a terminal phase), never Pending again.
 *
 * Differences from upstream, all deliberate:
 * - Static binding of WaitForFirstConsumer claims: upstream's scheduler binds those itself
 *   (PreBind). Ours only records its choice in `volume.kubernetes.io/selected-node`, and
 *   the binder then binds, passing that node to the matcher so a local PV must fit it.
 * - Until the scheduler writes `selected-node`, a delayed claim whose pod is already on a
 *   node (a scheduler that ignores volumes) gets that node written by the binder.
 * - The API server does not default `storageClassName` at admission; the binder assigns the
 *   default class retroactively only when no class-less PV matches (as upstream's
 *   RetroactiveDefaultStorageClass does for pre-existing claims), so a class-less claim still
 *   binds to class-less PVs while a default class exists.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import type { EventRecord, InvolvedObject } from '../common/events.js'
import type { Plan } from '../common/plan.js'
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER, claimClass, claimHasClass, claimKey, claimReference, claimRefKey, defaultClass, findClass,
  hasAnnotation, isDelayBindingMode, isDelayBindingProvisioning, isPodTerminated, isVolumeBoundToClaim, volumeModeMismatch,
} from '../../api/storage/helpers.js'
import { checkVolumeSatisfyClaim, findBestMatchForClaim } from '../../api/storage/matching.js'
import { rfc3339 } from '../../api/index.js'

// ---------------------------------------------------------------- views and actions

/** What every sync may look at. */
export interface BinderView {
  /** every PersistentVolume (the newest version the loop knows) */
  readonly volumes: readonly PersistentVolume[]
  readonly classes: readonly StorageClass[]
  /** nodes by name: the selected node's labels decide local-PV fit */
  readonly nodes: ReadonlyMap<string, Node>
  /** ms since the epoch */
  readonly now: number
}

export interface ClaimView extends BinderView {
  readonly claim: PersistentVolumeClaim
  /** pods in the claim's namespace that use the claim (any phase; the planner filters) */
  readonly pods: readonly Pod[]
}

export interface VolumeView {
  readonly volume: PersistentVolume
  /**
   * The claim named by `volume.spec.claimRef` (by namespace/name), or undefined when it does
   * not exist. The loop double-checks "not found" against the API server before planning,
   * as upstream does, because Released leads to reclaiming (scrubbing) the volume.
   */
  readonly claim: PersistentVolumeClaim | undefined
  readonly now: number
}

/** Where an event goes. */
export type EventTarget = 'claim' | 'volume'

/**
 * The loop performs these in order and stops at the first failure (the next sync finishes
 * the job). Object writes carry the complete new object; the loop sends it with the newest
 * resourceVersion it knows for that object (a spec write followed by a status write of the
 * same object in one plan uses the version the first write returned).
 */
export type BinderAction =
  /** PUT the volume (spec and metadata: claimRef, annotations) */
  | { type: 'updateVolume'; volume: PersistentVolume }
  /** PUT the volume's status (phase, message, lastPhaseTransitionTime) */
  | { type: 'updateVolumeStatus'; volume: PersistentVolume }
  /** PUT the claim (volumeName, annotations, storageClassName) */
  | { type: 'updateClaim'; claim: PersistentVolumeClaim }
  /** PUT the claim's status (phase, capacity, accessModes) */
  | { type: 'updateClaimStatus'; claim: PersistentVolumeClaim }
  | { type: 'recordEvent'; target: EventTarget; object: InvolvedObject; event: EventRecord }
  /** sync this claim soon (a provisioned or pre-bound volume is waiting for it) */
  | { type: 'enqueueClaim'; key: string }
  /**
   * Run the reclaim operation: scrub the volume's data (recycle) or delete the data and the
   * PV object (delete). The loop re-reads the volume and the claim first and skips the
   * operation if the volume is no longer released; see `recycleOutcome` / `deleteOutcome`.
   */
  | { type: 'reclaimVolume'; method: 'recycle' | 'delete'; volume: PersistentVolume }

// Event reasons (pkg/controller/volume/events).
export const EVENT_FAILED_BINDING = 'FailedBinding'
export const EVENT_WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer'
export const EVENT_WAIT_FOR_POD_SCHEDULED = 'WaitForPodScheduled'
export const EVENT_VOLUME_MISMATCH = 'VolumeMismatch'
export const EVENT_EXTERNAL_PROVISIONING = 'ExternalProvisioning'
export const EVENT_PROVISIONING_FAILED = 'ProvisioningFailed'
export const EVENT_CLAIM_LOST = 'ClaimLost'
export const EVENT_CLAIM_MISBOUND = 'ClaimMisbound'
export const EVENT_VOLUME_RECYCLED = 'VolumeRecycled'
export const EVENT_VOLUME_FAILED_RECYCLE = 'VolumeFailedRecycle'
export const EVENT_VOLUME_FAILED_DELETE = 'VolumeFailedDelete'
export const EVENT_VOLUME_UNKNOWN_RECLAIM_POLICY = 'VolumeUnknownReclaimPolicy'

export const MSG_NO_STORAGE_CLASS = 'no persistent volumes available for this claim and no storage class is set'
export const MSG_WAIT_FOR_FIRST_CONSUMER = 'waiting for first consumer to be created before binding'

/** While a class-less PV is still Pending, wait this long before giving the claim the default class. */
export const PENDING_VOLUME_RETRY_MS = 1000

type Actions = BinderAction[]

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const clone = <T>(v: T): Mutable<T> => structuredClone(v)

function claimTarget(claim: PersistentVolumeClaim): InvolvedObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: claim.metadata }
}
function volumeTarget(volume: PersistentVolume): InvolvedObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: volume.metadata }
}
function claimEvent(claim: PersistentVolumeClaim, eventType: 'Normal' | 'Warning', reason: string, message: string): BinderAction {
  return { type: 'recordEvent', target: 'claim', object: claimTarget(claim), event: { eventType, reason, message } }
}
function volumeEvent(volume: PersistentVolume, eventType: 'Normal' | 'Warning', reason: string, message: string): BinderAction {
  return { type: 'recordEvent', target: 'volume', object: volumeTarget(volume), event: { eventType, reason, message } }
}

function setAnnotation<T extends { metadata?: { annotations?: Record<string, string> } }>(obj: T, key: string, value: string): void {
  obj.metadata = { ...(obj.metadata ?? {}), annotations: { ...(obj.metadata?.annotations ?? {}), [key]: value } }
}

// ---------------------------------------------------------------- status writes

/**
 * `updateClaimStatus`: phase, and accessModes/capacity from the volume (capacity only when
 * the claim is becoming Bound: a later difference may be intentional, e.g. an expansion in
 * progress). Returns the claim as it will be and the write (none when nothing changes).
 */
export function updateClaimStatus(claim: PersistentVolumeClaim, phase: string, volume: PersistentVolume | undefined): { claim: PersistentVolumeClaim; actions: Actions } {
  const next = clone(claim)
  const status = { ...(next.status ?? {}) }
  let dirty = false
  if ((claim.status?.phase ?? '') !== phase) {
    status.phase = phase
    dirty = true
  }
  if (volume === undefined) {
    if (status.accessModes !== undefined) {
      delete status.accessModes
      dirty = true
    }
    if (status.capacity !== undefined) {
      delete status.capacity
      dirty = true
    }
  } else {
    const modes = volume.spec?.accessModes ?? []
    if (JSON.stringify(status.accessModes ?? null) !== JSON.stringify(modes)) {
      status.accessModes = [...modes]
      dirty = true
    }
    if ((claim.status?.phase ?? '') !== phase) {
      const cap = volume.spec?.capacity?.['storage']
      if (cap !== undefined && status.capacity?.['storage'] !== cap) {
        status.capacity = { ...(volume.spec?.capacity ?? {}) }
        dirty = true
      }
    }
  }
  if (!dirty) return { claim, actions: [] }
  next.status = status
  return { claim: next, actions: [{ type: 'updateClaimStatus', claim: next }] }
}

/** `updateClaimStatusWithEvent`: writes and reports only when the phase actually changes. */
function updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: string, volume: PersistentVolume | undefined, eventType: 'Normal' | 'Warning', reason: string, message: string): Actions {
  if ((claim.status?.phase ?? '') === phase) {
    // Nothing to do.
    return []
  } else {
    const r = updateClaimStatus(claim, phase, volume)
    return [...r.actions, claimEvent(r.claim, eventType, reason, message)]
  }
}

/** `updateVolumePhase`: phase and message; lastPhaseTransitionTime moves with the phase (PV-001). */
export function updateVolumePhase(volume: PersistentVolume, phase: string, message: string, now: number): { volume: PersistentVolume; actions: Actions } {
  if ((volume.status?.phase ?? '') === phase) {
    // Nothing to do.
    return { volume, actions: [] }
  } else {
    const next = clone(volume)
    const status: NonNullable<PersistentVolume['status']> = { ...(next.status ?? {}), phase, lastPhaseTransitionTime: rfc3339(now) }
    if (message) status.message = message
    else delete status.message
    next.status = status
    return { volume: next, actions: [{ type: 'updateVolumeStatus', volume: next }] }
  }
}

function updateVolumePhaseWithEvent(volume: PersistentVolume, phase: string, eventType: 'Normal' | 'Warning', reason: string, message: string, now: number): Actions {
  if ((volume.status?.phase ?? '') === phase) {
    // Nothing to do.
    return []
  } else {
    const r = updateVolumePhase(volume, phase, message, now)
    return [...r.actions, volumeEvent(r.volume, eventType, reason, message)]
  }
}

// ---------------------------------------------------------------- bind / unbind

/**
 * `bind`: volume claimRef (+ bound-by-controller unless the user pre-bound it), volume phase
 * Bound, claim volumeName (+ bound-by-controller when the binder chose the volume) and
 * bind-completed, claim phase Bound with the volume's capacity and access modes. Each write
 * is skipped when already in place, so binding a bound pair is a no-op.
 */
export function bindActions(volume: PersistentVolume, claim: PersistentVolumeClaim, now: number): Actions {
  const actions: Actions = []
  // GetBindVolumeToClaim
  let vol = volume
  {
    const next = clone(volume)
    let dirty = false
    const shouldSetBoundByController = !isVolumeBoundToClaim(volume, claim)
    const ref = volume.spec?.claimRef
    if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace || ref.uid !== claim.metadata?.uid) {
      next.spec = { ...(next.spec ?? {}), claimRef: claimReference(claim) }
      dirty = true
    }
    if (shouldSetBoundByController && !hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      setAnnotation(next, ANN_BOUND_BY_CONTROLLER, 'yes')
      dirty = true
    }
    if (dirty) {
      actions.push({ type: 'updateVolume', volume: next })
      vol = next
    }
  }
  const phased = updateVolumePhase(vol, 'Bound', '', now)
  actions.push(...phased.actions)
  vol = phased.volume
  // bindClaimToVolume
  let cl = claim
  {
    const next = clone(claim)
    let dirty = false
    if ((claim.spec?.volumeName ?? '') !== (vol.metadata?.name ?? '')) {
      next.spec = { ...(next.spec ?? {}), volumeName: vol.metadata?.name ?? '' }
      if (!hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) setAnnotation(next, ANN_BOUND_BY_CONTROLLER, 'yes')
      dirty = true
    }
    if (!hasAnnotation(next, ANN_BIND_COMPLETED)) {
      setAnnotation(next, ANN_BIND_COMPLETED, 'yes')
      dirty = true
    }
    if (dirty) {
      actions.push({ type: 'updateClaim', claim: next })
      cl = next
    }
  }
  actions.push(...updateClaimStatus(cl, 'Bound', vol).actions)
  return actions
}

/**
 * `unbindVolume`: roll back a binding. A binding the binder made is removed entirely; a
 * user's pre-binding keeps its claimRef and only loses the UID. Then phase Available.
 */
export function unbindActions(volume: PersistentVolume, now: number): Actions {
  const next = clone(volume)
  if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
    // The volume was bound by the controller.
    const spec = { ...(next.spec ?? {}) }
    delete spec.claimRef
    next.spec = spec
    const ann = { ...(next.metadata?.annotations ?? {}) }
    delete ann[ANN_BOUND_BY_CONTROLLER]
    const meta = { ...(next.metadata ?? {}) }
    if (Object.keys(ann).length) meta.annotations = ann
    else delete meta.annotations
    next.metadata = meta
  } else {
    // The volume was pre-bound by the user. Clear only the binding UID.
    const ref = { ...(next.spec?.claimRef ?? {}) }
    delete ref.uid
    next.spec = { ...(next.spec ?? {}), claimRef: ref }
  }
  return [{ type: 'updateVolume', volume: next }, ...updateVolumePhase(next, 'Available', '', now).actions]
}

// ---------------------------------------------------------------- claims

/**
 * `syncClaim`: the decisions for one claim. Claims without `bind-completed` are synced as
 * unbound, the others as bound.
 */
export function planClaim(view: ClaimView): Plan<BinderAction> {
  if (!hasAnnotation(view.claim, ANN_BIND_COMPLETED)) {
    return syncUnboundClaim(view)
  } else {
    return syncBoundClaim(view)
  }
}

/** Pods (not terminated) that use the claim and are not scheduled yet, by name. */
function nonScheduledPods(view: ClaimView): string[] {
  return view.pods.filter((p) => !isPodTerminated(p) && !p.spec?.nodeName).map((p) => p.metadata?.name ?? '').sort()
}

/** `emitEventForUnboundDelayBindingClaim` */
function delayBindingEvent(view: ClaimView): BinderAction {
  const pods = nonScheduledPods(view)
  if (pods.length > 1) {
    return claimEvent(view.claim, 'Normal', EVENT_WAIT_FOR_POD_SCHEDULED, `waiting for pods ${pods.join(',')} to be scheduled`)
  } else if (pods.length === 1) {
    return claimEvent(view.claim, 'Normal', EVENT_WAIT_FOR_POD_SCHEDULED, `waiting for pod ${pods[0]!} to be scheduled`)
  } else {
    return claimEvent(view.claim, 'Normal', EVENT_WAIT_FOR_FIRST_CONSUMER, MSG_WAIT_FOR_FIRST_CONSUMER)
  }
}

/** The node a delayed claim should be bound/provisioned on, if one is known. */
function selectedNode(view: ClaimView): Node | undefined {
  const name = view.claim.metadata?.annotations?.[ANN_SELECTED_NODE]
  if (name === undefined) return undefined
  return view.nodes.get(name) ?? { metadata: { name } }
}

function syncUnboundClaim(view: ClaimView): Plan<BinderAction> {
  const { claim, now } = view
  // This is a new PVC that has not completed binding
  // OBSERVATION: pvc is "Pending"
  if (!claim.spec?.volumeName) {
    // User did not care which PV they get.
    const delayBinding = isDelayBindingMode(claim, view.classes)
    // [Unit test set 1]
    const node = delayBinding ? selectedNode(view) : undefined
    const volume = findBestMatchForClaim(claim, view.volumes, { delayBinding, node })
    if (volume === undefined) {
      // No PV could be found. Try to provision one if possible.
      // OBSERVATION: pvc is "Pending", will retry
      if (!claimHasClass(claim)) {
        const def = defaultClass(view.classes)
        if (def === undefined) {
          // No default class: the claim waits for a class-less PV.
        } else if (wouldMatchOncePendingVolumesSettle(view)) {
          // OBSERVATION: a class-less PV that fits is still "Pending" (its first syncVolume has
          // not run); give it the chance before retroactively choosing the default class.
          // [Unit test set 5]
          return { actions: [], requeueAfterMs: PENDING_VOLUME_RETRY_MS }
        } else {
          // assignDefaultStorageClass; the update event restarts the claim sync.
          // [Unit test set 5]
          const next = clone(claim)
          next.spec = { ...(next.spec ?? {}), storageClassName: def.metadata?.name ?? '' }
          return { actions: [{ type: 'updateClaim', claim: next }] }
        }
      } else {
        // The user asked for a class (maybe ""): never change it.
      }
      const actions: Actions = []
      if (delayBinding && !isDelayBindingProvisioning(claim)) {
        const scheduled = view.pods.find((p) => !isPodTerminated(p) && !p.metadata?.deletionTimestamp && p.spec?.nodeName)
        if (scheduled) {
          // OBSERVATION: a consumer is already running on a node, but nobody chose the node for
          // the claim (a scheduler that ignores volumes). Its node is the only sensible choice.
          // [Unit test set 6]
          const next = clone(claim)
          setAnnotation(next, ANN_SELECTED_NODE, scheduled.spec?.nodeName ?? '')
          return { actions: [{ type: 'updateClaim', claim: next }] }
        } else {
          // Scheduler does not observe any pod using this claim.
          actions.push(delayBindingEvent(view))
        }
      } else if (claimClass(claim) !== '') {
        // [Unit test set 6]
        return { actions: provisionClaim(claim, view.classes) }
      } else {
        actions.push(claimEvent(claim, 'Normal', EVENT_FAILED_BINDING, MSG_NO_STORAGE_CLASS))
      }
      // Mark the claim as Pending and try to find a match in the next periodic syncClaim
      actions.push(...updateClaimStatus(claim, 'Pending', undefined).actions)
      return { actions }
    } else /* volume !== undefined */ {
      // Found a PV for this claim
      // OBSERVATION: pvc is "Pending", pv is "Available"
      // On any error saving the volume or the claim, subsequent syncClaim will finish the binding.
      // OBSERVATION: claim is "Bound", pv is "Bound"
      return { actions: bindActions(volume, claim, now) }
    }
  } else /* claim.spec.volumeName !== "" */ {
    // [Unit test set 2]
    // User asked for a specific PV.
    const volume = view.volumes.find((v) => v.metadata?.name === claim.spec?.volumeName)
    if (volume === undefined) {
      // User asked for a PV that does not exist.
      // OBSERVATION: pvc is "Pending"
      // Retry later.
      return { actions: updateClaimStatus(claim, 'Pending', undefined).actions }
    } else if (!volume.spec?.claimRef) {
      // User asked for a PV that is not claimed
      // OBSERVATION: pvc is "Pending", pv is "Available"
      const why = checkVolumeSatisfyClaim(volume, claim)
      if (why !== undefined) {
        // volume does not satisfy the requirements of the claim
        return {
          actions: [
            claimEvent(claim, 'Warning', EVENT_VOLUME_MISMATCH, `Cannot bind to requested volume "${volume.metadata?.name ?? ''}": ${why}`),
            ...updateClaimStatus(claim, 'Pending', undefined).actions,
          ],
        }
      } else {
        // OBSERVATION: pvc is "Bound", pv is "Bound"
        return { actions: bindActions(volume, claim, now) }
      }
    } else if (isVolumeBoundToClaim(volume, claim)) {
      // User asked for a PV that is claimed by this PVC
      // OBSERVATION: pvc is "Pending", pv is "Bound"
      // Finish the volume binding by adding claim UID.
      return { actions: bindActions(volume, claim, now) }
    } else {
      // User asked for a PV that is claimed by someone else
      // OBSERVATION: pvc is "Pending", pv is "Bound"
      const msg = `volume "${volume.metadata?.name ?? ''}" already bound to a different claim.`
      if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) {
        // User asked for a specific PV, retry later
        return { actions: [claimEvent(claim, 'Warning', EVENT_FAILED_BINDING, msg), ...updateClaimStatus(claim, 'Pending', undefined).actions] }
      } else {
        // This should never happen because someone had to remove the bind-completed annotation on the claim.
        return {
          actions: [claimEvent(claim, 'Warning', EVENT_FAILED_BINDING, msg)],
          blocked: `invalid binding of claim "${claimKey(claim)}" to volume "${claim.spec.volumeName}": volume already claimed by "${claimRefKey(volume.spec.claimRef)}"`,
        }
      }
    }
  }
}

/**
 * Would a class-less volume that is still Pending (not yet Available, unclaimed) fit the claim?
 * Then the claim should wait for it rather than take the default class.
 */
function wouldMatchOncePendingVolumesSettle(view: ClaimView): boolean {
  const settling = view.volumes
    .filter((v) => !v.spec?.claimRef && ((v.status?.phase ?? '') === '' || v.status?.phase === 'Pending'))
    .map((v) => ({ ...v, status: { ...(v.status ?? {}), phase: 'Available' } }))
  if (settling.length === 0) return false
  return findBestMatchForClaim(view.claim, settling) !== undefined
}

/**
 * `provisionClaim` for an external provisioner (every provisioner here is one, the local-path
 * provisioner included): name it on the claim so it starts, and say so. A missing class or an
 * in-tree name (`kubernetes.io/…`, which no plugin here implements) fails with an event.
 */
function provisionClaim(claim: PersistentVolumeClaim, classes: readonly StorageClass[]): Actions {
  const name = claimClass(claim)
  const sc = findClass(classes, name)
  if (sc === undefined) {
    // OBSERVATION: pvc is "Pending"; retried on every sync (the class may appear).
    return [claimEvent(claim, 'Warning', EVENT_PROVISIONING_FAILED, `storageclass.storage.k8s.io "${name}" not found`)]
  } else if (sc.provisioner.startsWith('kubernetes.io/')) {
    // e.g. kubernetes.io/no-provisioner: static volumes only.
    return [claimEvent(claim, 'Warning', EVENT_PROVISIONING_FAILED, 'no provisionable volume plugin matched')]
  } else {
    const actions: Actions = []
    const ann = claim.metadata?.annotations ?? {}
    let next = claim
    if (ann[ANN_STORAGE_PROVISIONER] !== sc.provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== sc.provisioner) {
      // setClaimProvisioner
      next = clone(claim)
      setAnnotation(next, ANN_STORAGE_PROVISIONER, sc.provisioner)
      setAnnotation(next, ANN_BETA_STORAGE_PROVISIONER, sc.provisioner)
      actions.push({ type: 'updateClaim', claim: next })
    } else {
      // Already asked.
    }
    actions.push(claimEvent(next, 'Normal', EVENT_EXTERNAL_PROVISIONING,
      `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. ` +
      'If volume creation is delayed, please verify that the provisioner is running and correctly registered.'))
    return actions
  }
}

function syncBoundClaim(view: ClaimView): Plan<BinderAction> {
  const { claim, now } = view
  // HasAnnotation(pvc, bind-completed)
  // This PVC has previously been bound
  // OBSERVATION: pvc is not "Pending"
  // [Unit test set 3]
  if (!claim.spec?.volumeName) {
    // Claim was bound before but not any more.
    return { actions: updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', EVENT_CLAIM_LOST, 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!') }
  } else {
    const volume = view.volumes.find((v) => v.metadata?.name === claim.spec?.volumeName)
    if (volume === undefined) {
      // Claim is bound to a non-existing volume.
      return { actions: updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', EVENT_CLAIM_LOST, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!') }
    } else if (!volume.spec?.claimRef) {
      // Claim is bound but volume has come unbound.
      // Or, a claim was bound and the controller has not received updated volume yet. We
      // can't distinguish these cases. Bind the volume again and set all states to Bound.
      return { actions: bindActions(volume, claim, now) }
    } else if (volume.spec.claimRef.uid === claim.metadata?.uid) {
      // All is well
      // NOTE: bind() here does nothing in most cases as everything should be already set.
      return { actions: bindActions(volume, claim, now) }
    } else {
      // Claim is bound but volume has a different claimant.
      // Set the claim phase to 'Lost', which is a terminal phase.
      return { actions: updateClaimStatusWithEvent(claim, 'Lost', undefined, 'Warning', EVENT_CLAIM_MISBOUND, 'Two claims are bound to the same volume, this one is bound incorrectly') }
    }
  }
}

// ---------------------------------------------------------------- volumes

/** The provisioner named on the volume is external (not an in-tree `kubernetes.io/` plugin). */
function isExternallyProvisioned(volume: PersistentVolume): boolean {
  const by = volume.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED]
  return by !== undefined && !by.startsWith('kubernetes.io/')
}

/**
 * `syncVolume`: the decisions for one volume, given the claim its claimRef names.
 */
export function planVolume(view: VolumeView): Plan<BinderAction> {
  const { volume, now } = view
  // [Unit test set 4]
  const ref = volume.spec?.claimRef
  if (!ref) {
    // Volume is unused
    return { actions: updateVolumePhase(volume, 'Available', '', now).actions }
  } else /* volume.spec.claimRef !== undefined */ {
    // Volume is bound to a claim.
    if (!ref.uid) {
      // The PV is reserved for a PVC; that PVC has not yet been bound to this PV; the PVC sync will handle it.
      return { actions: [...updateVolumePhase(volume, 'Available', '', now).actions, { type: 'enqueueClaim', key: claimRefKey(ref) }] }
    } else {
      // Volume is bound to a claim (with a UID).
      const claim = view.claim !== undefined && view.claim.metadata?.uid === ref.uid ? view.claim : undefined
      if (claim === undefined) {
        // If we get into this block, the claim must have been deleted (or replaced by another
        // claim with the same name); reclaimVolume may release, recycle or keep the volume.
        // [Unit test set 7]
        // Do not overwrite previous Failed state - let the user see that something went wrong,
        // while we still re-try to reclaim the volume.
        let vol = volume
        const actions: Actions = []
        if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
          const r = updateVolumePhase(volume, 'Released', '', now)
          actions.push(...r.actions)
          vol = r.volume
        } else {
          // Already Released or Failed.
        }
        actions.push(...reclaimVolume(vol, now))
        return { actions }
      } else if (!claim.spec?.volumeName) {
        if (volumeModeMismatch(claim, volume)) {
          // Binding for the volume won't be called in syncUnboundClaim, because
          // findBestMatchForClaim won't return the volume due to volumeMode mismatch.
          return {
            actions: [
              volumeEvent(volume, 'Warning', EVENT_VOLUME_MISMATCH, `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata?.name ?? ''}" due to incompatible volumeMode.`),
              claimEvent(claim, 'Warning', EVENT_VOLUME_MISMATCH, `Cannot bind PersistentVolume "${volume.metadata?.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.`),
            ],
          }
        } else if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
          // The binding is not completed; let PVC sync handle it
          return { actions: [{ type: 'enqueueClaim', key: claimKey(claim) }] }
        } else {
          // Dangling PV (or a provisioned one waiting for its claim); try to re-establish the
          // link in the PVC sync. In both cases the volume is Bound and the claim is Pending.
          return { actions: [{ type: 'enqueueClaim', key: claimKey(claim) }] }
        }
      } else if (claim.spec.volumeName === volume.metadata?.name) {
        // Volume is bound to a claim properly, update status if necessary
        return { actions: updateVolumePhase(volume, 'Bound', '', now).actions }
      } else {
        // Volume is bound to a claim, but the claim is bound elsewhere
        // [Unit test set 8]
        if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
          // This volume was dynamically provisioned for this claim. The claim got bound
          // elsewhere, and thus this volume is not needed. Delete it.
          let vol = volume
          const actions: Actions = []
          if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
            const r = updateVolumePhase(volume, 'Released', '', now)
            actions.push(...r.actions)
            vol = r.volume
          } else {
            // Don't overwrite existing Failed status!
          }
          actions.push(...reclaimVolume(vol, now))
          return { actions }
        } else {
          // Volume is bound to a claim, but the claim is bound elsewhere and it's not
          // dynamically provisioned.
          if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
            // This is part of the normal operation of the controller; the controller tried to
            // use this volume for a claim but the claim was fulfilled by another volume. We did
            // this; fix it.
            return { actions: unbindActions(volume, now) }
          } else {
            // The PV must have been created with this ptr; leave it alone (pre-bound by the
            // user): only the binding UID is cleared.
            return { actions: unbindActions(volume, now) }
          }
        }
      }
    }
  }
}

/**
 * `reclaimVolume`: act on the reclaim policy of a released volume. Retain does nothing;
 * Recycle and Delete hand the data work to the loop (hostPath only: the plugins implemented
 * here); volumes an external provisioner made are deleted by that provisioner.
 */
export function reclaimVolume(volume: PersistentVolume, now: number): Actions {
  const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'
  switch (policy) {
    case 'Retain':
      // policy is Retain, nothing to do
      return []
    case 'Recycle':
      if (volume.spec?.hostPath) {
        return [{ type: 'reclaimVolume', method: 'recycle', volume }]
      } else {
        // No recycler found. Emit an event and mark the volume Failed; retried every sync.
        return updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', EVENT_VOLUME_FAILED_RECYCLE, 'No recycler plugin found for the volume!', now)
      }
    case 'Delete':
      if (isExternallyProvisioned(volume)) {
        // External deleter is requested, do nothing
        return []
      } else if (volume.spec?.hostPath) {
        return [{ type: 'reclaimVolume', method: 'delete', volume }]
      } else {
        return updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', EVENT_VOLUME_FAILED_DELETE, 'no deletable volume plugin matched', now)
      }
    default:
      // Unknown PersistentVolumeReclaimPolicy
      return updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', EVENT_VOLUME_UNKNOWN_RECLAIM_POLICY, 'Volume has unrecognized PersistentVolumeReclaimPolicy', now)
  }
}

// ---------------------------------------------------------------- reclaim operations

/**
 * `isVolumeReleased`: the volume names a claim (with a UID) that no longer exists, or exists
 * and is bound to another volume. Checked against fresh reads before data is destroyed.
 */
export function isVolumeReleased(volume: PersistentVolume, claim: PersistentVolumeClaim | undefined): boolean {
  const ref = volume.spec?.claimRef
  if (!ref) {
    return false
  } else if (!ref.uid) {
    // Bound by the user and the controller has not finished binding to the real claim yet.
    return false
  } else if (claim !== undefined && claim.metadata?.uid === ref.uid) {
    // the claim still exists and has the right UID; released only if it is bound elsewhere
    return !!claim.spec?.volumeName && claim.spec.volumeName !== volume.metadata?.name
  } else {
    return true
  }
}

/** What happened when the loop tried to recycle a volume. */
export type RecycleResult =
  | { readonly type: 'notReleased' }
  | { readonly type: 'inUse'; readonly pods: readonly string[] }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'recycled' }

/** `recycleVolumeOperation`'s decisions after the scrub (or the reason it did not run). */
export function recycleOutcome(volume: PersistentVolume, result: RecycleResult, now: number): Actions {
  switch (result.type) {
    case 'notReleased':
      // Volume no longer needs recycling, skipping
      return []
    case 'inUse':
      return [volumeEvent(volume, 'Normal', EVENT_VOLUME_FAILED_RECYCLE, `Volume is used by pods: ${result.pods.join(',')}`)]
    case 'failed':
      // Despite the volume being Failed, the controller will retry recycling it in every syncVolume().
      return updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', EVENT_VOLUME_FAILED_RECYCLE, `Recycle failed: ${result.error}`, now)
    case 'recycled':
      // Make the volume available again
      return [volumeEvent(volume, 'Normal', EVENT_VOLUME_RECYCLED, 'Volume recycled'), ...unbindActions(volume, now)]
  }
}

/** What happened when the loop tried to delete a volume's data. */
export type DeleteResult =
  | { readonly type: 'notReleased' }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'deleted' }

/** `deleteVolumeOperation`'s decisions: on success the PV object goes (`deleteVolume`). */
export function deleteOutcome(volume: PersistentVolume, result: DeleteResult, now: number): Actions | 'deleteVolume' {
  switch (result.type) {
    case 'notReleased':
      return []
    case 'failed':
      return updateVolumePhaseWithEvent(volume, 'Failed', 'Warning', EVENT_VOLUME_FAILED_DELETE, result.error, now)
    case 'deleted':
      return 'deleteVolume'
  }
}
