/**
 * planDaemonSet: the DaemonSet controller's decisions as data, shaped after upstream's
 * `syncDaemonSet`: construct history → `manage` (podsShouldBeOnNode per node) → when
 * nothing else is pending, `rollingUpdate` → `cleanupHistory` → status. The planner is
 * pure; the failed-pod backoff and the expectations are inputs and outputs.
 */
import type { DaemonSet, DaemonSetCondition, DaemonSetStatus } from 'kubernetes-types/apps/v1.js'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import { fromLabelSelector, matches } from '../../api/index.js'
import type { Selector } from '../../api/index.js'
import type { Failure } from '../common/conditions.js'
import { plannedReplicaFailure, sameConditions } from '../common/conditions.js'
import type { EventRecord } from '../common/events.js'
import { scaledValue } from '../common/intstr.js'
import type { IntOrString } from '../common/intstr.js'
import { adoptPatch, claimObjects, newControllerRef, releasePatch } from '../common/owners.js'
import type { Plan } from '../common/plan.js'
import { minDelay, slowStartBatches } from '../common/plan.js'
import { isPodAvailable, isPodReady, isPodTerminal, nextAvailabilityMs, podPhase } from '../common/pods.js'
import type { ControllerRevision, DaemonSetHistoryAction } from '../history/revisions.js'
import { DAEMONSET_HASH_LABEL, daemonSetRevisionsToDelete, planDaemonSetHistory } from '../history/revisions.js'
import {
  DAEMONSET_KIND, compareDaemonPods, isPodUpdated, newDaemonPod, nodeShouldRunDaemonPod, targetNodeName, templateGeneration,
  withDaemonTolerations,
} from './eligibility.js'

/** Upstream's cap on creates (and deletes) per sync (BurstReplicas). */
export const BURST_REPLICAS = 250

/** flowcontrol.Backoff for failed daemon pods: 1s doubling up to 15 min. */
export const FAILED_POD_BACKOFF = { initialMs: 1_000, maxMs: 15 * 60_000 }

export interface BackoffEntry {
  readonly delayMs: number
  readonly updatedAt: number
}

export interface DaemonSetView {
  readonly ds: DaemonSet
  readonly nodes: readonly Node[]
  /** pods in the namespace owned by the DaemonSet or orphans */
  readonly pods: readonly Pod[]
  /** revisions in the namespace owned by the DaemonSet or orphans */
  readonly revisions: readonly ControllerRevision[]
  readonly now: number
  /** all creates/deletes issued by earlier syncs have been observed (GEN-009) */
  readonly expectationsSatisfied: boolean
  /** failed-pod backoff per key `uid/observedGeneration/node` */
  readonly backoff: ReadonlyMap<string, BackoffEntry>
}

export type DaemonSetAction =
  | { type: 'adoptPod'; name: string; patch: Record<string, unknown> }
  | { type: 'releasePod'; name: string; patch: Record<string, unknown> }
  | { type: 'adoptRevision'; name: string; patch: Record<string, unknown> }
  | { type: 'releaseRevision'; name: string; patch: Record<string, unknown> }
  | DaemonSetHistoryAction
  | { type: 'createPod'; node: string; pod: Pod; batch: number }
  | { type: 'deletePod'; name: string; batch: number }
  | { type: 'setBackoff'; key: string; entry: BackoffEntry }
  | { type: 'recordEvent'; event: EventRecord }
  | { type: 'updateStatus'; status: DaemonSetStatus }

/** Pod-control messages (controller.RealPodControl), shared with the loop. */
export const createdEvent = (pod: string): EventRecord => ({ eventType: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod}` })
export const createFailedEvent = (err: string): EventRecord => ({ eventType: 'Warning', reason: 'FailedCreate', message: `Error creating: ${err}` })
export const deletedEvent = (pod: string): EventRecord => ({ eventType: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod}` })
export const deleteFailedEvent = (err: string): EventRecord => ({ eventType: 'Warning', reason: 'FailedDelete', message: `Error deleting: ${err}` })

interface Ctx {
  ds: DaemonSet
  hash: string
  generation: number | undefined
  minReadySeconds: number
  now: number
  shouldRun: Map<string, ReturnType<typeof nodeShouldRunDaemonPod>>
}

export function planDaemonSet(view: DaemonSetView): Plan<DaemonSetAction> {
  const { ds, now } = view
  const sel = ds.spec?.selector
  if (!sel || (!sel.matchLabels || Object.keys(sel.matchLabels).length === 0) && (!sel.matchExpressions || sel.matchExpressions.length === 0)) {
    const failure: Failure = { reason: 'SelectingAll', message: 'This daemon set is selecting all pods. A non-empty selector is required.' }
    return { actions: [{ type: 'recordEvent', event: { eventType: 'Warning', ...failure } }, ...failureStatus(ds, failure, now)] }
  }
  let selector: Selector
  try {
    selector = fromLabelSelector(sel)
  } catch (e) {
    const failure: Failure = { reason: 'InvalidSelector', message: `invalid selector: ${(e as Error).message}` }
    return { actions: [{ type: 'recordEvent', event: { eventType: 'Warning', ...failure } }, ...failureStatus(ds, failure, now)] }
  }
  // DS-028: a DaemonSet being deleted is left alone (not even status).
  if (ds.metadata?.deletionTimestamp) return { actions: [] }
  const actions: DaemonSetAction[] = []
  const ref = newControllerRef(ds, DAEMONSET_KIND)

  const pods = claimObjects(ds, view.pods, (p) => matches(selector, p.metadata?.labels))
  for (const p of pods.adopt) actions.push({ type: 'adoptPod', name: p.metadata?.name ?? '', patch: adoptPatch(p, ref) })
  for (const p of pods.release) actions.push({ type: 'releasePod', name: p.metadata?.name ?? '', patch: releasePatch(p, ds.metadata?.uid ?? '') })
  const revs = claimObjects(ds, view.revisions, (r) => matches(selector, r.metadata.labels))
  for (const r of revs.adopt) actions.push({ type: 'adoptRevision', name: r.metadata.name ?? '', patch: adoptPatch(r, ref) })
  for (const r of revs.release) actions.push({ type: 'releaseRevision', name: r.metadata.name ?? '', patch: releasePatch(r, ds.metadata?.uid ?? '') })

  const podHashes = new Map(pods.owned.map((p) => [p.metadata?.name ?? '', p.metadata?.labels?.[DAEMONSET_HASH_LABEL]]))
  const history = planDaemonSetHistory({ metadata: ds.metadata ?? {}, template: ds.spec?.template, ownerRef: ref }, revs.owned, ds.status?.collisionCount, podHashes)
  actions.push(...history.actions)

  const ctx: Ctx = {
    ds, hash: history.hash, generation: templateGeneration(ds), minReadySeconds: ds.spec?.minReadySeconds ?? 0, now,
    shouldRun: shouldRunByNode(view.nodes, ds),
  }
  const nodeToPods = podsByNode(pods.owned, false)
  let requeueAfterMs: number | undefined

  if (view.expectationsSatisfied) {
    const manage = planManage(ctx, view, nodeToPods)
    actions.push(...manage.actions)
    requeueAfterMs = manage.requeueAfterMs
    const changes = manage.actions.some((a) => a.type === 'createPod' || a.type === 'deletePod')
    if (!changes && ds.spec?.updateStrategy?.type !== 'OnDelete') {
      const ru = planRollingUpdate(ctx, view.nodes, nodeToPods)
      actions.push(...ru.actions)
      if (ru.error) actions.push({ type: 'recordEvent', event: { eventType: 'Warning', reason: 'FailedUpdate', message: ru.error } })
    }
    const liveHashes = new Set<string>()
    for (const p of pods.owned) {
      const h = p.metadata?.labels?.[DAEMONSET_HASH_LABEL]
      if (h) liveHashes.add(h)
    }
    for (const name of daemonSetRevisionsToDelete(history.old, liveHashes, ds.spec?.revisionHistoryLimit ?? 10)) actions.push({ type: 'deleteRevision', name })
  }

  // ReplicaFailure: what this plan detects; while expectations are pending the plan manages
  // nothing, so a create/delete failure the loop observed earlier stands.
  const conditions = plannedReplicaFailure(ds.status?.conditions, specFailure(ds), view.expectationsSatisfied, now)
  const status = computeStatus(ctx, view.nodes, nodeToPods, view.expectationsSatisfied, conditions)
  if (status) actions.push({ type: 'updateStatus', status })
  const s = status ?? ds.status
  if (ctx.minReadySeconds > 0 && (s?.numberReady ?? 0) !== (s?.numberAvailable ?? 0)) {
    requeueAfterMs = minDelay(requeueAfterMs, nextAvailabilityMs(pods.owned, ctx.minReadySeconds, now) ?? ctx.minReadySeconds * 1000)
  }
  return { actions, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) }
}

/**
 * A spec the controller cannot act on that the API server does not reject (objects stored
 * before validation tightened): malformed rolling-update parameters.
 */
export function specFailure(ds: DaemonSet): Failure | undefined {
  try {
    unavailableCount(ds, 1)
    surgeCount(ds, 1)
    return undefined
  } catch (e) {
    return { reason: 'FailedUpdate', message: `invalid rolling update parameters: ${(e as Error).message}` }
  }
}

/** The status write (if any) recording a failure that stops the sync before status is computed (never for a DaemonSet being deleted). */
function failureStatus(ds: DaemonSet, failure: Failure, now: number): DaemonSetAction[] {
  if (ds.metadata?.deletionTimestamp) return []
  const old: Partial<DaemonSetStatus> = ds.status ?? {}
  const conditions = plannedReplicaFailure(old.conditions, failure, false, now)
  if (sameConditions(conditions, old.conditions)) return []
  return [{
    type: 'updateStatus',
    status: {
      ...old, currentNumberScheduled: old.currentNumberScheduled ?? 0, desiredNumberScheduled: old.desiredNumberScheduled ?? 0,
      numberMisscheduled: old.numberMisscheduled ?? 0, numberReady: old.numberReady ?? 0, conditions: [...(conditions ?? [])],
    },
  }]
}

function shouldRunByNode(nodes: readonly Node[], ds: DaemonSet): Map<string, ReturnType<typeof nodeShouldRunDaemonPod>> {
  const tolerations = withDaemonTolerations(ds.spec?.template.spec ?? { containers: [] })
  return new Map(nodes.map((n) => [n.metadata?.name ?? '', nodeShouldRunDaemonPod(n, ds, tolerations)]))
}

/** `getNodesToDaemonPods`: pods grouped by target node (terminal pods being deleted left out unless asked). */
export function podsByNode(pods: readonly Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>()
  for (const pod of pods) {
    if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata?.deletionTimestamp) continue
    const node = targetNodeName(pod)
    if (node === undefined) continue
    let list = out.get(node)
    if (!list) out.set(node, (list = []))
    list.push(pod)
  }
  return out
}

const allowsSurge = (ds: DaemonSet): boolean => {
  try {
    return surgeCount(ds, 1) !== 0
  } catch {
    return false
  }
}

function surgeCount(ds: DaemonSet, n: number): number {
  const s = ds.spec?.updateStrategy
  if (s?.type !== 'RollingUpdate' || !s.rollingUpdate || s.rollingUpdate.maxSurge === undefined) return 0
  return scaledValue(s.rollingUpdate.maxSurge as IntOrString, n, true)
}

function unavailableCount(ds: DaemonSet, n: number): number {
  const s = ds.spec?.updateStrategy
  if (s?.type !== 'RollingUpdate' || !s.rollingUpdate) return 0
  return scaledValue(s.rollingUpdate.maxUnavailable as IntOrString | undefined, n, true)
}

/** `manage`: podsShouldBeOnNode for every node, plus unbound pods aimed at nodes that are gone. */
function planManage(ctx: Ctx, view: DaemonSetView, nodeToPods: ReadonlyMap<string, Pod[]>): Plan<DaemonSetAction> {
  const { ds, now } = ctx
  const create: string[] = []
  const del: string[] = []
  const extra: DaemonSetAction[] = []
  let requeueAfterMs: number | undefined
  const surge = allowsSurge(ds)
  for (const node of view.nodes) {
    const nodeName = node.metadata?.name ?? ''
    const { shouldRun, shouldContinueRunning } = ctx.shouldRun.get(nodeName)!
    const daemonPods = nodeToPods.get(nodeName)
    if (shouldRun && !daemonPods) {
      create.push(nodeName)
    } else if (shouldContinueRunning) {
      const running: Pod[] = []
      for (const pod of daemonPods ?? []) {
        if (pod.metadata?.deletionTimestamp) continue
        const podName = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`
        if (podPhase(pod) === 'Failed') {
          const key = `${ds.metadata?.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${nodeName}`
          const entry = view.backoff.get(key)
          const expired = !entry || now - entry.updatedAt > 2 * FAILED_POD_BACKOFF.maxMs
          if (entry && !expired && now - entry.updatedAt < entry.delayMs) {
            requeueAfterMs = minDelay(requeueAfterMs, entry.delayMs - (now - entry.updatedAt))
            continue
          }
          const delayMs = expired ? FAILED_POD_BACKOFF.initialMs : Math.min(entry.delayMs * 2, FAILED_POD_BACKOFF.maxMs)
          extra.push({ type: 'setBackoff', key, entry: { delayMs, updatedAt: now } })
          extra.push({ type: 'recordEvent', event: { eventType: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${podName} on node ${nodeName}, will try to kill it` } })
          del.push(pod.metadata?.name ?? '')
        } else if (podPhase(pod) === 'Succeeded') {
          extra.push({ type: 'recordEvent', event: { eventType: 'Normal', reason: 'SucceededDaemonPod', message: `Found succeeded daemon pod ${podName} on node ${nodeName}, will try to delete it` } })
          del.push(pod.metadata?.name ?? '')
        } else running.push(pod)
      }
      running.sort(compareDaemonPods)
      if (!surge) {
        for (const p of running.slice(1)) del.push(p.metadata?.name ?? '')
        continue
      }
      if (running.length === 0) {
        if (shouldRun) create.push(nodeName)
        continue
      }
      if (running.length === 1) continue
      let oldestNew: Pod | undefined
      let oldestOld: Pod | undefined
      for (const pod of running) {
        if (pod.metadata?.labels?.[DAEMONSET_HASH_LABEL] === ctx.hash) {
          if (!oldestNew) { oldestNew = pod; continue }
        } else if (!oldestOld) { oldestOld = pod; continue }
        del.push(pod.metadata?.name ?? '')
      }
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ctx.minReadySeconds, now))) del.push(oldestOld.metadata?.name ?? '')
    } else if (daemonPods) {
      for (const pod of daemonPods) if (!pod.metadata?.deletionTimestamp) del.push(pod.metadata?.name ?? '')
    }
  }
  // DS-025: unbound pods pinned to nodes that no longer exist.
  const existing = new Set(view.nodes.map((n) => n.metadata?.name ?? ''))
  for (const [node, pods] of nodeToPods) {
    if (existing.has(node)) continue
    for (const p of pods) if (!p.spec?.nodeName) del.push(p.metadata?.name ?? '')
  }
  return { actions: [...extra, ...syncNodes(ctx, del, create)], ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) }
}

/** `syncNodes`: creates in slow-start batches and deletes, each capped at BurstReplicas per sync. */
function syncNodes(ctx: Ctx, del: readonly string[], create: readonly string[]): DaemonSetAction[] {
  const out: DaemonSetAction[] = []
  const creates = create.slice(0, BURST_REPLICAS)
  const batches = slowStartBatches(creates.length, BURST_REPLICAS)
  creates.forEach((node, i) => out.push({ type: 'createPod', node, pod: newDaemonPod(ctx.ds, node, ctx.hash), batch: batches[i]! }))
  const deleteBatch = (batches[batches.length - 1] ?? -1) + 1
  for (const name of del.slice(0, BURST_REPLICAS)) out.push({ type: 'deletePod', name, batch: deleteBatch })
  return out
}

/** `findUpdatedPodsOnNode`: at most one new and one old live pod, else not ok. */
function updatedPodsOnNode(ctx: Ctx, pods: readonly Pod[]): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined
  let oldPod: Pod | undefined
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue
    if (isPodUpdated(pod, ctx.hash, ctx.generation)) {
      if (newPod) return { ok: false }
      newPod = pod
    } else {
      if (oldPod) return { ok: false }
      oldPod = pod
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}), ok: true }
}

/** `rollingUpdate` (DS-031..DS-034). */
function planRollingUpdate(ctx: Ctx, nodes: readonly Node[], nodeToPods0: ReadonlyMap<string, Pod[]>): { actions: DaemonSetAction[]; error?: string } {
  const { ds, now } = ctx
  const nodeToPods = new Map(nodeToPods0)
  let desired = 0
  for (const n of nodes) {
    const name = n.metadata?.name ?? ''
    if (!ctx.shouldRun.get(name)?.shouldRun) continue
    desired++
    if (!nodeToPods.has(name)) nodeToPods.set(name, [])
  }
  let maxUnavailable: number
  let maxSurge: number
  try {
    maxUnavailable = unavailableCount(ds, desired)
    maxSurge = surgeCount(ds, desired)
  } catch (e) {
    return { actions: [], error: `invalid rolling update parameters: ${(e as Error).message}` }
  }
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1
  const available = (p: Pod): boolean => isPodAvailable(p, ctx.minReadySeconds, now)
  const entries = [...nodeToPods.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

  if (maxSurge === 0) {
    let numUnavailable = 0
    const replacements: string[] = []
    const candidates: string[] = []
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ctx, pods)
      if (!ok) { numUnavailable++; continue }
      if ((!oldPod && !newPod) || (oldPod && newPod)) { numUnavailable++; continue }
      if (newPod) { if (!available(newPod)) numUnavailable++; continue }
      if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata?.name ?? '')
        numUnavailable++
      } else if (numUnavailable < maxUnavailable) candidates.push(oldPod!.metadata?.name ?? '')
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length)
    return { actions: syncNodes(ctx, [...replacements, ...candidates.slice(0, remaining)], []) }
  }

  const oldToDelete: string[] = []
  const shouldNotRunToDelete: string[] = []
  const candidateNodes: string[] = []
  const allowedNodes: string[] = []
  let numSurge = 0
  let numAvailable = 0
  for (const [nodeName, pods] of entries) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ctx, pods)
    if (!ok) { numSurge++; continue }
    if (oldPod) { if (available(oldPod)) numAvailable++ } else if (newPod && available(newPod)) numAvailable++
    if (!oldPod) continue
    const shouldRun = ctx.shouldRun.get(nodeName)?.shouldRun ?? false
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun) oldToDelete.push(oldPod.metadata?.name ?? '')
        else allowedNodes.push(nodeName)
      } else if (!shouldRun) {
        shouldNotRunToDelete.push(oldPod.metadata?.name ?? '')
      } else if (numSurge < maxSurge) {
        candidateNodes.push(nodeName)
      }
      continue
    }
    if (!available(newPod)) { numSurge++; continue }
    oldToDelete.push(oldPod.metadata?.name ?? '')
  }
  const deletable = Math.min(numAvailable - desired, shouldNotRunToDelete.length)
  if (deletable > 0) oldToDelete.push(...shouldNotRunToDelete.slice(0, deletable))
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNodes.length)
  return { actions: syncNodes(ctx, oldToDelete, [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)]) }
}

/** `updateDaemonSetStatus` + `storeDaemonSetStatus`: the new status, or undefined when unchanged. */
function computeStatus(
  ctx: Ctx, nodes: readonly Node[], nodeToPods: ReadonlyMap<string, Pod[]>, updateObservedGen: boolean, conditions: readonly DaemonSetCondition[] | undefined,
): DaemonSetStatus | undefined {
  const { ds, now } = ctx
  let desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0
  for (const node of nodes) {
    const name = node.metadata?.name ?? ''
    const shouldRun = ctx.shouldRun.get(name)?.shouldRun ?? false
    const pods = nodeToPods.get(name) ?? []
    if (shouldRun) {
      desired++
      if (pods.length === 0) continue
      current++
      const pod = pods.length === 1 ? pods[0]! : [...pods].sort(compareDaemonPods)[0]!
      if (isPodReady(pod)) {
        ready++
        if (isPodAvailable(pod, ctx.minReadySeconds, now)) available++
      }
      if (isPodUpdated(pod, ctx.hash, ctx.generation)) updated++
    } else if (pods.length > 0) misscheduled++
  }
  const old: Partial<DaemonSetStatus> = ds.status ?? {}
  const generation = ds.metadata?.generation ?? 0
  const next: DaemonSetStatus = {
    ...old,
    desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: misscheduled, numberReady: ready,
    updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available,
    observedGeneration: updateObservedGen ? generation : old.observedGeneration ?? 0,
  }
  // omitempty fields, as the Go struct prints them
  if (next.numberUnavailable === 0) delete next.numberUnavailable
  if (next.numberAvailable === 0) delete next.numberAvailable
  if (next.updatedNumberScheduled === 0) delete next.updatedNumberScheduled
  if (conditions) next.conditions = [...conditions]
  else delete next.conditions
  const same = old.desiredNumberScheduled === desired && old.currentNumberScheduled === current && old.numberMisscheduled === misscheduled &&
    old.numberReady === ready && (old.updatedNumberScheduled ?? 0) === updated && (old.numberAvailable ?? 0) === available &&
    (old.numberUnavailable ?? 0) === desired - available && (old.observedGeneration ?? 0) >= generation && sameConditions(conditions, old.conditions)
  return same ? undefined : next
}
