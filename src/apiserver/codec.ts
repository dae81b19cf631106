import type { Entry } from '../storage/index.js'
import type { KubeObject, ResourceInfo } from '../api/index.js'

/**
 * Objects are stored as JSON without `metadata.resourceVersion`: the resourceVersion is
 * the entry's modRevision, injected on the way out, so it can never disagree with the store.
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...meta } = obj.metadata
  return Buffer.from(JSON.stringify({ ...obj, metadata: meta }))
}

export function decodeEntry(entry: Entry): KubeObject {
  const obj = JSON.parse(Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength).toString('utf8')) as KubeObject
  obj.metadata.resourceVersion = String(entry.modRevision)
  return obj
}

/** `/registry/apps/statefulsets/default/web`; core resources live under `core`. */
export function resourcePrefix(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `/registry/${info.group || 'core'}/${info.resource}/`
}

export function objectKey(info: Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>, namespace: string | undefined, name: string): string {
  return info.namespaced ? `${resourcePrefix(info)}${namespace ?? ''}/${name}` : `${resourcePrefix(info)}${name}`
}

export function listPrefix(info: Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>, namespace: string | undefined): string {
  return info.namespaced && namespace ? `${resourcePrefix(info)}${namespace}/` : resourcePrefix(info)
}
