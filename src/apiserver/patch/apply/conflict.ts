/**
 * The 409 an apply gets when another manager owns fields it would change, in
 * upstream's words (managedfields/internal/conflict.go):
 *   Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
 * with one `FieldManagerConflict` cause per field.
 */
import { ApiError } from '../../../api/index.js'
import { pathString } from '../fieldpath/element.js'
import { parseManagerId } from './managed.js'
import type { Conflict } from './updater.js'

export function printManager(id: string): string {
  const info = parseManagerId(id)
  if (!info) return JSON.stringify(id)
  let s = JSON.stringify(info.manager)
  if (info.subresource) s += ` with subresource ${JSON.stringify(info.subresource)}`
  if (info.operation === 'Update') s += ` using ${info.apiVersion ?? ''}`
  return s
}

export function conflictMessage(conflicts: readonly Conflict[]): string {
  const first = conflicts[0]
  if (conflicts.length === 1 && first) {
    return `Apply failed with 1 conflict: conflict with ${printManager(first.manager)}: ${pathString(first.path)}`
  }
  const byManager = new Map<string, string[]>()
  for (const c of conflicts) {
    const list = byManager.get(c.manager) ?? []
    list.push(pathString(c.path))
    byManager.set(c.manager, list)
  }
  const lines: string[] = []
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(m)}:`)
    for (const p of byManager.get(m) ?? []) lines.push(`- ${p}`)
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`
}

export function conflictError(conflicts: readonly Conflict[]): ApiError {
  return new ApiError({
    reason: 'Conflict',
    code: 409,
    message: conflictMessage(conflicts),
    details: {
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c.manager)}`,
        field: pathString(c.path),
      })),
    },
  })
}
