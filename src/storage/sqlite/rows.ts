import type { Entry, StoreEvent } from '../store.js'

/**
 * One row of the append-only `kv` table (kine's layout). Every write appends a row whose
 * id is the write's revision; `prev_revision` names the row it supersedes (0 for a
 * key's first row). A tombstone (deleted = 1) keeps the last value in `value`; an update
 * keeps the value it replaced in `old_value`, so its event carries `prev` even after the
 * previous row was compacted away.
 */
export interface Row {
  id: number
  name: string
  created: number
  deleted: number
  create_revision: number
  prev_revision: number
  value: Uint8Array
  old_value: Uint8Array | null
}

export const toEntry = (r: Pick<Row, 'id' | 'name' | 'create_revision' | 'value'>): Entry => ({
  key: r.name,
  value: r.value,
  createRevision: r.create_revision,
  modRevision: r.id,
})

export function toEvent(r: Row): StoreEvent {
  const entry = toEntry(r)
  if (r.deleted) return { type: 'delete', entry, prev: { ...entry, modRevision: r.prev_revision } }
  if (r.created) return { type: 'put', entry }
  const prev: Entry = { key: r.name, value: r.old_value ?? new Uint8Array(0), createRevision: r.create_revision, modRevision: r.prev_revision }
  return { type: 'put', entry, prev }
}
