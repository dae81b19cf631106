/**
 * Pod predicates shared by the workload controllers, as upstream's `podutil`:
 * readiness is the `Ready` condition, availability is readiness held for
 * `minReadySeconds` (GEN-008). All functions are pure; `now` is an input.
 */
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js'

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')
}

/** Ready condition True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True'
}

/**
 * Ready for at least `minReadySeconds` (upstream's IsPodAvailable: the Ready condition's
 * lastTransitionTime plus minReadySeconds lies strictly before `now`).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const at = availableAt(pod, minReadySeconds)
  return at !== undefined && at < now
}

/**
 * The time (ms) at which a Ready pod becomes available; `-Infinity` when minReadySeconds is 0;
 * undefined when the pod is not Ready (or the condition has no transition time).
 */
export function availableAt(pod: Pod, minReadySeconds: number): number | undefined {
  const c = podReadyCondition(pod)
  if (c?.status !== 'True') return undefined
  if (!minReadySeconds) return -Infinity
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN
  if (Number.isNaN(t)) return undefined
  return t + minReadySeconds * 1000
}

export const podPhase = (pod: Pod): string => pod.status?.phase ?? ''
export const isTerminating = (pod: { metadata?: { deletionTimestamp?: string | undefined } | undefined }): boolean =>
  !!pod.metadata?.deletionTimestamp
export const isPodTerminal = (pod: Pod): boolean => podPhase(pod) === 'Failed' || podPhase(pod) === 'Succeeded'

/**
 * Milliseconds until the next pod in `pods` turns available (for a requeue-after), or
 * undefined when none is waiting. Adds one second of slack, as upstream does.
 */
export function nextAvailabilityMs(pods: readonly Pod[], minReadySeconds: number, now: number): number | undefined {
  if (!minReadySeconds) return undefined
  let next: number | undefined
  for (const pod of pods) {
    const at = availableAt(pod, minReadySeconds)
    if (at === undefined || at < now) continue
    if (next === undefined || at < next) next = at
  }
  return next === undefined ? undefined : Math.max(0, next - now) + 1000
}
