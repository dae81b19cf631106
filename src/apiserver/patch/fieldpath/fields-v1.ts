/**
 * The FieldsV1 encoding of a field set, as stored in `metadata.managedFields[].fieldsV1`:
 * a nested object whose keys are serialized path elements (`f:spec`,
 * `k:{"name":"nginx"}`, `v:"foo"`, `i:0`); `{}` marks a member, and `".": {}` marks a
 * member that also has children. Keys come out in upstream's order.
 */
import { isObject, type JsonObject } from '../util.js'
import { comparePE, deserializePE, serializePE, type PathElement } from './element.js'
import { FieldSet } from './set.js'

// Encodings by set: a manager whose fields a write did not touch keeps its set object, and
// its encoding is reused (callers treat the result as read-only, like the set).
const encoded = new WeakMap<FieldSet, JsonObject>()

export function toFieldsV1(set: FieldSet): JsonObject {
  let out = encoded.get(set)
  if (!out) {
    out = emit(set, false)
    encoded.set(set, out)
    decoded.set(out, set)
  }
  return out
}

function emit(set: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {}
  const members = set.memberElements()
  const children = set.childEntries()
  if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {}
  const all: { pe: PathElement; member: boolean; child?: FieldSet }[] = []
  let mi = 0
  let ci = 0
  while (mi < members.length || ci < children.length) {
    const m = members[mi]
    const c = children[ci]
    const cmp = m && c ? comparePE(m, c.pe) : m ? -1 : 1
    if (cmp < 0 && m) {
      all.push({ pe: m, member: true })
      mi++
    } else if (cmp > 0 && c) {
      all.push({ pe: c.pe, member: false, child: c.set })
      ci++
    } else if (m && c) {
      all.push({ pe: m, member: true, child: c.set })
      mi++
      ci++
    }
  }
  for (const e of all) out[serializePE(e.pe)] = e.child ? emit(e.child, e.member) : {}
  return out
}

export class FieldsV1Error extends Error {}

// Decoded sets by FieldsV1 object. The API server's cache shares one FieldsV1 object among
// every object with that tree (see intern.ts), and sets are immutable once built, so each
// distinct tree is decoded once rather than on every write of every pod.
const decoded = new WeakMap<object, FieldSet>()

/** Decodes FieldsV1; unknown element kinds are dropped, malformed ones throw. */
export function fromFieldsV1(fields: unknown): FieldSet {
  if (fields === undefined || fields === null) return new FieldSet()
  if (!isObject(fields)) throw new FieldsV1Error('FieldsV1 must be an object')
  const hit = decoded.get(fields)
  if (hit) return hit
  const set = read(fields).children ?? new FieldSet()
  decoded.set(fields, set)
  return set
}

function read(obj: JsonObject): { children: FieldSet | undefined; isMember: boolean } {
  let children: FieldSet | undefined
  let isMember = false
  for (const [key, v] of Object.entries(obj)) {
    if (key === '.') {
      isMember = true
      continue
    }
    let pe: PathElement | undefined
    try {
      pe = deserializePE(key)
    } catch (e) {
      throw new FieldsV1Error(`parsing key as path element: ${(e as Error).message}`)
    }
    if (!pe) continue
    if (!isObject(v)) throw new FieldsV1Error(`expected an object for ${key}`)
    const sub = read(v)
    children ??= new FieldSet()
    if (sub.isMember) children.addMember(pe)
    if (sub.children) children.attach(pe, sub.children)
  }
  if (!children) isMember = true
  return { children, isMember }
}
