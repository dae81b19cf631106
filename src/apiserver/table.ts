import type { KubeObject, ResourceInfo } from '../api/index.js'
import { printerFor, toTable } from './printers/index.js'

/** `application/json;as=Table;v=v1;g=meta.k8s.io` in Accept → the Table version wanted. */
export function wantedTable(accept: string | undefined): 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1' | undefined {
  if (!accept) return undefined
  for (const part of accept.split(',')) {
    const params = new Map(part.split(';').slice(1).map((p) => {
      const [k, v] = p.trim().split('=')
      return [k ?? '', v ?? ''] as const
    }))
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const v = params.get('v')
      if (v === 'v1') return 'meta.k8s.io/v1'
      if (v === 'v1beta1') return 'meta.k8s.io/v1beta1'
    }
  }
  return undefined
}

export function includeObjectPolicy(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject')
  return v === 'None' || v === 'Object' ? v : 'Metadata'
}

export function renderTable(
  info: ResourceInfo, objs: KubeObject[], apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1', q: URLSearchParams,
  meta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }, omitColumns = false,
): object {
  return toTable(objs, printerFor(info.group, info.resource), {
    now: Date.now(),
    includeObject: includeObjectPolicy(q),
    apiVersion,
    omitColumns,
    ...meta,
  })
}
