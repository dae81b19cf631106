/**
 * Every patch type the Kubernetes API accepts, as pure functions over plain objects:
 * RFC 6902 JSON patch, RFC 7386 merge patch, strategic merge patch, server-side apply,
 * and the managedFields bookkeeping of ordinary writes. None of them mutates its
 * arguments. Failures are ApiErrors shaped as upstream's.
 */
export type { Gvk } from './errors.js'
export { applyJsonPatch } from './json-patch.js'
export { applyMergePatch } from './merge-patch.js'
export { applyStrategicMergePatch } from './strategic/index.js'
export { managerName, serverSideApply, trackUpdate, type ApplyOptions, type UpdateOptions } from './apply/field-manager.js'
export { LAST_APPLIED } from './apply/last-applied.js'
