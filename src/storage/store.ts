/**
 * The Store: a key-value store with etcd semantics, the only thing the API server needs
 * from a database.
 *
 * - One global revision, incremented by every write; an entry's `modRevision` is the
 *   revision of the write that produced it (the object's resourceVersion).
 * - Writes are acknowledged only once durable (for durable backends).
 * - `watch` delivers every change after `fromRevision` in revision order; once history
 *   before `fromRevision` was compacted it fails with `StoreError('Compacted')`.
 */
export interface Entry {
  key: string
  value: Uint8Array
  createRevision: number
  modRevision: number
}

export type StoreEvent =
  | { type: 'put'; entry: Entry; prev?: Entry }
  | { type: 'delete'; entry: Entry; prev: Entry } // entry.modRevision = revision of the delete; value = last value

export interface ListOptions {
  /** return at most this many entries (0 or absent: all) */
  limit?: number
  /** return keys strictly greater than this one (pagination) */
  after?: string
  /** read as of this revision (0 or absent: current); must not be compacted */
  revision?: number
}

export interface ListResult {
  entries: Entry[]
  /** the revision the list was read at */
  revision: number
  /** true when `limit` cut the list short */
  more: boolean
}

export type StoreErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Compacted' | 'FutureRevision' | 'Closed'

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode, message: string, readonly current?: Entry) {
    super(message)
    this.name = 'StoreError'
  }
}

export const isStoreError = (e: unknown, code?: StoreErrorCode): e is StoreError =>
  e instanceof StoreError && (code === undefined || e.code === code)

export interface Store {
  /** current revision of the whole store */
  revision(): Promise<number>
  get(key: string): Promise<Entry | undefined>
  list(prefix: string, opts?: ListOptions): Promise<ListResult>
  /** fails with AlreadyExists */
  create(key: string, value: Uint8Array): Promise<Entry>
  /** fails with NotFound, or Conflict (carrying the current entry) when modRevision ≠ expected */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<Entry>
  /** fails with NotFound, or Conflict when expectedRevision is given and differs */
  delete(key: string, expectedRevision?: number): Promise<Entry>
  /**
   * Every change under `prefix` with revision > fromRevision, in order, until `signal`
   * aborts. Fails with Compacted when fromRevision < compacted revision.
   */
  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>
  /** forget history up to and including `revision` (current values are kept) */
  compact(revision: number): Promise<void>
  /** the revision up to which history was compacted (0: none) */
  compactedRevision(): Promise<number>
  close(): Promise<void>
}
