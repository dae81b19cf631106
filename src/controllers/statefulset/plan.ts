/**
 * planStatefulSet: the StatefulSet controller's decisions as data (upstream's
 * `UpdateStatefulSet` → `getStatefulSetRevisions` → `updateStatefulSet` → `truncateHistory`).
 *
 * In OrderedReady ("monotonic") mode the plan stops at the first pod that is missing,
 * unhealthy or terminating, exactly where upstream returns; in Parallel ("burst") mode
 * every pod is handled in slow-start batches. Status and history trimming are computed from
 * the same view and always close the plan.
 */
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js'
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js'
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import { fromLabelSelector, matches } from '../../api/index.js'
import type { Selector } from '../../api/index.js'
import type { Failure } from '../common/conditions.js'
import { plannedReplicaFailure, sameConditions } from '../common/conditions.js'
import type { EventRecord } from '../common/events.js'
import { scaledValue } from '../common/intstr.js'
import type { IntOrString } from '../common/intstr.js'
import { adoptPatch, claimObjects, getControllerOf, newControllerRef, releasePatch } from '../common/owners.js'
import type { Plan } from '../common/plan.js'
import { minDelay, slowStartBatches } from '../common/plan.js'
import { isTerminating, nextAvailabilityMs } from '../common/pods.js'
import type { ControllerRevision, RevisionAction } from '../history/revisions.js'
import { planStatefulSetRevisions, revisionsToTruncate, templateOfRevision } from '../history/revisions.js'
import {
  STATEFULSET_KIND, allowsBurst, claimIsStale, claimOwnerMatchesSetAndPod, claimOwnerRefs, getOrdinal, getPodRevision,
  getReplicas, getStartOrdinal, identityMatches, isCreated, isFailed, isMemberOf, isPending, isRunningAndAvailable,
  isRunningAndReady, isSucceeded, isUnavailable, newStatefulSetPod, podClaimNames, podClaims, podInOrdinalRange, repairedPod, storageMatches,
} from './identity.js'

/** Upstream's cap on in-flight requests per Parallel batch. */
export const MAX_BATCH_SIZE = 500

export interface StatefulSetView {
  readonly set: StatefulSet
  /** pods in the set's namespace that it owns or that are orphans (the planner adopts/releases) */
  readonly pods: readonly Pod[]
  /** claims in the set's namespace, by name */
  readonly claims: ReadonlyMap<string, PersistentVolumeClaim>
  /** revisions in the set's namespace that it owns or that are orphans */
  readonly revisions: readonly ControllerRevision[]
  /** ms since the epoch */
  readonly now: number
}

/**
 * What the loop does, in order. Actions sharing a `batch` number may run concurrently; a
 * failure stops everything after it except the closing `updateStatus` and `deleteRevision`.
 */
export type StatefulSetAction =
  | { type: 'adoptPod'; name: string; patch: Record<string, unknown> }
  | { type: 'releasePod'; name: string; patch: Record<string, unknown> }
  | { type: 'adoptRevision'; name: string; patch: Record<string, unknown> }
  | RevisionAction
  | { type: 'createPod'; pod: Pod; claims: readonly PersistentVolumeClaim[]; batch: number }
  | { type: 'createClaims'; podName: string; claims: readonly PersistentVolumeClaim[]; batch: number }
  | { type: 'updateClaimOwners'; name: string; podName: string; ownerReferences: readonly OwnerReference[]; resourceVersion: string | undefined; batch: number }
  | { type: 'updatePod'; pod: Pod; batch: number }
  | { type: 'deletePod'; name: string; uid: string | undefined; reason: 'failed' | 'condemned' | 'update'; batch: number }
  | { type: 'recordEvent'; event: EventRecord }
  | { type: 'updateStatus'; status: StatefulSetStatus }
  | { type: 'deleteRevision'; name: string }

/** Pod-level messages (StatefulPodControl.recordPodEvent), shared with the loop. */
export function podEvent(verb: 'create' | 'update' | 'delete', set: string, pod: string, err?: string): EventRecord {
  const title = verb[0]!.toUpperCase() + verb.slice(1)
  return err === undefined
    ? { eventType: 'Normal', reason: `Successful${title}`, message: `${verb} Pod ${pod} in StatefulSet ${set} successful` }
    : { eventType: 'Warning', reason: `Failed${title}`, message: `${verb} Pod ${pod} in StatefulSet ${set} failed error: ${err}` }
}

/** Claim-level messages (StatefulPodControl.recordClaimEvent). */
export function claimEvent(set: string, pod: string, claim: string, err?: string): EventRecord {
  return err === undefined
    ? { eventType: 'Normal', reason: 'SuccessfulCreate', message: `create Claim ${claim} Pod ${pod} in StatefulSet ${set} success` }
    : { eventType: 'Warning', reason: 'FailedCreate', message: `create Claim ${claim} for Pod ${pod} in StatefulSet ${set} failed error: ${err}` }
}

interface Step {
  exit: boolean
  actions: StatefulSetAction[]
  blocked?: string | undefined
  requeueAfterMs?: number | undefined
}

/** Everything one sync needs besides the view. */
interface Ctx {
  set: StatefulSet
  setName: string
  claims: ReadonlyMap<string, PersistentVolumeClaim>
  monotonic: boolean
  minReadySeconds: number
  now: number
}

export function planStatefulSet(view: StatefulSetView): Plan<StatefulSetAction> {
  const { set, now } = view
  const setName = set.metadata?.name ?? ''
  const actions: StatefulSetAction[] = []
  let selector: Selector
  try {
    selector = fromLabelSelector(set.spec?.selector ?? {})
  } catch (e) {
    const failure: Failure = { reason: 'InvalidSelector', message: `invalid selector: ${(e as Error).message}` }
    return { actions: [{ type: 'recordEvent', event: { eventType: 'Warning', ...failure } }, ...failureStatus(set, failure, now)] }
  }
  const deleting = !!set.metadata?.deletionTimestamp
  const ref = newControllerRef(set, STATEFULSET_KIND)

  // Revisions matching the selector that we own or that nobody owns; orphans are adopted.
  const revisions = view.revisions.filter((r) => {
    const c = getControllerOf(r)
    return matches(selector, r.metadata.labels) && (!c || c.uid === set.metadata?.uid)
  })
  if (!deleting) {
    for (const r of revisions) if (!getControllerOf(r)) actions.push({ type: 'adoptRevision', name: r.metadata.name ?? '', patch: adoptPatch(r, ref) })
  }

  // Pods: adopt orphans whose labels match and whose name belongs to the set; release strays.
  const claim = claimObjects(set, view.pods, (p) => matches(selector, p.metadata?.labels) && isMemberOf(set, p))
  for (const p of claim.adopt) actions.push({ type: 'adoptPod', name: p.metadata?.name ?? '', patch: adoptPatch(p, ref) })
  for (const p of claim.release) actions.push({ type: 'releasePod', name: p.metadata?.name ?? '', patch: releasePatch(p, set.metadata?.uid ?? '') })
  const pods = claim.owned

  const revs = planStatefulSetRevisions({ metadata: set.metadata ?? {}, template: set.spec?.template, ownerRef: ref }, revisions, set.status ?? {})
  actions.push(...revs.actions)
  const currentTemplate = templateOfRevision(revs.current)
  const updateTemplate = templateOfRevision(revs.update)
  const currentName = revs.current.metadata.name ?? ''
  const updateName = revs.update.metadata.name ?? ''
  if (!currentTemplate || !updateTemplate) {
    const bad = !currentTemplate ? currentName : updateName
    const failure: Failure = { reason: 'FailedUpdate', message: `ControllerRevision ${bad} has no pod template in its data` }
    return { actions: [...actions, { type: 'recordEvent', event: { eventType: 'Warning', ...failure } }, ...failureStatus(set, failure, now)], blocked: `revision ${bad} has no template` }
  }

  const ctx: Ctx = { set, setName, claims: view.claims, monotonic: !allowsBurst(set), minReadySeconds: set.spec?.minReadySeconds ?? 0, now }
  const status = baseStatus(set, revs.collisionCount, currentName, updateName)
  const replicaCount = getReplicas(set)
  const start = getStartOrdinal(set)
  const replicas: Pod[] = new Array<Pod>(replicaCount)
  const condemned: Pod[] = []
  for (const pod of pods) {
    if (podInOrdinalRange(pod, set)) replicas[getOrdinal(pod) - start] = pod
    else if (getOrdinal(pod) >= 0) condemned.push(pod)
  }
  for (let i = 0; i < replicaCount; i++) {
    if (!replicas[i]) replicas[i] = newVersionedPod(set, currentTemplate, updateTemplate, currentName, updateName, start + i)
  }
  condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a))
  countReplicas(status, [...replicas, ...condemned], ctx, currentName, updateName)

  let firstUnavailable: Pod | undefined
  for (const p of replicas) if (!firstUnavailable && isUnavailable(p, ctx.minReadySeconds, now)) firstUnavailable = p
  for (let i = condemned.length - 1; i >= 0; i--) if (!firstUnavailable && isUnavailable(condemned[i]!, ctx.minReadySeconds, now)) firstUnavailable = condemned[i]

  let blocked: string | undefined
  let requeueAfterMs: number | undefined
  const phases = (): void => {
    if (deleting) return
    // 1. Living replicas, in ordinal order.
    const r = runForAll(replicas.map((_, i) => () => processReplica(ctx, replicas, i)), ctx.monotonic)
    actions.push(...r.actions)
    blocked ??= r.blocked
    requeueAfterMs = minDelay(requeueAfterMs, r.requeueAfterMs)
    if (r.exit) return
    // 2. Claims of condemned pods follow the retention policy.
    const c = runForAll(condemned.map((pod) => () => ({ exit: false, actions: retentionUpdates(ctx, pod, 0) })), ctx.monotonic)
    actions.push(...c.actions)
    if (c.exit) return
    // 3. Condemned pods go, highest ordinal first.
    const d = runForAll(condemned.map((pod) => () => processCondemned(ctx, pod, firstUnavailable)), ctx.monotonic)
    actions.push(...d.actions)
    if (d.exit) return
    // 4. Rolling update.
    if (set.spec?.updateStrategy?.type === 'OnDelete') return
    const u = rollingUpdate(ctx, replicas, updateName)
    actions.push(...u.actions)
    blocked ??= u.blocked
    status.currentReplicas = (status.currentReplicas ?? 0) - u.actions.filter((a) => a.type === 'deletePod').length
  }
  phases()

  completeRollingUpdate(set, status)
  // ReplicaFailure: what this plan detects; a blocked sync keeps what the loop observed earlier.
  const conditions = plannedReplicaFailure(set.status?.conditions, specFailure(set), blocked === undefined, now)
  if (conditions) status.conditions = [...conditions]
  else delete status.conditions
  if (inconsistentStatus(set, status)) actions.push({ type: 'updateStatus', status })

  // History trimming: everything not live beyond revisionHistoryLimit.
  const live = new Set<string>([currentName, updateName])
  for (const p of pods) live.add(getPodRevision(p))
  for (const name of revisionsToTruncate(revisions, live, set.spec?.revisionHistoryLimit ?? 10)) actions.push({ type: 'deleteRevision', name })

  if (ctx.minReadySeconds > 0 && (status.availableReplicas ?? 0) !== replicaCount) {
    requeueAfterMs = minDelay(requeueAfterMs, nextAvailabilityMs(pods, ctx.minReadySeconds, now) ?? ctx.minReadySeconds * 1000)
  }
  return {
    actions,
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
    ...(blocked !== undefined ? { blocked } : {}),
  }
}

/**
 * Upstream's ternary in newVersionedStatefulSetPod: ordinals below the partition (or, without a
 * rollingUpdate block, below start+status.currentReplicas) are created at the current revision.
 */
function newVersionedPod(set: StatefulSet, currentTemplate: PodTemplateSpec, updateTemplate: PodTemplateSpec, currentName: string, updateName: string, ordinal: number): Pod {
  const strategy = set.spec?.updateStrategy
  const start = getStartOrdinal(set)
  const ru = strategy?.rollingUpdate
  const atCurrent = (strategy?.type === 'RollingUpdate' && !ru && ordinal < start + (set.status?.currentReplicas ?? 0)) ||
    (!!ru && ordinal < start + (ru.partition ?? 0))
  return atCurrent ? newStatefulSetPod(set, currentTemplate, currentName, ordinal) : newStatefulSetPod(set, updateTemplate, updateName, ordinal)
}

/**
 * A spec the controller cannot act on that the API server does not reject (objects stored
 * before validation tightened): a malformed rollingUpdate.maxUnavailable.
 */
export function specFailure(set: StatefulSet): Failure | undefined {
  const ru = set.spec?.updateStrategy?.rollingUpdate
  if (set.spec?.updateStrategy?.type === 'OnDelete' || !ru) return undefined
  try {
    scaledValue((ru.maxUnavailable as IntOrString | undefined) ?? 1, 1, false)
    return undefined
  } catch (e) {
    return { reason: 'FailedUpdate', message: `invalid maxUnavailable: ${(e as Error).message}` }
  }
}

/** The status write (if any) recording a failure that stops the sync before status is computed. */
function failureStatus(set: StatefulSet, failure: Failure, now: number): StatefulSetAction[] {
  if (set.metadata?.deletionTimestamp) return []
  const conditions = plannedReplicaFailure(set.status?.conditions, failure, false, now)
  if (sameConditions(conditions, set.status?.conditions)) return []
  return [{ type: 'updateStatus', status: { ...set.status, replicas: set.status?.replicas ?? 0, conditions: [...(conditions ?? [])] } }]
}

function baseStatus(set: StatefulSet, collisionCount: number, currentRevision: string, updateRevision: string): StatefulSetStatus {
  const s: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0,
    currentRevision, updateRevision, collisionCount,
  }
  if (set.status?.conditions) s.conditions = set.status.conditions
  return s
}

function countReplicas(status: StatefulSetStatus, pods: readonly Pod[], ctx: Ctx, current: string, update: string): void {
  let replicas = 0, ready = 0, available = 0, cur = 0, upd = 0
  for (const pod of pods) {
    if (isCreated(pod)) replicas++
    if (isRunningAndReady(pod)) {
      ready++
      if (isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now)) available++
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = getPodRevision(pod)
      if (rev === current) cur++
      if (rev === update) upd++
    }
  }
  Object.assign(status, { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas: cur, updatedReplicas: upd })
}

/** `runForAll`: monotonic stops at the first step that exits; burst runs all, in slow-start batches. */
function runForAll(steps: ReadonlyArray<() => Step>, monotonic: boolean): Step {
  const out: Step = { exit: false, actions: [] }
  if (monotonic) {
    for (const step of steps) {
      const s = step()
      out.actions.push(...s.actions)
      if (s.blocked !== undefined) out.blocked = s.blocked
      out.requeueAfterMs = minDelay(out.requeueAfterMs, s.requeueAfterMs)
      if (s.exit) return { ...out, exit: true }
    }
    return out
  }
  const groups: StatefulSetAction[][] = []
  for (const step of steps) {
    const s = step()
    if (s.blocked !== undefined) out.blocked ??= s.blocked
    out.requeueAfterMs = minDelay(out.requeueAfterMs, s.requeueAfterMs)
    if (s.actions.length) groups.push(s.actions)
  }
  const batchOf = slowStartBatches(groups.length, MAX_BATCH_SIZE)
  groups.forEach((g, i) => {
    for (const a of g) out.actions.push('batch' in a ? { ...a, batch: batchOf[i]! } : a)
  })
  if (out.blocked !== undefined) out.exit = true
  return out
}

/** Claim owner-ref updates needed for `pod` under the retention policy. */
function retentionUpdates(ctx: Ctx, pod: Pod, batch: number): StatefulSetAction[] {
  const out: StatefulSetAction[] = []
  for (const name of podClaimNames(ctx.set, getOrdinal(pod))) {
    const have = ctx.claims.get(name)
    if (!have || claimOwnerMatchesSetAndPod(have, ctx.set, pod)) continue
    out.push({
      type: 'updateClaimOwners', name: have.metadata?.name ?? '', podName: pod.metadata?.name ?? '',
      ownerReferences: claimOwnerRefs(have, ctx.set, pod), resourceVersion: have.metadata?.resourceVersion, batch,
    })
  }
  return out
}

/** Claims of `pod` not yet in the cache, with the owner refs the policy wants; and those being deleted. */
function missingClaims(ctx: Ctx, pod: Pod): { create: PersistentVolumeClaim[]; deleting: string[] } {
  const create: PersistentVolumeClaim[] = []
  const deleting: string[] = []
  for (const want of podClaims(ctx.set, getOrdinal(pod)).values()) {
    const name = want.metadata?.name ?? ''
    const have = ctx.claims.get(name)
    if (!have) {
      const refs = claimOwnerRefs(want, ctx.set, pod)
      create.push(refs.length ? { ...want, metadata: { ...want.metadata, ownerReferences: refs } } : want)
    } else if (have.metadata?.deletionTimestamp) deleting.push(name)
  }
  return { create, deleting }
}

function processReplica(ctx: Ctx, replicas: readonly Pod[], i: number): Step {
  const pod = replicas[i]!
  const name = pod.metadata?.name ?? ''
  // Failed (and Succeeded) pods are deleted; the next sync recreates them under the same name.
  if (isFailed(pod) || isSucceeded(pod)) {
    if (isTerminating(pod)) return { exit: true, actions: [] }
    return { exit: true, actions: [{ type: 'deletePod', name, uid: pod.metadata?.uid, reason: 'failed', batch: 0 }] }
  }
  const actions: StatefulSetAction[] = []
  if (!isCreated(pod)) {
    for (const name of podClaimNames(ctx.set, getOrdinal(pod))) {
      const have = ctx.claims.get(name)
      // A claim still owned by a previous pod of this ordinal is about to be collected (STS-024).
      if (have && claimIsStale(have, ctx.set, pod)) return { exit: true, actions: [], requeueAfterMs: 1000 }
    }
    const { create, deleting } = missingClaims(ctx, pod)
    if (deleting.length) {
      const err = deleting.map((n) => `pvc ${n} is being deleted`).join(', ')
      const act: StatefulSetAction[] = create.length ? [{ type: 'createClaims', podName: name, claims: create, batch: 0 }] : []
      return { exit: true, actions: [...act, { type: 'recordEvent', event: podEvent('create', ctx.setName, name, err) }], blocked: err }
    }
    actions.push({ type: 'createPod', pod, claims: create, batch: 0 })
    actions.push(...retentionUpdates(ctx, pod, 0))
    if (ctx.monotonic) return { exit: true, actions }
    return { exit: false, actions }
  }
  if (isPending(pod)) {
    const { create } = missingClaims(ctx, pod)
    if (create.length) actions.push({ type: 'createClaims', podName: name, claims: create, batch: 0 })
  }
  if (ctx.monotonic) {
    if (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now)) return { exit: true, actions }
  }
  const retention = retentionUpdates(ctx, pod, 0)
  actions.push(...retention)
  if (!identityMatches(ctx.set, pod) || !storageMatches(ctx.set, pod)) {
    const missing = missingClaims(ctx, pod).create
    if (missing.length && !isPending(pod)) actions.push({ type: 'createClaims', podName: name, claims: missing, batch: 0 })
    actions.push({ type: 'updatePod', pod: repairedPod(ctx.set, pod), batch: 0 })
  }
  return { exit: false, actions }
}

function processCondemned(ctx: Ctx, pod: Pod, firstUnavailable: Pod | undefined): Step {
  if (isTerminating(pod)) return { exit: ctx.monotonic, actions: [] }
  if (ctx.monotonic && pod !== firstUnavailable &&
    (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, ctx.minReadySeconds, ctx.now))) return { exit: true, actions: [] }
  return { exit: true, actions: [{ type: 'deletePod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid, reason: 'condemned', batch: 0 }] }
}

/** `updateStatefulSetAfterInvariantEstablished` (MaxUnavailableStatefulSet on, as from 1.35). */
function rollingUpdate(ctx: Ctx, replicas: readonly Pod[], updateRevision: string): { actions: StatefulSetAction[]; blocked?: string } {
  const ru = ctx.set.spec?.updateStrategy?.rollingUpdate
  const updateMin = ru?.partition ?? 0
  let maxUnavailable = 1
  if (ru) {
    try {
      maxUnavailable = Math.max(1, scaledValue((ru.maxUnavailable as IntOrString | undefined) ?? 1, replicas.length, false))
    } catch (e) {
      return { actions: [{ type: 'recordEvent', event: { eventType: 'Warning', reason: 'FailedUpdate', message: `invalid maxUnavailable: ${(e as Error).message}` } }], blocked: 'invalid maxUnavailable' }
    }
  }
  let unavailable = 0
  for (const p of replicas) if (isUnavailable(p, ctx.minReadySeconds, ctx.now)) unavailable++
  if (unavailable >= maxUnavailable) return { actions: [] }
  const out: StatefulSetAction[] = []
  for (let t = replicas.length - 1; t >= updateMin && out.length < maxUnavailable - unavailable; t--) {
    const p = replicas[t]!
    if (isCreated(p) && getPodRevision(p) !== updateRevision && !isTerminating(p)) {
      out.push({ type: 'deletePod', name: p.metadata?.name ?? '', uid: p.metadata?.uid, reason: 'update', batch: 0 })
    }
  }
  return { actions: out }
}

function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const want = getReplicas(set)
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas
    status.currentRevision = status.updateRevision ?? ''
  }
}

function inconsistentStatus(set: StatefulSet, s: StatefulSetStatus): boolean {
  const o: Partial<StatefulSetStatus> = set.status ?? {}
  return (s.observedGeneration ?? 0) > (o.observedGeneration ?? 0) ||
    s.replicas !== (o.replicas ?? 0) || s.currentReplicas !== (o.currentReplicas ?? 0) || s.readyReplicas !== (o.readyReplicas ?? 0) ||
    s.updatedReplicas !== (o.updatedReplicas ?? 0) || s.currentRevision !== (o.currentRevision ?? '') ||
    s.availableReplicas !== (o.availableReplicas ?? 0) || s.updateRevision !== (o.updateRevision ?? '') ||
    (s.collisionCount ?? 0) !== (o.collisionCount ?? 0) || !sameConditions(s.conditions, o.conditions)
}
