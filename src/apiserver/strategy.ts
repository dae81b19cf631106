/**
 * Per-resource API policy as small pure hooks, as upstream's `strategy.go` files: what a
 * create clears, what an update keeps from the old object, and when `generation` moves.
 */
import type { KubeObject, ResourceInfo } from '../api/index.js'
import { clone, isPlainObject, sameJson } from '../api/index.js'

export interface Strategy {
  /** the resource has a /status subresource: main-resource writes keep the stored status */
  readonly statusSubresource: boolean
  /** spec changes bump metadata.generation (workloads) */
  readonly tracksGeneration: boolean
  /** PUT on a missing object creates it */
  readonly allowCreateOnUpdate: boolean
  /** reset status on create (pods start Pending, workloads empty) */
  prepareForCreate(obj: KubeObject): void
}

const GENERATION_TRACKED = new Set(['apps/daemonsets', 'apps/statefulsets', 'apps/deployments', 'apps/replicasets'])
const CREATE_ON_UPDATE = new Set(['/endpoints', '/events', 'events.k8s.io/events', 'coordination.k8s.io/leases', 'discovery.k8s.io/endpointslices', '/nodes'])

export function strategyFor(info: ResourceInfo): Strategy {
  const id = `${info.group}/${info.resource}`
  const statusSubresource = info.subresources.some((s) => s.name === 'status')
  return {
    statusSubresource,
    tracksGeneration: GENERATION_TRACKED.has(id),
    allowCreateOnUpdate: CREATE_ON_UPDATE.has(id),
    prepareForCreate(obj) {
      if (GENERATION_TRACKED.has(id)) obj['status'] = {}
      switch (id) {
        case '/pods':
          obj['status'] = { phase: 'Pending', qosClass: qosClass(obj) }
          break
        case '/persistentvolumes':
        case '/persistentvolumeclaims':
          obj['status'] = { phase: 'Pending' }
          break
        case '/namespaces':
          obj['status'] = { phase: 'Active' }
          break
        case '/services':
          obj['status'] = { loadBalancer: {} }
          break
      }
    },
  }
}

/** Status-subresource writes change only status (and never spec or most of metadata). */
export function keepAllButStatus(updated: KubeObject, old: KubeObject): KubeObject {
  // Everything but metadata is shared with the stored object, never copied: the write path
  // does not touch spec on a status write, and the field diff skips identical subtrees.
  const out: KubeObject = { ...old, metadata: clone(old.metadata) }
  if ('status' in updated) out['status'] = updated['status']
  else delete out['status']
  out.metadata.resourceVersion = updated.metadata.resourceVersion ?? old.metadata.resourceVersion
  return out
}

/** Main-resource writes of a resource with a status subresource keep the stored status. */
export function keepStatus(updated: KubeObject, old: KubeObject): void {
  if ('status' in old) updated['status'] = clone(old['status'])
  else delete updated['status']
}

const NOT_SPEC = new Set(['metadata', 'status', 'apiVersion', 'kind'])

/** Did anything but metadata and status change (what `generation` counts)? */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  return !sameJson(obj, old, NOT_SPEC)
}

function qosClass(pod: KubeObject): string {
  const spec = pod['spec']
  if (!isPlainObject(spec) || !Array.isArray(spec['containers'])) return 'BestEffort'
  const containers = [...(spec['containers'] as unknown[]), ...((spec['initContainers'] as unknown[] | undefined) ?? [])]
  let anySet = false
  let guaranteed = true
  for (const c of containers) {
    const res = isPlainObject(c) && isPlainObject(c['resources']) ? c['resources'] : {}
    const req = (isPlainObject(res['requests']) ? res['requests'] : {}) as Record<string, unknown>
    const lim = (isPlainObject(res['limits']) ? res['limits'] : {}) as Record<string, unknown>
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true
    for (const r of ['cpu', 'memory']) {
      const l = lim[r]
      const q = req[r] ?? l
      if (l === undefined || String(q) !== String(l)) guaranteed = false
    }
  }
  if (!anySet) return 'BestEffort'
  return guaranteed ? 'Guaranteed' : 'Burstable'
}

