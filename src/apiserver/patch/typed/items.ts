/**
 * Identity of list items in associative lists: the key fields of a `+listType=map` item
 * (defaults filled in, as the openapi schema defaults `protocol` to TCP), or the value
 * itself for a `+listType=set`.
 */
import { keyPE, serializePE, type KeyField, type PathElement } from '../fieldpath/element.js'
import type { ListShape } from '../schema/index.js'
import { isObject } from '../util.js'

export type ItemPE = { pe: PathElement; error?: undefined } | { pe?: undefined; error: string }

export function itemPE(list: ListShape, item: unknown): ItemPE {
  if (list.ssa === 'map' && list.keys && list.keys.length > 0) {
    if (item === null) return { error: 'associative list with keys may not have a null element' }
    if (!isObject(item)) return { error: 'associative list with keys may not have non-map elements' }
    const fields: KeyField[] = []
    for (const name of list.keys) {
      if (Object.hasOwn(item, name) && item[name] !== undefined) fields.push({ name, value: item[name] })
      else if (list.keyDefaults?.[name] !== undefined) fields.push({ name, value: list.keyDefaults[name] })
    }
    if (fields.length === 0) {
      return {
        error: `associative list with keys has an element that omits all key fields [${list.keys.map((k) => JSON.stringify(k)).join(' ')}] (and doesn't have default values for any key fields)`,
      }
    }
    return { pe: keyPE(fields) }
  }
  if (isObject(item)) return { error: "associative list without keys has an element that's a map type" }
  if (Array.isArray(item)) return { error: 'not supported: associative list with lists as elements' }
  if (item === null) return { error: "associative list without keys has an element that's an explicit null" }
  return { pe: { value: item } }
}

export interface IndexedItem {
  readonly pe: PathElement
  readonly id: string
  readonly value: unknown
}

/** Items with a valid identity, in list order (invalid ones are skipped). */
export function indexItems(list: ListShape, items: readonly unknown[]): IndexedItem[] {
  const out: IndexedItem[] = []
  for (const value of items) {
    const r = itemPE(list, value)
    if (r.pe) out.push({ pe: r.pe, id: serializePE(r.pe), value })
  }
  return out
}
