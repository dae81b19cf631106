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

/** Deep copy of JSON data. */
export function clone<T>(v: T): T {
  return structuredClone(v)
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller === true)
}
