/**
 * Looking things up in the merge schema: the root shape of a kind, the shape of a
 * field or list element, the Go zero value of a kind, and the fields a strategy resets
 * (which server-side apply neither tracks nor reports conflicts on).
 */
import { RESOURCES } from '../../../api/index.js'
import type { Gvk } from '../errors.js'
import { isObject, type JsonObject } from '../util.js'
import { UNTYPED, type ListShape, type Shape, type TypeDef } from './shape.js'
import { ROOTS, TYPES, UNKNOWN_ROOT } from './types.js'

export type { ListShape, Shape } from './shape.js'

export function rootShape(gvk: Pick<Gvk, 'group' | 'kind'>): Shape {
  const type = ROOTS[gvk.group]?.[gvk.kind]
  return type ? { type } : UNKNOWN_ROOT
}

function typeDef(shape: Shape): TypeDef | undefined {
  return shape.type === undefined ? undefined : TYPES[shape.type]
}

/** The shape of member `name` of an object at `shape`. */
export function fieldShape(shape: Shape, name: string): Shape {
  return typeDef(shape)?.fields[name] ?? UNTYPED
}

/** Objects at this shape are replaced and owned whole. */
export function isAtomicObject(shape: Shape): boolean {
  return shape.atomic === true || typeDef(shape)?.atomic === true
}

const ATOMIC_LIST: ListShape = { ssa: 'atomic', elem: UNTYPED }

/** The list description at this shape (lists not in the table are atomic). */
export function listShape(shape: Shape): ListShape {
  return shape.list ?? ATOMIC_LIST
}

/** The JSON of a Go zero value of this shape's struct type (`{}` plus always-present members). */
export function zeroObject(shape: Shape): JsonObject {
  const out: JsonObject = {}
  const def = typeDef(shape)
  if (!def) return out
  for (const [name, f] of Object.entries(def.fields)) {
    if (f.zero === 'object') out[name] = zeroObject(f)
    else if (f.zero === 'null') out[name] = null
  }
  return out
}

/**
 * A copy of `v` with the always-present members of Go structs filled in where missing
 * (recursively, list elements included), as the value would look after a round trip
 * through the typed object.
 */
export function withZeroFields(v: unknown, shape: Shape): unknown {
  if (Array.isArray(v)) {
    const elem = listShape(shape).elem
    return elem.type ? v.map((x) => withZeroFields(x, elem)) : v
  }
  if (!isObject(v)) return v
  const def = typeDef(shape)
  if (!def || def.atomic) return v
  const out: JsonObject = { ...v }
  for (const [name, f] of Object.entries(def.fields)) {
    const cur = out[name]
    if (cur === undefined) {
      if (f.zero === 'object') out[name] = zeroObject(f)
      else if (f.zero === 'null') out[name] = null
    } else if (f.type || f.list) {
      out[name] = withZeroFields(cur, f)
    }
  }
  return out
}

/** Paths the strategy resets, per subresource: `status` on the main resource, `spec` on status. */
export function resetFieldPaths(gvk: Pick<Gvk, 'group' | 'kind'>, subresource: string | undefined): string[][] {
  const group = gvk.group === 'extensions' ? 'apps' : gvk.group
  const info = RESOURCES.find((r) => r.group === group && r.kind === gvk.kind)
  const hasStatus = info?.subresources.some((s) => s.name === 'status') ?? false
  if (!hasStatus) return []
  if (!subresource) return [['status']]
  if (subresource !== 'status') return []
  const paths = [['spec']]
  if (group === '' && gvk.kind === 'Pod') paths.push(['metadata', 'deletionTimestamp'], ['metadata', 'ownerReferences'])
  if (group === 'apps' && gvk.kind === 'Deployment') paths.push(['metadata', 'labels'])
  return paths
}
