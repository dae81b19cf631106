/**
 * The checks upstream's typed conversion makes on an applied configuration: items of
 * associative lists need their keys and may not repeat. Messages read as
 * structured-merge-diff's ValidationErrors.
 */
import { peString, serializePE } from '../fieldpath/element.js'
import { fieldShape, isAtomicObject, listShape, type Shape } from '../schema/index.js'
import { isObject } from '../util.js'
import { itemPE } from './items.js'

export function validateAssociativeLists(v: unknown, shape: Shape): string[] {
  const errs: string[] = []
  walk(v, shape, '', errs)
  return errs
}

function walk(v: unknown, shape: Shape, path: string, errs: string[]): void {
  if (isObject(v)) {
    if (isAtomicObject(shape)) return
    for (const [k, x] of Object.entries(v)) walk(x, fieldShape(shape, k), `${path}.${k}`, errs)
    return
  }
  if (!Array.isArray(v)) return
  const list = listShape(shape)
  if (list.ssa === 'atomic') return
  const seen = new Set<string>()
  v.forEach((item, i) => {
    const r = itemPE(list, item)
    if (!r.pe) {
      errs.push(`${path}: element ${i}: ${r.error}`)
      return
    }
    const id = serializePE(r.pe)
    if (seen.has(id)) {
      errs.push(`${path}: duplicate entries for key ${peString(r.pe)}`)
      return
    }
    seen.add(id)
    walk(item, list.elem, path + peString(r.pe), errs)
  })
}

/** ValidationErrors.Error() */
export function formatValidationErrors(errs: readonly string[]): string {
  return errs.length === 1 ? (errs[0] ?? '') : ['errors:', ...errs.map((e) => '  ' + e)].join('\n')
}
