/**
 * Element order of merged lists (strategicpatch's normalizeElementOrder): items named by
 * the patch (or its `$setElementOrder`) keep the patch's order, items only on the server
 * keep theirs, and the two are interleaved by their positions in the live list.
 */
import { isObject } from '../util.js'
import { errBadArgType, errNoMergeKey, SmpError } from './errors.js'

/** The merge-key value of a map item, or the item itself for scalars. */
function identity(item: unknown, mergeKey: string, isMap: boolean): unknown {
  if (!isMap) return item
  return isObject(item) ? item[mergeKey] : undefined
}

export function indexIn(list: readonly unknown[], item: unknown, mergeKey: string, isMap: boolean): number {
  const want = identity(item, mergeKey, isMap)
  return list.findIndex((x) => identity(x, mergeKey, isMap) === want)
}

/** findMapInSliceBasedOnKeyValue */
export function findByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const v = list[i]
    if (!isObject(v)) throw new SmpError(`value for key ${i} is not a map`)
    if (Object.hasOwn(v, key) && v[key] === value) return i
  }
  return -1
}

export function partitionPrimitives(list: readonly unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const inBy = new Set(by)
  const present: unknown[] = []
  const other: unknown[] = []
  for (const v of list) (inBy.has(v) ? present : other).push(v)
  return [present, other]
}

export function partitionMaps(list: readonly unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const present: unknown[] = []
  const other: unknown[] = []
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType('map[string]interface {}', v)
    if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey)
    ;(findByKey(by, mergeKey, v[mergeKey]) >= 0 ? present : other).push(v)
  }
  return [present, other]
}

function validateMergeKeyInLists(mergeKey: string, ...lists: (readonly unknown[])[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item)
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey)
    }
  }
}

function normalizeSliceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string, isMap: boolean): unknown[] {
  let items = [...toSort]
  let toDelete: unknown[] = []
  if (isMap) {
    validateMergeKeyInLists(mergeKey, toSort, order)
    toDelete = items.filter((v) => isObject(v) && v.$patch === 'delete')
    items = items.filter((v) => !(isObject(v) && v.$patch === 'delete'))
  }
  const pos = items.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey, isMap) }))
  pos.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : 0) || a.i - b.i)
  return [...pos.map((p) => p.v), ...toDelete]
}

function mergeSorted(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, isMap: boolean): unknown[] {
  const out: unknown[] = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++])
    else if (j >= right.length) out.push(left[i++])
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, isMap)
      const ri = indexIn(serverOrder, right[j], mergeKey, isMap)
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++])
      else out.push(right[j++])
    }
  }
  return out
}

export function normalizeElementOrder(
  patch: readonly unknown[], serverOnly: readonly unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[],
  mergeKey: string, isMap: boolean,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, isMap)
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, isMap)
  return mergeSorted(s, p, serverOrder, mergeKey, isMap)
}
