import type { Entry, StoreEvent } from '../store.js'

/**
 * One row of the append-only `kv` table (kine's layout). Every write appends a row whose
 * id is the write's revision; `prev_revision` names the row it supersedes (0 for a
 * key's first row). A tombstone (deleted = 1) keeps the last value in `value`. An update's
 * event carries `prev` from the row it supersedes, read through prev_revision: compaction
 * only removes rows superseded at or before the compacted revision, so the previous row of
 * every replayable update is still there. (`old_value`, a copy of that value, is written as
 * NULL since the store stopped storing every object twice; rows from before still have it.)
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
