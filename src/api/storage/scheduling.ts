/**
 * Volume binding for the scheduler, as pure functions (upstream's VolumeBinding plugin:
 * PreFilter, Filter, and the part of Reserve/PreBind that records the chosen node):
 *
 * - `volumeBindingPreFilter(pod, view)`: once per pod and cycle. A pod using a claim that is
 *   missing or being deleted, or an unbound claim of Immediate binding, cannot be scheduled
 *   anywhere yet ("pod has unbound immediate PersistentVolumeClaims"); it waits for the
 *   binder and is retried when claims change.
 * - `volumeBindingFilter(pod, node, state, view)`: per node. Bound claims: their volume must
 *   exist and its node affinity accept the node (a pod whose claim is bound to a local volume
 *   on node X goes to X). Unbound WaitForFirstConsumer claims: a static volume must fit on the
 *   node, or the class must be able to provision there (a provisioner other than
 *   `kubernetes.io/no-provisioner`, allowedTopologies matching the node), and a claim whose
 *   `selected-node` is already set only fits that node.
 * - `selectedNodePatches(pod, node, state)`: after choosing a node, the merge patches that
 *   write `volume.kubernetes.io/selected-node` on the pod's unbound WaitForFirstConsumer
 *   claims; the binder then binds a static volume there or asks the provisioner.
 *
 * Pure (only `api` and its sibling helpers), so the scheduler, the binder and the agent all
 * share it from `src/api/storage`.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, TopologySelectorTerm } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import { ANN_SELECTED_NODE, claimClass, findClass, isDelayBindingMode, podClaimNames, volumeFitsNode } from './helpers.js'
import { findBestMatchForClaim } from './matching.js'

// Upstream's reason strings (pkg/scheduler/framework/plugins/volumebinding).
export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims'
export const REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
export const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict'
export const REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)'

/** Same shape as the scheduler's FilterStatus. */
export interface VolumeBindingStatus {
  readonly plugin: 'VolumeBinding'
  readonly code: 'Unschedulable' | 'UnschedulableAndUnresolvable'
  readonly reasons: readonly string[]
}

/** What the plugin reads; the scheduler builds it from claim, volume and class informers. */
export interface VolumeBindingView {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined
  volume(name: string): PersistentVolume | undefined
  /** every volume (for static matching of delayed claims) */
  readonly volumes: readonly PersistentVolume[]
  readonly classes: readonly StorageClass[]
}

/** The pod's claims, sorted as upstream's podVolumeClaims. */
export interface PodVolumeClaims {
  readonly bound: readonly PersistentVolumeClaim[]
  readonly unboundDelayed: readonly PersistentVolumeClaim[]
}

export type PreFilterResult =
  /** the pod uses no claims: skip Filter for this plugin */
  | { readonly type: 'skip' }
  /** no node can fit until the claims change (message for FailedScheduling, without a node count) */
  | { readonly type: 'unschedulable'; readonly status: VolumeBindingStatus }
  | { readonly type: 'ok'; readonly claims: PodVolumeClaims }

const status = (...reasons: string[]): VolumeBindingStatus => ({ plugin: 'VolumeBinding', code: 'UnschedulableAndUnresolvable', reasons })

export function volumeBindingPreFilter(pod: Pod, view: VolumeBindingView): PreFilterResult {
  const names = podClaimNames(pod)
  if (names.length === 0) return { type: 'skip' }
  const ns = pod.metadata?.namespace ?? ''
  const bound: PersistentVolumeClaim[] = []
  const unboundDelayed: PersistentVolumeClaim[] = []
  let unboundImmediate = false
  for (const name of names) {
    const claim = view.claim(ns, name)
    if (!claim) return { type: 'unschedulable', status: status(`persistentvolumeclaim "${name}" not found`) }
    if (claim.metadata?.deletionTimestamp) return { type: 'unschedulable', status: status(`persistentvolumeclaim "${name}" is being deleted`) }
    if (claim.spec?.volumeName) bound.push(claim)
    else if (isDelayBindingMode(claim, view.classes)) unboundDelayed.push(claim)
    else unboundImmediate = true
  }
  if (unboundImmediate) return { type: 'unschedulable', status: status(REASON_UNBOUND_IMMEDIATE) }
  return { type: 'ok', claims: { bound, unboundDelayed } }
}

/** `MatchTopologySelectorTerms`: no terms match every node; otherwise one term's expressions all match. */
function topologyAllows(terms: readonly TopologySelectorTerm[] | undefined, node: Node): boolean {
  if (!terms || terms.length === 0) return true
  const labels = node.metadata?.labels ?? {}
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => Object.hasOwn(labels, e.key) && (e.values ?? []).includes(labels[e.key]!)))
}

/** `checkVolumeProvisions` for one claim on one node. */
function canProvision(claim: PersistentVolumeClaim, node: Node, classes: readonly StorageClass[]): boolean {
  const sc = findClass(classes, claimClass(claim))
  if (!sc || !sc.provisioner || sc.provisioner === 'kubernetes.io/no-provisioner') return false
  return topologyAllows(sc.allowedTopologies, node)
}

/** The per-node decision (undefined: the node fits the pod's volumes). */
export function volumeBindingFilter(node: Node, claims: PodVolumeClaims, view: VolumeBindingView): VolumeBindingStatus | undefined {
  const reasons = new Set<string>()
  for (const claim of claims.bound) {
    const volume = view.volume(claim.spec?.volumeName ?? '')
    if (!volume) return status(REASON_PV_NOT_EXIST)
    if (!volumeFitsNode(volume, node)) reasons.add(REASON_NODE_CONFLICT)
  }
  const chosen = new Set<string>()
  for (const claim of claims.unboundDelayed) {
    const selected = claim.metadata?.annotations?.[ANN_SELECTED_NODE]
    if (selected !== undefined) {
      // Fast path: a node was chosen for this claim already.
      if (selected !== node.metadata?.name || !canProvision(claim, node, view.classes)) reasons.add(REASON_BIND_CONFLICT)
      continue
    }
    const match = findBestMatchForClaim(claim, view.volumes, { delayBinding: true, node, excluded: chosen })
    if (match) {
      chosen.add(match.metadata?.name ?? '')
    } else if (!canProvision(claim, node, view.classes)) {
      reasons.add(REASON_BIND_CONFLICT)
    }
  }
  return reasons.size ? status(...reasons) : undefined
}

/**
 * After the scheduler chose `nodeName` for the pod: merge patches for each unbound
 * WaitForFirstConsumer claim that does not name a node yet (apply with a claims client;
 * a NotFound or Conflict means the pod should be retried).
 */
export function selectedNodePatches(nodeName: string, claims: PodVolumeClaims): Array<{ namespace: string; name: string; patch: Record<string, unknown> }> {
  return claims.unboundDelayed
    .filter((c) => c.metadata?.annotations?.[ANN_SELECTED_NODE] === undefined)
    .map((c) => ({
      namespace: c.metadata?.namespace ?? '',
      name: c.metadata?.name ?? '',
      patch: { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName }, resourceVersion: c.metadata?.resourceVersion ?? null } },
    }))
}
