/**
 * Shares identical managedFields trees between cached objects. A pod's managedFields are
 * about half of its bytes and, as JS objects, a hundred small maps, yet pods written by
 * the same managers carry the same trees: 150k pods hold a handful of distinct shapes.
 * Cached objects are never mutated (writers clone first), so sharing is safe.
 */
import type { KubeObject } from '../api/index.js'

const MAX_SHAPES = 4096

export class FieldsInterner {
  #shapes = new Map<string, unknown>()

  intern(obj: KubeObject): KubeObject {
    const entries = obj.metadata.managedFields
    if (!Array.isArray(entries)) return obj
    for (const e of entries as Array<{ fieldsV1?: unknown }>) {
      if (e === null || typeof e !== 'object' || e.fieldsV1 === undefined) continue
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
