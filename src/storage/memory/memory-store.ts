import { StoreError } from '../store.js'
import type { Entry, ListOptions, ListResult, Store, StoreEvent } from '../store.js'
import { EventFanout } from '../fanout.js'

// Failures are rejected promises, never synchronous throws, so callers can rely on `await`.
const closed = <T>(): Promise<T> => Promise.reject(new StoreError('Closed', 'store is closed'))
const failing = (err: StoreError): AsyncIterable<StoreEvent> => ({
  [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
})

/**
 * The reference Store: everything in memory, history kept as a log of events so that
 * reads at a past revision and watches from a past revision work until compaction.
 * Written values are copied, so a caller reusing its buffer cannot rewrite history.
 */
export class MemoryStore implements Store {
  #rev = 0
  #compacted = 0
  #current = new Map<string, Entry>()
  #log: StoreEvent[] = [] // every write, in revision order, since #compacted
  #fanout = new EventFanout()
  #closed = false

  revision(): Promise<number> {
    if (this.#closed) return closed()
    return Promise.resolve(this.#rev)
  }

  get(key: string): Promise<Entry | undefined> {
    if (this.#closed) return closed()
    return Promise.resolve(this.#current.get(key))
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    if (this.#closed) return closed()
    const atRev = opts.revision && opts.revision > 0 ? opts.revision : this.#rev
    if (atRev > this.#rev) return Promise.reject(new StoreError('FutureRevision', `revision ${atRev} is in the future`))
    if (atRev < this.#rev && atRev < this.#compacted) {
      return Promise.reject(new StoreError('Compacted', `revision ${atRev} has been compacted`))
    }
    const view = atRev === this.#rev ? this.#current : this.#viewAt(atRev)
    const keys = [...view.keys()].filter((k) => k.startsWith(prefix) && (!opts.after || k > opts.after)).sort()
    const limit = opts.limit && opts.limit > 0 ? opts.limit : keys.length
    const entries = keys.slice(0, limit).map((k) => view.get(k)!)
    return Promise.resolve({ entries, revision: atRev, more: keys.length > limit })
  }

  /** Rebuilds the key space as of `rev` by undoing later log entries. */
  #viewAt(rev: number): Map<string, Entry> {
    const view = new Map(this.#current)
    for (let i = this.#log.length - 1; i >= 0; i--) {
      const ev = this.#log[i]!
      if (ev.entry.modRevision <= rev) break
      if (ev.type === 'put') {
        if (ev.prev) view.set(ev.entry.key, ev.prev)
        else view.delete(ev.entry.key)
      } else view.set(ev.entry.key, ev.prev)
    }
    return view
  }

  #append(ev: StoreEvent): void {
    this.#log.push(ev)
    this.#fanout.publish(ev)
  }

  create(key: string, value: Uint8Array): Promise<Entry> {
    if (this.#closed) return closed()
    if (this.#current.has(key)) return Promise.reject(new StoreError('AlreadyExists', `key ${key} already exists`, this.#current.get(key)))
    const rev = ++this.#rev
    const entry: Entry = { key, value: value.slice(), createRevision: rev, modRevision: rev }
    this.#current.set(key, entry)
    this.#append({ type: 'put', entry })
    return Promise.resolve(entry)
  }

  update(key: string, value: Uint8Array, expectedRevision: number): Promise<Entry> {
    if (this.#closed) return closed()
    const prev = this.#current.get(key)
    if (!prev) return Promise.reject(new StoreError('NotFound', `key ${key} not found`))
    if (prev.modRevision !== expectedRevision) {
      return Promise.reject(new StoreError('Conflict', `key ${key} is at revision ${prev.modRevision}, not ${expectedRevision}`, prev))
    }
    const rev = ++this.#rev
    const entry: Entry = { key, value: value.slice(), createRevision: prev.createRevision, modRevision: rev }
    this.#current.set(key, entry)
    this.#append({ type: 'put', entry, prev })
    return Promise.resolve(entry)
  }

  delete(key: string, expectedRevision?: number): Promise<Entry> {
    if (this.#closed) return closed()
    const prev = this.#current.get(key)
    if (!prev) return Promise.reject(new StoreError('NotFound', `key ${key} not found`))
    if (expectedRevision !== undefined && prev.modRevision !== expectedRevision) {
      return Promise.reject(new StoreError('Conflict', `key ${key} is at revision ${prev.modRevision}, not ${expectedRevision}`, prev))
    }
    const rev = ++this.#rev
    this.#current.delete(key)
    const entry: Entry = { ...prev, modRevision: rev }
    this.#append({ type: 'delete', entry, prev })
    return Promise.resolve(entry)
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    if (this.#closed) return failing(new StoreError('Closed', 'store is closed'))
    if (fromRevision < this.#compacted) {
      return failing(new StoreError('Compacted', `revision ${fromRevision} has been compacted (compacted at ${this.#compacted})`))
    }
    const backlog = this.#log.filter((ev) => ev.entry.modRevision > fromRevision && ev.entry.key.startsWith(prefix))
    // a watch from a future revision must skip the live events up to that revision too
    return this.#fanout.subscribe(prefix, backlog, Math.max(this.#rev, fromRevision), signal)
  }

  compact(revision: number): Promise<void> {
    if (this.#closed) return closed()
    const upTo = Math.min(revision, this.#rev)
    if (upTo <= this.#compacted) return Promise.resolve()
    this.#log = this.#log.filter((ev) => ev.entry.modRevision > upTo)
    this.#compacted = upTo
    return Promise.resolve()
  }

  compactedRevision(): Promise<number> {
    if (this.#closed) return closed()
    return Promise.resolve(this.#compacted)
  }

  close(): Promise<void> {
    this.#closed = true
    this.#fanout.close()
    return Promise.resolve()
  }
}
