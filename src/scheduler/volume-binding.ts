/**
 * The VolumeBinding plugin's place in the scheduler: the pure rules live in `api/storage`
 * (`volumeBindingPreFilter`, `volumeBindingFilter`, `selectedNodePatches`); this file turns
 * a PreFilter result into a per-pod Filter placed where upstream runs it (after
 * NodeResourcesFit, before InterPodAffinity), builds the view from informer caches, and
 * decides when PreBind may stop waiting (`checkBindings`).
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, isVolumeBoundToClaim, volumeBindingFilter, volumeFitsNode } from '../api/storage/index.js'
import type { PodVolumeClaims, VolumeBindingView } from '../api/storage/index.js'
import type { KubeObject } from '../api/index.js'
import type { Informer } from '../client/index.js'
import { DEFAULT_FILTERS, nodeResourcesFit } from './filters.js'
import type { Filter } from './filters.js'

export type ClaimObject = PersistentVolumeClaim & KubeObject
export type VolumeObject = PersistentVolume & KubeObject
export type ClassObject = StorageClass & KubeObject

export const VOLUME_BINDING = 'VolumeBinding'

/** The VolumeBinding Filter for one pod whose PreFilter returned `claims`. */
export function volumeBindingPlugin(claims: PodVolumeClaims, view: VolumeBindingView): Filter {
  return {
    name: VOLUME_BINDING,
    filter: (_pod, node) => volumeBindingFilter(node.node, claims, view),
  }
}

/** `filters` with `plugin` inserted right after NodeResourcesFit (or at the end). */
export function withFilter(plugin: Filter, filters: readonly Filter[] = DEFAULT_FILTERS): Filter[] {
  const i = filters.findIndex((f) => f.name === nodeResourcesFit.name)
  const out = [...filters]
  out.splice(i < 0 ? out.length : i + 1, 0, plugin)
  return out
}

/**
 * A view over claim, volume and class informers. The volume and class lists are copied
 * lazily, once per view: build a new view per scheduling cycle.
 */
export function informerView(claims: Informer<ClaimObject>, volumes: Informer<VolumeObject>, classes: Informer<ClassObject>): VolumeBindingView {
  let volumeList: VolumeObject[] | undefined
  let classList: ClassObject[] | undefined
  return {
    claim: (namespace, name) => claims.get(namespace, name),
    volume: (name) => volumes.get(undefined, name),
    get volumes() { return (volumeList ??= volumes.list()) },
    get classes() { return (classList ??= classes.list()) },
  }
}

export type BindingCheck =
  | { readonly type: 'bound' }
  | { readonly type: 'waiting' }
  | { readonly type: 'failed'; readonly message: string }

/**
 * Upstream's `checkBindings` for the WaitForFirstConsumer claims the scheduler gave a node:
 * the pod is bound only once every such claim is fully bound there (so its node agent never
 * sees a half-bound claim). A claim whose `selected-node` was removed or changed (the
 * provisioner gave up), that went away, or whose volume is pinned elsewhere fails the wait.
 *
 * `stale` maps claim keys (`ns/name`) to the resourceVersion the scheduler patched: a cached
 * claim still at that version predates the patch and is ignored (waiting).
 */
export function checkBindings(
  nodeName: string, node: Node | undefined, claims: readonly PersistentVolumeClaim[],
  view: Pick<VolumeBindingView, 'claim' | 'volume'>, stale: ReadonlyMap<string, string> = new Map(),
): BindingCheck {
  let waiting = false
  for (const original of claims) {
    const ns = original.metadata?.namespace ?? ''
    const name = original.metadata?.name ?? ''
    const claim = view.claim(ns, name)
    if (!claim || claim.metadata?.uid !== original.metadata?.uid) return { type: 'failed', message: `persistentvolumeclaim "${name}" not found` }
    if (stale.get(`${ns}/${name}`) === claim.metadata?.resourceVersion) {
      waiting = true
      continue
    }
    const selected = claim.metadata?.annotations?.[ANN_SELECTED_NODE]
    if (selected === undefined) return { type: 'failed', message: `selectedNode annotation reset for PVC "${name}"` }
    if (selected !== nodeName) return { type: 'failed', message: `provisioning failed for PVC "${name}"` }
    const volumeName = claim.spec?.volumeName
    if (!volumeName) {
      waiting = true
      continue
    }
    const volume = view.volume(volumeName)
    // Not in the cache yet (or being replaced): look again on the next event.
    if (!volume) {
      waiting = true
      continue
    }
    if (node && !volumeFitsNode(volume, node)) return { type: 'failed', message: `pv "${volumeName}" node affinity doesn't match node "${nodeName}"` }
    // Fully bound: the binder finished (bind-completed, and the Bound phase the agent checks).
    const done = claim.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined && claim.status?.phase === 'Bound' && isVolumeBoundToClaim(volume, claim)
    if (!done) waiting = true
  }
  return waiting ? { type: 'waiting' } : { type: 'bound' }
}
