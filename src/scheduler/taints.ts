/**
 * Taint and toleration matching exactly as upstream's `ToleratesTaint` /
 * `FindMatchingUntoleratedTaint`. Pure.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js'

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable'

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false
  if (t.key && t.key !== taint.key) return false
  switch (t.operator ?? '') {
    case '': case 'Equal': return (t.value ?? '') === (taint.value ?? '')
    case 'Exists': return true
    default: return false
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint))
}

/** First taint with an effect in `effects` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, effects: readonly string[],
): Taint | undefined {
  return (taints ?? []).find((taint) => effects.includes(taint.effect) && !tolerationsTolerateTaint(tolerations, taint))
}
