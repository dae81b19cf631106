/**
 * The `ReplicaFailure` status condition. Upstream sets it on ReplicaSets only
 * (apps/v1 `ReplicaSetReplicaFailure`, pkg/controller/replicaset `calculateStatus`): True with
 * reason FailedCreate/FailedDelete and the error text when a create or delete failed, removed
 * once a sync succeeds. kubeling uses the same condition for StatefulSets and DaemonSets
 * (both status types carry `conditions` in apps/v1), and also for what a planner finds it
 * cannot act on (an unusable selector, bad rolling-update parameters …).
 *
 * Planners compute the condition from what they detect (`plannedReplicaFailure`); the loop
 * folds in what failed while applying the plan (`statusAfterSync`) and writes the status
 * only when it differs from the cached one. All functions are pure; `now` is an input.
 */
import { canonicalJson } from '../history/hash.js'
import { rfc3339 } from '../../api/index.js'

export const REPLICA_FAILURE = 'ReplicaFailure'

/** The status-condition shape shared by apps/v1 StatefulSetCondition and DaemonSetCondition. */
export interface WorkloadCondition {
  type: string
  status: string
  reason?: string
  message?: string
  lastTransitionTime?: string
}

/** Why a workload cannot be acted on: the condition's reason and message. */
export interface Failure {
  readonly reason: string
  readonly message: string
}

/** What the loop observed while applying a plan. */
export interface SyncOutcome {
  /** a pod (or claim) create or a pod delete the API server refused */
  failure?: Failure | undefined
  /** some other action failed (the sync did not succeed, but not for a create/delete) */
  otherError?: boolean | undefined
}

/** Reasons only the loop observes; a planner that cannot see them yet keeps them. */
export const APPLY_REASONS: ReadonlySet<string> = new Set(['FailedCreate', 'FailedDelete'])


export function getCondition<C extends WorkloadCondition>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type)
}

/** `conditions` with the condition of `cond.type` replaced by `cond` (or removed); an empty list is undefined (omitempty). */
function replaceCondition<C extends WorkloadCondition>(conditions: readonly C[] | undefined, type: string, cond: C | undefined): C[] | undefined {
  const out = (conditions ?? []).filter((c) => c.type !== type)
  if (cond) out.push(cond)
  return out.length ? out : undefined
}

/**
 * SetCondition / RemoveCondition for ReplicaFailure: with a failure, a True condition with
 * its reason and message (an existing True one with the same reason is kept as it is, as
 * upstream's SetCondition does); without, the condition removed. Returns `conditions` itself
 * when nothing changes, undefined for an empty list.
 */
export function withReplicaFailure<C extends WorkloadCondition>(conditions: readonly C[] | undefined, failure: Failure | undefined, now: number): readonly C[] | undefined {
  const cur = getCondition(conditions, REPLICA_FAILURE)
  if (!failure) return cur ? replaceCondition(conditions, REPLICA_FAILURE, undefined) : conditions
  if (cur && cur.status === 'True' && cur.reason === failure.reason) return conditions
  const cond = { type: REPLICA_FAILURE, status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: rfc3339(now) } as C
  return replaceCondition(conditions, REPLICA_FAILURE, cond)
}

/**
 * The planner's view of ReplicaFailure: set for a failure it detected; otherwise removed
 * when `complete` (the plan covers everything, so a successful apply is a successful sync),
 * else left alone if it came from the loop (FailedCreate/FailedDelete) and removed if not.
 */
export function plannedReplicaFailure<C extends WorkloadCondition>(conditions: readonly C[] | undefined, detected: Failure | undefined, complete: boolean, now: number): readonly C[] | undefined {
  if (detected) return withReplicaFailure(conditions, detected, now)
  const cur = getCondition(conditions, REPLICA_FAILURE)
  if (!complete && cur?.reason !== undefined && APPLY_REASONS.has(cur.reason)) return conditions
  return withReplicaFailure(conditions, undefined, now)
}

/** True when two condition lists are the same (order included). */
export function sameConditions(a: readonly WorkloadCondition[] | undefined, b: readonly WorkloadCondition[] | undefined): boolean {
  if (a === b) return true
  return canonicalJson(a ?? []) === canonicalJson(b ?? [])
}

/**
 * The status the loop writes at the end of a sync (upstream's calculateStatus with
 * manageReplicasErr): the planner's status, or the cached one when the planner had nothing
 * to write, with ReplicaFailure set from a create/delete that failed while applying. When
 * some other action failed, the cached ReplicaFailure is kept (the sync did not succeed).
 * Undefined when the result equals `cached`: nothing to write.
 */
export function statusAfterSync<S extends { conditions?: WorkloadCondition[] }>(cached: S | undefined, planned: S | undefined, outcome: SyncOutcome, now: number): S | undefined {
  const base: S = planned ?? cached ?? ({} as S)
  let conditions: readonly WorkloadCondition[] | undefined = base.conditions
  if (outcome.failure) conditions = withReplicaFailure(cached?.conditions, outcome.failure, now)
  else if (outcome.otherError && !getCondition(conditions, REPLICA_FAILURE)) {
    conditions = replaceCondition(conditions, REPLICA_FAILURE, getCondition(cached?.conditions, REPLICA_FAILURE))
  }
  const next: S = { ...base }
  if (conditions) next.conditions = [...conditions]
  else delete next.conditions
  return canonicalJson(next) === canonicalJson(cached ?? {}) ? undefined : next
}
