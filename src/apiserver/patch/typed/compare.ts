/**
 * Field-level diff of two values (structured-merge-diff's TypedValue.Compare): the
 * paths added, modified and removed going from `lhs` to `rhs`. Atomic parts and
 * scalars are leaves; an object or list present on one side only is itself marked
 * (that is where `".": {}` comes from in an Update manager's fields).
 */
import { fieldPE, type PathElement } from '../fieldpath/element.js'
import { FieldSet } from '../fieldpath/set.js'
import { fieldShape, isAtomicObject, listShape, type Shape } from '../schema/index.js'
import { deepEqual, isObject } from '../util.js'
import { indexItems } from './items.js'

export interface Comparison {
  readonly added: FieldSet
  readonly modified: FieldSet
  readonly removed: FieldSet
}

export function compare(lhs: unknown, rhs: unknown, shape: Shape): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() }
  walk(lhs, rhs, shape, [], out)
  return out
}

/** Restricts a comparison to paths outside `ignore` (reset fields). */
export function filterComparison(c: Comparison, ignore: FieldSet): Comparison {
  if (ignore.isEmpty()) return c
  return {
    added: c.added.recursiveDifference(ignore),
    modified: c.modified.recursiveDifference(ignore),
    removed: c.removed.recursiveDifference(ignore),
  }
}

type Kind = 'map' | 'list' | 'leaf' | 'null'

function kindOf(v: unknown): Kind {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  if (isObject(v)) return 'map'
  return 'leaf'
}

function leaf(l: unknown, r: unknown, path: PathElement[], out: Comparison): void {
  if (l === undefined) out.added.insert(path)
  else if (r === undefined) out.removed.insert(path)
  else if (!deepEqual(l, r)) out.modified.insert(path)
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (Array.isArray(v)) return v.length === 0
  return isObject(v) && Object.keys(v).length === 0
}

function walk(l: unknown, r: unknown, shape: Shape, path: PathElement[], out: Comparison): void {
  if (l === r) return // one shared subtree (a status write keeps the stored spec): nothing changed there
  const kl = l === undefined ? undefined : kindOf(l)
  const kr = r === undefined ? undefined : kindOf(r)
  let kind = (kr ?? kl) as Kind
  if (kl !== undefined && kr !== undefined && kl !== kr) {
    // null stands in for an empty container of the other side's kind
    if (kl === 'null' && (kr === 'map' || kr === 'list')) kind = kr
    else if (kr === 'null' && (kl === 'map' || kl === 'list')) kind = kl
    else {
      leaf(l, r, path, out)
      return
    }
  }
  if (kind === 'leaf' || kind === 'null') {
    leaf(l, r, path, out)
    return
  }
  if (kind === 'map') {
    if (isAtomicObject(shape) || (isEmpty(l) && isEmpty(r))) {
      leaf(l, r, path, out)
      return
    }
    const lm = isObject(l) ? l : {}
    const rm = isObject(r) ? r : {}
    const keys = new Set([...Object.keys(lm), ...Object.keys(rm)])
    for (const k of keys) walk(lm[k], rm[k], fieldShape(shape, k), [...path, fieldPE(k)], out)
  } else {
    const list = listShape(shape)
    if (list.ssa === 'atomic' || (isEmpty(l) && isEmpty(r))) {
      leaf(l, r, path, out)
      return
    }
    compareItems(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], shape, path, out)
  }
  if (l === undefined) out.added.insert(path)
  else if (r === undefined) out.removed.insert(path)
}

function compareItems(l: readonly unknown[], r: readonly unknown[], shape: Shape, path: PathElement[], out: Comparison): void {
  const list = listShape(shape)
  const order: { pe: PathElement; id: string }[] = []
  const lv = new Map<string, unknown[]>()
  const rv = new Map<string, unknown[]>()
  for (const it of indexItems(list, l)) {
    const cur = lv.get(it.id)
    if (cur) cur.push(it.value)
    else {
      lv.set(it.id, [it.value])
      order.push(it)
    }
  }
  for (const it of indexItems(list, r)) {
    const cur = rv.get(it.id)
    if (cur) cur.push(it.value)
    else {
      rv.set(it.id, [it.value])
      if (!lv.has(it.id)) order.push(it)
    }
  }
  for (const { pe, id } of order) {
    const ll = lv.get(id) ?? []
    const rl = rv.get(id) ?? []
    const p = [...path, pe]
    if (ll.length <= 1 && rl.length <= 1) {
      walk(ll[0], rl[0], list.elem, p, out)
    } else if (ll.length >= 2 && rl.length >= 2) {
      if (!deepEqual(ll, rl)) out.modified.insert(p)
    } else if (ll.length >= 2) {
      if (rl.length > 0) walk(undefined, rl[0], list.elem, p, out)
      out.removed.insert(p)
    } else {
      if (ll.length > 0) walk(ll[0], undefined, list.elem, p, out)
      out.added.insert(p)
    }
  }
}
