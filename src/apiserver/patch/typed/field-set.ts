/**
 * The field set of a value (structured-merge-diff's ToFieldSet): every leaf, every item
 * of an associative list (as a member, with its own fields below), atomic lists and
 * objects as single members, empty objects and nulls as members. Struct members with
 * content are not members themselves. `ensureNamedFieldsAreMembers` adds those back,
 * which is how pruning decides a struct field emptied by it should go.
 */
import { fieldPE, serializePE, type PathElement } from '../fieldpath/element.js'
import { FieldSet } from '../fieldpath/set.js'
import { fieldShape, isAtomicObject, listShape, type Shape } from '../schema/index.js'
import { UNTYPED } from '../schema/shape.js'
import { isObject } from '../util.js'
import { itemPE } from './items.js'

export function toFieldSet(value: unknown, shape: Shape): FieldSet {
  const set = new FieldSet()
  walk(value, shape, [], set)
  return set
}

function walk(v: unknown, shape: Shape, path: PathElement[], set: FieldSet): void {
  if (isObject(v)) {
    if (isAtomicObject(shape)) {
      set.insert(path)
      return
    }
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue
      const p = [...path, fieldPE(k)]
      walk(x, fieldShape(shape, k), p, set)
      if (x === null || (isObject(x) && Object.keys(x).length === 0)) set.insert(p)
    }
    return
  }
  if (Array.isArray(v)) {
    const list = listShape(shape)
    if (list.ssa === 'atomic') {
      set.insert(path)
      return
    }
    const seen = new Set<string>()
    const dup = new Set<string>()
    for (const item of v) {
      const r = itemPE(list, item)
      if (!r.pe) continue
      const id = serializePE(r.pe)
      if (seen.has(id) && !dup.has(id)) {
        dup.add(id)
        set.insert([...path, r.pe])
      }
      seen.add(id)
    }
    for (const item of v) {
      const r = itemPE(list, item)
      if (!r.pe || dup.has(serializePE(r.pe))) continue
      const p = [...path, r.pe]
      walk(item, list.elem, p, set)
      set.insert(p)
    }
    return
  }
  // scalars and null
  set.insert(path)
}

/** Adds struct fields that have children as members (EnsureNamedFieldsAreMembers). */
export function ensureNamedFieldsAreMembers(set: FieldSet, shape: Shape): FieldSet {
  const out = new FieldSet()
  for (const pe of set.memberElements()) out.addMember(pe)
  for (const c of set.childEntries()) {
    let childShape: Shape = UNTYPED
    if ('field' in c.pe) {
      if (!shape.list) out.addMember(c.pe)
      childShape = fieldShape(shape, c.pe.field)
    } else if ('key' in c.pe) {
      childShape = listShape(shape).elem
    }
    const sub = ensureNamedFieldsAreMembers(c.set, childShape)
    const target = out.descend(c.pe)
    for (const p of sub.paths()) target.insert(p)
  }
  return out
}
