/**
 * Shares what cached objects have in common: short strings (lib/intern.ts) and identical
 * managedFields trees. A pod's managedFields are
 * about half of its bytes and, as JS objects, a hundred small maps, yet pods written by
 * the same managers carry the same trees: 150k pods hold a handful of distinct shapes.
 * Cached objects are never mutated (writers clone first), so sharing is safe.
 */
import type { KubeObject } from '../api/index.js'
import { StringInterner } from '../lib/intern.js'

const MAX_SHAPES = 4096
const METADATA = new Set(['metadata'])
const MANAGED_FIELDS = new Set(['managedFields'])
const FIELDS_V1 = new Set(['fieldsV1'])

/** Interns managedFields trees (below) and short strings (lib/intern.ts) of cached objects. */
export class ObjectInterner {
  #shapes = new Map<string, unknown>()
  #strings = new StringInterner()

  intern(obj: KubeObject): KubeObject {
    this.#strings.intern(obj, METADATA)
    const meta = obj.metadata as Record<string, unknown> | undefined
    if (meta === undefined || meta === null || typeof meta !== 'object') return obj
    this.#strings.intern(meta, MANAGED_FIELDS)
    const entries = meta['managedFields']
    if (!Array.isArray(entries)) return obj
    for (const e of entries as Array<{ fieldsV1?: unknown }>) {
      if (e === null || typeof e !== 'object') continue
      this.#strings.intern(e, FIELDS_V1)
      if (e.fieldsV1 === undefined) continue
      const text = JSON.stringify(e.fieldsV1)
      const shared = this.#shapes.get(text)
      if (shared !== undefined) {
        e.fieldsV1 = shared
        continue
      }
      // one-off shapes (a pod IP in a list key) would pile up: start over when full
      if (this.#shapes.size >= MAX_SHAPES) this.#shapes.clear()
      this.#shapes.set(text, e.fieldsV1)
    }
    return obj
  }
}
