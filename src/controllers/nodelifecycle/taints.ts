/** Taint keys the node lifecycle controller manages (upstream `v1.Taint*` constants). */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js'

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready'
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable'
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable'
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure'
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure'
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure'
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable'
/** set by an administrator for non-graceful node shutdown (NODE-011) */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service'

export const MANAGED_TAINT_KEYS: readonly string[] = [
  TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
]

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false
  if (t.key && t.key !== taint.key) return false
  switch (t.operator ?? '') {
    case '': case 'Equal': return (t.value ?? '') === (taint.value ?? '')
    case 'Exists': return true
    default: return false
  }
}
