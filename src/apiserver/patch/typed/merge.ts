/**
 * Merging an applied configuration into the live object (structured-merge-diff's
 * TypedValue.Merge): objects merge member by member, associative lists item by item
 * (keeping the configuration's order for the items it names and the live position of
 * the others), and atomic parts and scalars are taken from the configuration.
 */
import { fieldShape, isAtomicObject, listShape, type Shape } from '../schema/index.js'
import { cloneJson, isObject, type JsonObject } from '../util.js'
import { indexItems, type IndexedItem } from './items.js'

export function mergeValues(lhs: unknown, rhs: unknown, shape: Shape): unknown {
  if (rhs === undefined) return lhs
  if (lhs === undefined) return cloneJson(rhs)
  if (isObject(lhs) && isObject(rhs)) {
    if (isAtomicObject(shape)) return cloneJson(rhs)
    if (Object.keys(lhs).length === 0 && Object.keys(rhs).length === 0) return {}
    const out: JsonObject = {}
    for (const k of new Set([...Object.keys(lhs), ...Object.keys(rhs)])) {
      const v = mergeValues(lhs[k], rhs[k], fieldShape(shape, k))
      if (v !== undefined) out[k] = v
    }
    return out
  }
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    const list = listShape(shape)
    if (list.ssa === 'atomic' || (lhs.length === 0 && rhs.length === 0)) return cloneJson(rhs)
    return mergeItems(indexItems(list, lhs), indexItems(list, rhs), list.elem)
  }
  // a null configuration value leaves a live object or list as it is
  if (rhs === null && (isObject(lhs) || Array.isArray(lhs))) return lhs
  return cloneJson(rhs)
}

function mergeItems(lhs: IndexedItem[], rhs: IndexedItem[], elem: Shape): unknown[] {
  const out: unknown[] = []
  const observedL = new Map<string, unknown>()
  for (const it of lhs) if (!observedL.has(it.id)) observedL.set(it.id, it.value)
  const observedR = new Map<string, unknown>()
  for (const it of rhs) if (!observedR.has(it.id)) observedR.set(it.id, it.value)
  const shared = rhs.filter((it) => observedL.has(it.id)).map((it) => it.id)
  let next = shared.shift()
  const mergedR = new Set<string>()
  const push = (l: unknown, r: unknown): void => {
    const v = mergeValues(l, r, elem)
    if (v !== undefined) out.push(v)
  }
  let li = 0
  let ri = 0
  while (li < lhs.length || ri < rhs.length) {
    const before = li + ri
    const l = lhs[li]
    const r = rhs[ri]
    if (l && r) {
      if (l.id === r.id) {
        mergedR.add(l.id)
        push(observedL.get(l.id), observedR.get(l.id))
        li++
        ri++
        next = shared.shift()
        continue
      }
      if (observedR.has(l.id) && next !== undefined && next !== l.id) {
        li++
        continue
      }
    }
    if (l) {
      if (!observedR.has(l.id)) {
        push(l.value, undefined)
        li++
        continue
      } else if (mergedR.has(l.id)) {
        li++
      }
    }
    if (r) {
      mergedR.add(r.id)
      push(observedL.get(r.id), observedR.get(r.id))
      ri++
      if (next !== undefined && next === r.id) next = shared.shift()
    }
    if (li + ri === before) li++ // cannot happen with consistent input; never spin
  }
  return out
}
