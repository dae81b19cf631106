/**
 * Node selector matching (`nodeSelector`, `nodeAffinity` terms) as upstream's
 * `nodeaffinity.NodeSelector`: terms are OR-ed, requirements within a term AND-ed, an
 * empty term matches nothing, `matchFields` supports only `metadata.name`. Pure.
 */
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js'

function matchLabelRequirement(req: NodeSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key)
  const value = labels[req.key]
  const values = req.values ?? []
  switch (req.operator) {
    case 'In': return has && values.includes(value!)
    case 'NotIn': return !has || !values.includes(value!)
    case 'Exists': return has
    case 'DoesNotExist': return !has
    case 'Gt': case 'Lt': {
      if (!has || values.length !== 1) return false
      const a = Number.parseInt(value!, 10)
      const b = Number.parseInt(values[0]!, 10)
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false
      return req.operator === 'Gt' ? a > b : a < b
    }
    default: return false
  }
}

function matchFieldRequirement(req: NodeSelectorRequirement, nodeName: string): boolean {
  if (req.key !== 'metadata.name') return false
  const values = req.values ?? []
  if (req.operator === 'In') return values.length === 1 && values[0] === nodeName
  if (req.operator === 'NotIn') return values.length === 1 && values[0] !== nodeName
  return false
}

export function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? []
  const fields = term.matchFields ?? []
  if (exprs.length === 0 && fields.length === 0) return false
  const labels = node.metadata?.labels ?? {}
  const name = node.metadata?.name ?? ''
  return exprs.every((r) => matchLabelRequirement(r, labels)) && fields.every((r) => matchFieldRequirement(r, name))
}

export function matchesNodeSelector(sel: NodeSelector, node: Node): boolean {
  return sel.nodeSelectorTerms.some((t) => matchesTerm(t, node))
}

/** `spec.nodeSelector` (all pairs) and required node affinity. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {}
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
  return required === undefined || matchesNodeSelector(required, node)
}

/**
 * The node names the required affinity can only match (upstream's NodeAffinity PreFilter
 * result): defined when every term pins `metadata.name In [x]`; otherwise undefined (all).
 */
export function requiredNodeNames(pod: Pod): ReadonlySet<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  if (!terms || terms.length === 0) return undefined
  const names = new Set<string>()
  for (const t of terms) {
    const pinned = (t.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In' && (f.values ?? []).length === 1)
    if (!pinned) return undefined
    names.add(pinned.values![0]!)
  }
  return names
}
