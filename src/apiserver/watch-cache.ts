/**
 * Design: one watch on the whole store feeds an in-memory mirror of every object plus a
 * bounded window of recent events. Lists without `limit`, gets and every watcher are
 * served from here, so N watchers cost one store watch, as upstream's cacher does.
 *
 * Freshness: a read that must be consistent first asks the store for its current revision
 * and waits until the mirror has applied it (upstream's consistent reads from cache).
 * Watches from a resourceVersion older than the window (25,000 events, like upstream a
 * bounded history rather than everything since start) fail with 410 Expired.
 */
import type { KubeObject } from '../api/index.js'
import type { Store, StoreEvent } from '../storage/index.js'
import { decodeEntry, entryText, withResourceVersion } from './codec.js'
import { logger } from '../lib/log.js'
import { ObjectInterner } from './intern.js'

const log = logger('watch-cache')

export interface CachedObject {
  key: string
  obj: KubeObject // frozen-by-convention: never mutate; clone first
  rev: number
}

export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  key: string
  rev: number
  obj: KubeObject
  prev: KubeObject | undefined
  /**
   * `obj` as JSON, spliced from the stored text: available while the event is being
   * dispatched to live watchers (so N watchers share one encoding), undefined afterwards
   * (replays from the window encode again rather than the window holding every text).
   */
  json(): string | undefined
}

const noText = (): undefined => undefined

export type CacheListener = (ev: CacheEvent) => void

export class WatchCache {
  #objects = new Map<string, Map<string, CachedObject>>() // resource prefix → key → object
  #window: CacheEvent[] = []
  #windowStart = 0 // index of the first live element in #window (amortised shift)
  #rev = 0
  #oldestRev = 0 // watches from rev >= this can be replayed
  #listeners = new Set<{ prefix: string; fn: CacheListener }>()
  #waiters: Array<{ rev: number; resolve: () => void }> = []
  #abort = new AbortController()
  #running: Promise<void> | undefined
  #interner = new ObjectInterner()

  constructor(private readonly store: Store, private readonly windowSize = 25_000) {}

  /** Loads everything and starts following the store. Resolves once loaded. */
  async start(): Promise<void> {
    const { entries, revision } = await this.store.list('/registry/')
    for (const e of entries) this.#bucket(e.key).set(e.key, { key: e.key, obj: this.#interner.intern(decodeEntry(e)), rev: e.modRevision })
    this.#rev = revision
    this.#oldestRev = revision
    this.#running = this.#follow(revision)
  }

  async #follow(from: number): Promise<void> {
    try {
      for await (const ev of this.store.watch('/registry/', from, this.#abort.signal)) this.#apply(ev)
    } catch (e) {
      if (!this.#abort.signal.aborted) log.error('store watch failed; cache stopped', { err: e })
    }
  }

  #bucket(key: string): Map<string, CachedObject> {
    const prefix = bucketOf(key)
    let b = this.#objects.get(prefix)
    if (!b) {
      b = new Map()
      this.#objects.set(prefix, b)
    }
    return b
  }

  #apply(ev: StoreEvent): void {
    const key = ev.entry.key
    const bucket = this.#bucket(key)
    const prev = bucket.get(key)?.obj
    let cev: CacheEvent
    const rev = ev.entry.modRevision
    const stored = ev.type === 'put' ? ev.entry : { ...ev.prev, modRevision: rev }
    let text: string | undefined
    const json = (): string | undefined => (text ??= withResourceVersion(entryText(stored), rev))
    if (ev.type === 'put') {
      const obj = this.#interner.intern(decodeEntry(ev.entry))
      bucket.set(key, { key, obj, rev })
      cev = { type: prev ? 'MODIFIED' : 'ADDED', key, rev, obj, prev, json }
    } else {
      bucket.delete(key)
      cev = { type: 'DELETED', key, rev, obj: decodeEntry(stored), prev, json }
    }
    this.#rev = ev.entry.modRevision
    this.#window.push(cev)
    if (this.#window.length - this.#windowStart > this.windowSize) {
      this.#oldestRev = this.#window[this.#windowStart]!.rev
      this.#windowStart++
      if (this.#windowStart > 4096) {
        this.#window = this.#window.slice(this.#windowStart)
        this.#windowStart = 0
      }
    }
    for (const l of this.#listeners) if (key.startsWith(l.prefix)) l.fn(cev)
    cev.json = noText
    while (this.#waiters.length > 0 && this.#waiters[0]!.rev <= this.#rev) this.#waiters.shift()!.resolve()
    if (this.#waiters.length > 0) this.#waiters = this.#waiters.filter((w) => (w.rev <= this.#rev ? (w.resolve(), false) : true))
  }

  get revision(): number {
    return this.#rev
  }

  /** Waits until the cache reflects every write the store acknowledged so far. */
  async fresh(): Promise<void> {
    const rev = await this.store.revision()
    await this.waitFor(rev)
  }

  waitFor(rev: number): Promise<void> {
    if (rev <= this.#rev) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ rev, resolve }))
  }

  get(key: string): CachedObject | undefined {
    return this.#objects.get(bucketOf(key))?.get(key)
  }

  /** Objects under `prefix` (which must lie within one resource), sorted by key. */
  list(prefix: string): CachedObject[] {
    const bucket = this.#objects.get(bucketOf(prefix))
    if (!bucket) return []
    const out: CachedObject[] = []
    for (const [k, v] of bucket) if (k.startsWith(prefix)) out.push(v)
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  count(prefix: string): number {
    return this.#objects.get(bucketOf(prefix))?.size ?? 0
  }

  /**
   * Subscribes to events under `prefix` after `fromRev`. Returns the replayed backlog (from
   * the window) and an unsubscribe function; throws 'expired' when fromRev is too old.
   */
  subscribe(prefix: string, fromRev: number, fn: CacheListener): { backlog: CacheEvent[]; cancel: () => void } | 'expired' {
    if (fromRev < this.#oldestRev) return 'expired'
    const backlog: CacheEvent[] = []
    if (fromRev < this.#rev) {
      for (let i = this.#window.length - 1; i >= this.#windowStart; i--) {
        const ev = this.#window[i]!
        if (ev.rev <= fromRev) break
        if (ev.key.startsWith(prefix)) backlog.push(ev)
      }
      backlog.reverse()
    }
    const l = { prefix, fn }
    this.#listeners.add(l)
    return { backlog, cancel: () => this.#listeners.delete(l) }
  }

  get oldestRevision(): number {
    return this.#oldestRev
  }

  async stop(): Promise<void> {
    this.#abort.abort()
    await this.#running
  }
}

/** `/registry/apps/statefulsets/default/web` → `/registry/apps/statefulsets/` */
function bucketOf(key: string): string {
  let slashes = 0
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) === 47 && ++slashes === 4) return key.slice(0, i + 1)
  }
  return key
}
