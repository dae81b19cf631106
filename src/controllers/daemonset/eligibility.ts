/**
 * Which nodes a DaemonSet runs on (DS-001..DS-013) and how its pods are built: the pure
 * predicates of upstream's `NodeShouldRunDaemonPod`, the default DaemonSet tolerations, node
 * pinning through required node affinity, and pod-to-node mapping.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js'
import type { Affinity, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js'
import { newControllerRef } from '../common/owners.js'
import type { OwnerKind } from '../common/owners.js'

export const DAEMONSET_KIND: OwnerKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' }
/** Pod label with the DaemonSet's template generation (extensions.DaemonSetTemplateGenerationKey). */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation'
/** Pod label with the revision hash (apps.DefaultDaemonSetUniqueLabelKey). */
export const HASH_LABEL = 'controller-revision-hash'
/** DaemonSet annotation carrying the template generation in apps/v1 (API-012). */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation'

/** The tolerations every DaemonSet pod gets (DS-010); network-unavailable only with hostNetwork. */
export function defaultTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect })
  const out = [
    t('node.kubernetes.io/not-ready', 'NoExecute'),
    t('node.kubernetes.io/unreachable', 'NoExecute'),
    t('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    t('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    t('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    t('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ]
  if (hostNetwork) out.push(t('node.kubernetes.io/network-unavailable', 'NoSchedule'))
  return out
}

const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '')

/** `AddOrUpdateDaemonPodTolerations`: the spec's tolerations with the defaults added (a matching one is replaced, not duplicated). */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
  let tolerations = [...(spec.tolerations ?? [])]
  for (const d of defaultTolerations(!!spec.hostNetwork)) {
    const i = tolerations.findIndex((t) => sameToleration(t, d))
    if (i >= 0) tolerations = tolerations.map((t, k) => (k === i ? d : t))
    else tolerations.push(d)
  }
  return tolerations
}

/** `Toleration.ToleratesTaint`. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false
  if (t.key && t.key !== taint.key) return false
  switch (t.operator ?? 'Equal') {
    case 'Equal': case '': return (t.value ?? '') === (taint.value ?? '')
    case 'Exists': return true
    default: return false
  }
}

/** The first taint passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerations.some((t) => toleratesTaint(t, taint)))
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? []
  switch (req.operator) {
    case 'In': return value !== undefined && values.includes(value)
    case 'NotIn': return value === undefined || !values.includes(value)
    case 'Exists': return value !== undefined
    case 'DoesNotExist': return value === undefined
    case 'Gt': case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]!)) return false
      const a = Number(value), b = Number(values[0])
      return req.operator === 'Gt' ? a > b : a < b
    }
    default: return false
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? []
  const fields = term.matchFields ?? []
  if (exprs.length === 0 && fields.length === 0) return false
  const labels = node.metadata?.labels ?? {}
  for (const e of exprs) if (!requirementMatches(e, Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined)) return false
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false
    if (!requirementMatches(f, node.metadata?.name)) return false
  }
  return true
}

/** `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: nodeSelector and required node affinity. */
export function matchesRequiredNodeAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {}
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  if (!required) return true
  return required.nodeSelectorTerms.some((t) => termMatches(t, node))
}

export interface ShouldRun {
  /** a new daemon pod should be created on the node */
  shouldRun: boolean
  /** an existing daemon pod may keep running there */
  shouldContinueRunning: boolean
}

/**
 * `NodeShouldRunDaemonPod` (DS-001): simulate the template's pod, with default tolerations, on
 * the node. `tolerations` may be passed precomputed (`withDaemonTolerations(template spec)`).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet, tolerations?: readonly Toleration[]): ShouldRun {
  const spec = ds.spec?.template.spec ?? { containers: [] }
  const nodeName = node.metadata?.name ?? ''
  if (spec.nodeName && spec.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false }
  if (!matchesRequiredNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false }
  tolerations ??= withDaemonTolerations(spec)
  const taints = node.spec?.taints ?? []
  if (findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule')) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute') }
  }
  return { shouldRun: true, shouldContinueRunning: true }
}

/** `ReplaceDaemonSetPodNodeNameNodeAffinity` (DS-011): required node affinity becomes exactly `metadata.name In [node]`. */
export function pinToNode(affinity: Affinity | undefined, node: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] }
  const a: Affinity = structuredClone(affinity ?? {})
  a.nodeAffinity = { ...(a.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required }
  return a
}

/** `GetTargetNodeName`: the bound node, else the node the pinning affinity names; undefined if neither. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined
    }
  }
  return undefined
}

/** The DaemonSet's template generation from its annotation (undefined if absent or unparsable). */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION]
  if (v === undefined || !/^\d+$/.test(v)) return undefined
  return Number(v)
}

/** `IsPodUpdated` (DS-037): the current hash, or the current template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {}
  return (hash !== '' && labels[HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation))
}

/** `CreatePodTemplate` + `GetPodFromTemplate` + node pinning: the pod for one node. */
export function newDaemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const template: PodTemplateSpec = ds.spec?.template ?? {}
  const tmeta = template.metadata ?? {}
  const spec: PodSpec = structuredClone(template.spec ?? { containers: [] })
  spec.tolerations = withDaemonTolerations(spec)
  spec.affinity = pinToNode(spec.affinity, node)
  const generation = templateGeneration(ds)
  const labels: Record<string, string> = { ...(tmeta.labels ?? {}) }
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation)
  if (hash) labels[HASH_LABEL] = hash
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata?.name ?? ''}-`,
      namespace: ds.metadata?.namespace ?? '',
      labels,
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
      ownerReferences: [newControllerRef(ds, DAEMONSET_KIND)],
    },
    spec,
  }
}

const created = (p: Pod): number => {
  const t = p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0
  return Number.isNaN(t) ? 0 : t
}

/** `podByCreationTimestampAndPhase`: bound pods first, then oldest, then by name. */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const ab = !!a.spec?.nodeName, bb = !!b.spec?.nodeName
  if (ab !== bb) return ab ? -1 : 1
  const ta = created(a), tb = created(b)
  if (ta !== tb) return ta - tb
  const na = a.metadata?.name ?? '', nb = b.metadata?.name ?? ''
  return na < nb ? -1 : na > nb ? 1 : 0
}
