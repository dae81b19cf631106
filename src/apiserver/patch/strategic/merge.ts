/**
 * Strategic merge patch (k8s.io/apimachinery strategicpatch, server side:
 * MergeParallelList and IgnoreUnmatchedNulls on). Objects merge recursively and a null
 * deletes; lists with `patchStrategy:"merge"` merge by their merge key (or as sets of
 * scalars), others are replaced. Directives: `$patch: replace|delete` on an object,
 * `{"$patch": "replace"}` / `{"$patch": "delete", <key>: v}` items in a list,
 * `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 * Works in place on copies the caller owns.
 */
import { fieldShape, listShape, type ListShape, type Shape } from '../schema/index.js'
import { goFmt, isObject, type JsonObject } from '../util.js'
import {
  errBadArgType, errBadPatchFormatForPrimitiveList, errBadPatchFormatForRetainKeys, errBadPatchFormatForSetElementOrderList,
  errBadPatchType, errNoListOfLists, errNoMergeKey, SmpError,
} from './errors.js'
import { findByKey, normalizeElementOrder, partitionMaps, partitionPrimitives } from './order.js'

const DIRECTIVE = '$patch'
const RETAIN_KEYS = '$retainKeys'
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList'
const SET_ELEMENT_ORDER = '$setElementOrder'
const LIST_TYPE = '[]interface {}'
const MAP_TYPE = 'map[string]interface {}'

type GoType = 'nil' | 'string' | 'number' | 'bool' | 'slice' | 'map'

function goType(v: unknown): GoType {
  if (v === null || v === undefined) return 'nil'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number') return 'number'
  if (typeof v === 'boolean') return 'bool'
  return Array.isArray(v) ? 'slice' : 'map'
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(`${SET_ELEMENT_ORDER}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`)
}

/** Directive members a typed decode would ignore; objects stay. */
function stripDirectiveKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectiveKeys)
  if (!isObject(v)) return v
  const out: JsonObject = {}
  for (const [k, x] of Object.entries(v)) if (!isDirectiveKey(k)) out[k] = stripDirectiveKeys(x)
  return out
}

/** removeDirectives: objects carrying `$patch` vanish (from lists too). */
function removeDirectives(v: unknown): { value: unknown; keep: boolean } {
  if (isObject(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return { value: undefined, keep: false }
    for (const k of Object.keys(v)) {
      const r = removeDirectives(v[k])
      if (r.keep) v[k] = r.value
      else delete v[k]
    }
    return { value: v, keep: true }
  }
  if (Array.isArray(v)) {
    const out: unknown[] = []
    for (const x of v) {
      const r = removeDirectives(x)
      if (r.keep) out.push(r.value)
    }
    return { value: out, keep: true }
  }
  return { value: v, keep: true }
}

/** discardNullValuesFromPatch */
function discardNulls(v: unknown): unknown {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k]
      else discardNulls(v[k])
    }
  } else if (Array.isArray(v)) {
    for (const x of v) discardNulls(x)
  }
  return v
}

/** A patch value that lands where the original had nothing (or something of another type). */
function newValue(v: unknown): { value: unknown; keep: boolean } {
  const r = removeDirectives(discardNulls(v))
  return r.keep ? { value: stripDirectiveKeys(r.value), keep: true } : r
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/')
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw errBadPatchFormatForPrimitiveList()
    if (prefix === SET_ELEMENT_ORDER) throw errBadPatchFormatForSetElementOrderList()
    throw new SmpError(`fail to find unknown prefix ${JSON.stringify(prefix)} in ${s}\n`)
  }
  return s.slice(i + 1)
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE]
    return stripDirectiveKeys(discardNulls(patch)) as JsonObject
  }
  if (directive === 'delete') return {}
  throw errBadPatchType(directive, patch)
}

function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return
  const keep = patch[RETAIN_KEYS]
  delete patch[RETAIN_KEYS]
  if (!Array.isArray(keep)) throw errBadPatchFormatForRetainKeys()
  const m = new Set(keep)
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue
    if (!m.has(k)) throw errBadPatchFormatForRetainKeys()
  }
  for (const k of Object.keys(original)) if (!m.has(k)) delete original[k]
}

function sliceElementType(...lists: (readonly unknown[])[]): GoType {
  let prev: GoType | undefined
  for (const list of lists) {
    for (const v of list) {
      const t = goType(v)
      if (prev === undefined) {
        prev = t
        if (t === 'slice') throw errNoListOfLists()
      } else if (prev !== t) {
        throw new SmpError(`list element types are not identical: ${goFmt(lists)}`)
      }
    }
  }
  if (prev === undefined) throw new SmpError('no elements in any of the given slices')
  return prev
}

function asList(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw errBadArgType(LIST_TYPE, v)
  return v
}

function asMap(v: unknown): JsonObject {
  if (!isObject(v)) throw errBadArgType(MAP_TYPE, v)
  return v
}

function containsDirectiveMarker(v: unknown): boolean {
  return isObject(v) && Object.hasOwn(v, DIRECTIVE)
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right
  const l = asMap(left)
  const r = asMap(right)
  if (!Object.hasOwn(l, mergeKey)) throw errNoMergeKey(l, mergeKey)
  if (!Object.hasOwn(r, mergeKey)) throw errNoMergeKey(r, mergeKey)
  return l[mergeKey] === r[mergeKey]
}

function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return
  const nonDelete = mergeKey ? patchList.filter((v) => asMap(v)[DIRECTIVE] !== 'delete') : patchList
  let pi = 0
  let si = 0
  while (pi < nonDelete.length && si < order.length) {
    if (containsDirectiveMarker(nonDelete[pi])) {
      pi++
      continue
    }
    if (mergeKeyValueEqual(nonDelete[pi], order[si], mergeKey)) pi++
    si++
  }
  if (pi < nonDelete.length && si >= order.length) {
    throw new SmpError(`The order in patch list:\n${goFmt(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFmt(order)}\n`)
  }
}

/**
 * The live list as upstream's ordering step sees it after merging a patch into it. Go's
 * merge deletes `$patch: delete` entries by shifting the live slice in place and then
 * appends new items into the freed slots, so the "live order" used to place server-only
 * items is the list after deletions, with the first new items (or stale copies of the
 * last element) filling its tail. Reproduced here so item order matches upstream.
 */
function liveOrderAfterMerge(live: readonly unknown[], patch: readonly unknown[], mergeKey: string): unknown[] {
  const arr = [...live]
  let len = arr.length
  const keyOf = (v: unknown): unknown => (isObject(v) ? v[mergeKey] : undefined)
  const hasKey = (v: unknown): boolean => isObject(v) && Object.hasOwn(v, mergeKey)
  let replace = false
  for (const p of patch) {
    if (!isObject(p) || !Object.hasOwn(p, DIRECTIVE)) continue
    if (p[DIRECTIVE] === 'replace') replace = true
    if (p[DIRECTIVE] !== 'delete' || !hasKey(p)) continue
    for (;;) {
      const i = arr.slice(0, len).findIndex((x) => hasKey(x) && keyOf(x) === p[mergeKey])
      if (i < 0) break
      arr.copyWithin(i, i + 1, len)
      len--
    }
  }
  if (replace) return arr
  for (const p of patch) {
    if (!isObject(p) || Object.hasOwn(p, DIRECTIVE) || !hasKey(p)) continue
    if (arr.slice(0, len).some((x) => hasKey(x) && keyOf(x) === p[mergeKey])) continue
    if (len >= arr.length) break // Go reallocates: later appends are out of view
    arr[len++] = p
  }
  return arr
}

/** Handles `$setElementOrder/<field>` together with the patch's `<field>`. */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, shape: Shape): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue
    const order = patch[key]
    delete patch[key]
    if (!Array.isArray(order)) throw errBadArgType(LIST_TYPE, order)
    const field = extractKey(key, SET_ELEMENT_ORDER)
    const foundOriginal = Object.hasOwn(original, field)
    const foundPatch = Object.hasOwn(patch, field)
    const originalList = foundOriginal ? asList(original[field]) : []
    const patchList = foundPatch ? asList(patch[field]) : []
    const list = listShape(fieldShape(shape, field))
    const mergeKey = list.mergeKey ?? ''
    validatePatchWithSetOrderList(patchList, order, mergeKey)
    let merged: unknown[]
    if (foundOriginal && !foundPatch) merged = originalList
    else if (!foundOriginal && foundPatch) merged = newValue(patchList).value as unknown[]
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, list, false)
    else continue
    const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionPrimitives(merged, order)
    const isMap = sliceElementType(originalList, patchList) === 'map'
    const serverOrder = foundOriginal && foundPatch && isMap && list.smp === 'merge' && mergeKey
      ? liveOrderAfterMerge(originalList, patchList, mergeKey)
      : originalList
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, isMap)
    delete patch[field]
  }
}

export function mergeMap(original: JsonObject, patch: JsonObject, shape: Shape): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch)
  applyRetainKeysDirective(original, patch)
  mergePatchIntoOriginal(original, patch, shape)
  for (const key of Object.keys(patch)) {
    const patchV = patch[key]
    let k = key
    let isDeleteList = false
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST)
      isDeleteList = true
    }
    if (patchV === null) {
      delete original[k]
      continue
    }
    const orig = original[k]
    if (!Object.hasOwn(original, k) || goType(orig) !== goType(patchV)) {
      if (!isDeleteList) {
        const r = newValue(patchV)
        if (r.keep) original[k] = r.value
        else delete original[k]
      }
      continue
    }
    const childShape = fieldShape(shape, k)
    if (isObject(orig)) {
      original[k] = mergeMap(orig, asMap(patchV), childShape)
    } else if (Array.isArray(orig)) {
      original[k] = mergeSliceHandler(orig, asList(patchV), listShape(childShape), isDeleteList)
    } else {
      const r = removeDirectives(patchV)
      if (r.keep) original[k] = r.value
      else delete original[k]
    }
  }
  return original
}

function mergeSliceHandler(original: unknown[], patch: unknown[], list: ListShape, isDeleteList: boolean): unknown[] {
  if (list.smp === 'merge' || isDeleteList) return mergeSlice(original, patch, list, isDeleteList)
  return newValue(patch).value as unknown[]
}

function dedupe(values: readonly unknown[]): unknown[] {
  const out: unknown[] = []
  for (const v of values) if (!out.includes(v)) out.push(v)
  return out
}

function mergeSlice(original: unknown[], patch: unknown[], list: ListShape, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original
  const t = sliceElementType(original, patch)
  const mergeKey = list.mergeKey ?? ''
  let merged: unknown[]
  if (t !== 'map') {
    if (isDeleteList) {
      const drop = new Set(patch)
      return original.filter((v) => !drop.has(v))
    }
    merged = dedupe([...original, ...patch])
  } else {
    if (!mergeKey) throw new SmpError(`cannot merge lists without merge key for ${list.elem.type ?? 'object'}`)
    ;[original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey)
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, list.elem)
  }
  const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch)
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, t === 'map')
}

/** `$patch` items of a list of maps: delete matching entries, or replace the whole list. */
function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const rest: unknown[] = []
  let replace = false
  for (const v of patch) {
    const m = asMap(v)
    if (!Object.hasOwn(m, DIRECTIVE)) {
      rest.push(v)
      continue
    }
    switch (m[DIRECTIVE]) {
      case 'delete':
        if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey)
        original = original.filter((x) => !(asMap(x)[mergeKey] === m[mergeKey] && Object.hasOwn(asMap(x), mergeKey)))
        break
      case 'replace':
        replace = true
        break
      case 'merge':
        throw new SmpError('merging lists cannot yet be specified in the patch')
      default:
        throw errBadPatchType(m[DIRECTIVE], m)
    }
  }
  if (replace) return [rest.map((v) => newValue(v).value), []]
  return [original, rest]
}

function mergeSliceWithoutSpecialElements(items: readonly unknown[], patch: unknown[], mergeKey: string, elem: Shape): unknown[] {
  const original = [...items] // the caller keeps the live order for sorting
  for (const v of patch) {
    const m = asMap(v)
    if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey)
    const i = findByKey(original, mergeKey, m[mergeKey])
    if (i >= 0) original[i] = mergeMap(asMap(original[i]), m, elem)
    else {
      const r = newValue(m)
      if (r.keep) original.push(r.value)
    }
  }
  return original
}
