/** Small formatting helpers shared by the printers (upstream equivalents noted on each). */

import type { LabelSelector } from 'kubernetes-types/meta/v1.js'
import { isPlainObject } from '../../api/index.js'

/** Compare strings by UTF-16 code units, like Go's byte order for ASCII keys. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort(byCodeUnit)
  if (keys.length === 0) return '<none>'
  return keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',')
}

/**
 * `metav1.LabelSelectorAsSelector(...).String()`: requirements sorted by key; `""` for a nil
 * selector (Nothing) and for an empty one (Everything); undefined for an invalid operator.
 */
export function selectorString(sel: LabelSelector | undefined | null): string | undefined {
  if (!sel) return ''
  const reqs: { key: string; text: string }[] = []
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` })
  for (const expr of sel.matchExpressions ?? []) {
    const values = [...(expr.values ?? [])].sort(byCodeUnit).join(',')
    switch (expr.operator) {
      case 'In': reqs.push({ key: expr.key, text: `${expr.key} in (${values})` }); break
      case 'NotIn': reqs.push({ key: expr.key, text: `${expr.key} notin (${values})` }); break
      case 'Exists': reqs.push({ key: expr.key, text: expr.key }); break
      case 'DoesNotExist': reqs.push({ key: expr.key, text: `!${expr.key}` }); break
      default: return undefined
    }
  }
  // Array.prototype.sort is stable; Go's sort.Sort is not, but keys rarely repeat
  return reqs.sort((a, b) => byCodeUnit(a.key, b.key)).map((r) => r.text).join(',')
}

/** `metav1.FormatLabelSelector`: the selector string, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = selectorString(sel)
  if (s === undefined) return '<error>'
  return s === '' ? '<none>' : s
}

interface ContainerLike { name?: string; image?: string }

/** `layoutContainerCells`: container names and images, each comma-joined. */
export function layoutContainerCells(containers: readonly ContainerLike[] | undefined): [string, string] {
  const list = containers ?? []
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')]
}

/** `helper.GetAccessModesAsString`: de-duplicated, in the fixed order RWO,ROX,RWX,RWOP. */
export function accessModesString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? [])
  const out: string[] = []
  if (set.has('ReadWriteOnce')) out.push('RWO')
  if (set.has('ReadOnlyMany')) out.push('ROX')
  if (set.has('ReadWriteMany')) out.push('RWX')
  if (set.has('ReadWriteOncePod')) out.push('RWOP')
  return out.join(',')
}

/** A string field, or '' (Go's zero value). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** An integer field, or 0 (Go's zero value). */
export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0
}

/** A nested record, or an empty one. */
export function rec(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {}
}

/** An array of records (non-records dropped), or an empty array. */
export function recs(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isPlainObject) : []
}

/** Number of keys of a map field (`len(m)` in Go). */
export function countKeys(v: unknown): number {
  return isPlainObject(v) ? Object.keys(v).length : 0
}
