import type { ObjectMeta as K8sObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js'

export type { OwnerReference }

/** kubernetes-types' ObjectMeta made writable (the server fills it in) and `undefined`-tolerant. */
export type ObjectMeta = { -readonly [K in keyof K8sObjectMeta]?: K8sObjectMeta[K] | undefined }

/** Any Kubernetes object as plain JSON data. Typed views (Pod, StatefulSet…) come from kubernetes-types. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  [field: string]: unknown
}

export interface KubeList<T = KubeObject> {
  apiVersion: string
  kind: string
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number }
  items: T[]
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType
  object: T
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Deep copy of JSON data (plain objects, arrays, primitives). About 9× faster than
 * structuredClone on a pod, and the API server copies objects on every write.
 */
export function clone<T>(v: T): T {
  return cloneValue(v) as T
}

function cloneValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length)
    for (let i = 0; i < v.length; i++) out[i] = cloneValue(v[i])
    return out
  }
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(v)) out[k] = cloneValue((v as Record<string, unknown>)[k])
  return out
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true)
}

/**
 * Do two JSON values say the same thing? Key order does not matter (as for upstream, which
 * compares Go structs, not texts) and an undefined member counts as absent; shared
 * subtrees are equal at once. `skip` names top-level members left out of the comparison.
 */
export function sameJson(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let defined = 0
  for (const k in ao) {
    if (ao[k] === undefined || skip?.has(k)) continue
    defined++
    if (!sameJson(ao[k], bo[k])) return false
  }
  for (const k in bo) if (bo[k] !== undefined && !skip?.has(k)) defined--
  return defined === 0
}

/**
 * `obj` without metadata.managedFields, sharing everything else with it (read-only uses:
 * informer caches, the field tracker's Update path).
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields === undefined) return obj
  const { managedFields: _m, ...metadata } = obj.metadata
  return { ...obj, metadata }
}

/**
 * JSON with object keys sorted at every level, as Go's `json.Marshal` prints a
 * `map[string]interface{}` (including its HTML-safe escapes of <, > and &). Two values
 * that are equal as JSON data always render to the same string.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (x !== undefined) out[k] = sortKeys(x)
    }
    return out
  }
  return v
}
