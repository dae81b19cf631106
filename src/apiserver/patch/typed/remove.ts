/**
 * Removing the members of a field set from a value (structured-merge-diff's
 * RemoveItems): a member path drops that field or list item with everything below it;
 * a path with children is descended into. Containers left empty by removal disappear
 * (a typed round trip upstream turns them into zero values).
 */
import { fieldPE } from '../fieldpath/element.js'
import type { FieldSet } from '../fieldpath/set.js'
import { fieldShape, isAtomicObject, listShape, type Shape } from '../schema/index.js'
import { isObject, type JsonObject } from '../util.js'
import { itemPE } from './items.js'

/** The value without the set's members; undefined when nothing is left of it. */
export function removeItems(v: unknown, toRemove: FieldSet, shape: Shape): unknown {
  if (toRemove.isEmpty()) return v
  if (isObject(v)) {
    if (Object.keys(v).length === 0 || isAtomicObject(shape)) return v
    const out: JsonObject = {}
    for (const [k, x] of Object.entries(v)) {
      const pe = fieldPE(k)
      if (toRemove.hasMember(pe)) continue
      const sub = toRemove.withPrefix(pe)
      const nx = sub.isEmpty() ? x : removeItems(x, sub, fieldShape(shape, k))
      if (nx !== undefined) out[k] = nx
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  if (Array.isArray(v)) {
    const list = listShape(shape)
    if (v.length === 0 || list.ssa === 'atomic') return v
    const out: unknown[] = []
    for (const item of v) {
      const r = itemPE(list, item)
      if (!r.pe) {
        out.push(item)
        continue
      }
      if (toRemove.hasMember(r.pe)) continue
      const sub = toRemove.withPrefix(r.pe)
      const nx = sub.isEmpty() ? item : removeItems(item, sub, list.elem)
      out.push(nx === undefined ? {} : nx)
    }
    return out.length > 0 ? out : undefined
  }
  return v
}
