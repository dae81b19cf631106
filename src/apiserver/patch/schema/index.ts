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
 * `v` with the always-present members of Go structs filled in where missing (recursively,
 * list elements included), as the value would look after a round trip through the typed
 * object. Copy-on-write: parts that need nothing are returned as they are, and `memo` (one
 * per comparison) maps a subtree shared by both sides to one result, so the field diff
 * still sees shared subtrees as identical and skips them. Treat the result as read-only.
 */
export function withZeroFields(v: unknown, shape: Shape, memo?: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v
  const hit = memo?.get(v)
  if (hit !== undefined) return hit
  let res: unknown = v
  if (Array.isArray(v)) {
    const elem = listShape(shape).elem
    if (elem.type) {
      let out: unknown[] | undefined
      for (let i = 0; i < v.length; i++) {
        const x = withZeroFields(v[i], elem, memo)
        if (x !== v[i]) (out ??= v.slice())[i] = x
      }
      if (out) res = out
    }
  } else {
    const def = typeDef(shape)
    if (def && !def.atomic) {
      const obj = v as JsonObject
      let out: JsonObject | undefined
      for (const [name, f] of Object.entries(def.fields)) {
        const cur = obj[name]
        let next: unknown = cur
        if (cur === undefined) {
          if (f.zero === 'object') next = zeroObject(f)
          else if (f.zero === 'null') next = null
        } else if (f.type || f.list) {
          next = withZeroFields(cur, f, memo)
        }
        if (next !== cur) (out ??= { ...obj })[name] = next
      }
      if (out) res = out
    }
  }
  memo?.set(v, res)
  return res
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
