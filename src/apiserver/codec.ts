import type { Entry } from '../storage/index.js'
import type { KubeObject, ResourceInfo } from '../api/index.js'

/**
 * Objects are stored as JSON without `metadata.resourceVersion`: the resourceVersion is
 * the entry's modRevision, injected on the way out, so it can never disagree with the store.
 */
export function encodeObject(obj: KubeObject): Buffer {
  return Buffer.from(encodeText(obj))
}

export function encodeText(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata
  const { apiVersion, kind, metadata: _m, ...rest } = obj
  // apiVersion, kind, metadata first: lets withResourceVersion splice the text (below).
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest })
}

const METADATA_START = /^\{(?:"apiVersion":"[^"\\]*",)?(?:"kind":"[^"\\]*",)?"metadata":\{/

/**
 * The JSON text of a stored object with its resourceVersion, made by splicing the stored
 * text rather than encoding the object again (one encoding per write serves the store, the
 * write's response and every watcher). Undefined for text not laid out by encodeObject.
 */
export function withResourceVersion(stored: string, rev: number): string | undefined {
  const m = METADATA_START.exec(stored)
  if (!m) return undefined
  const at = m[0].length
  const sep = stored.charCodeAt(at) === 125 /* } */ ? '' : ','
  return `${stored.slice(0, at)}"resourceVersion":"${rev}"${sep}${stored.slice(at)}`
}

/** Entry bytes as text. */
export function entryText(entry: Entry): string {
  return Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength).toString('utf8')
}

// The response text of an object a write just produced, taken once by the handler that
// sends it (a WeakMap, so an object nobody sends takes its text with it when collected).
const responseText = new WeakMap<KubeObject, string>()
export function rememberJson(obj: KubeObject, text: string): void {
  responseText.set(obj, text)
}
export function takeJson(obj: KubeObject): string | undefined {
  const text = responseText.get(obj)
  if (text !== undefined) responseText.delete(obj)
  return text
}

export function decodeEntry(entry: Entry): KubeObject {
  const obj = JSON.parse(entryText(entry)) as KubeObject
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
