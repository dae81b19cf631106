/**
 * Informer: list + watch one resource into a local cache and tell handlers what changed.
 * Relists on 410 Expired, re-watches from the last seen resourceVersion when a stream
 * ends, backs off on errors. Cached objects are shared: handlers must not mutate them.
 */
import type { KubeObject, ResourceInfo } from '../api/index.js'
import { logger } from '../lib/log.js'
import type { Client } from './client.js'

const log = logger('informer')

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void
  update?(old: T, obj: T): void
  delete?(obj: T): void
}

export interface InformerOptions {
  namespace?: string
  labelSelector?: string
  fieldSelector?: string
  /** applied to every object before it is cached (upstream's SetTransform), e.g. to drop fields nobody here reads */
  transform?: (obj: KubeObject) => KubeObject
}

/** Drops metadata.managedFields: what upstream's scheduler and controller manager do to their informers. */
export { stripManagedFields } from '../api/index.js'

export const cacheKey = (obj: KubeObject): string =>
  obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : obj.metadata.name ?? ''

export class Informer<T extends KubeObject = KubeObject> {
  #items = new Map<string, T>()
  #handlers: InformerHandlers<T>[] = []
  #synced = false
  #syncWaiters: Array<() => void> = []
  #rv = ''

  constructor(private readonly client: Client, readonly info: ResourceInfo, private readonly opts: InformerOptions = {}) {}

  on(handlers: InformerHandlers<T>): this {
    this.#handlers.push(handlers)
    return this
  }

  get hasSynced(): boolean {
    return this.#synced
  }

  /** Resolves once the first list has been loaded. */
  synced(): Promise<void> {
    if (this.#synced) return Promise.resolve()
    return new Promise((resolve) => this.#syncWaiters.push(resolve))
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#items.get(namespace ? `${namespace}/${name}` : name)
  }

  list(): T[] {
    return [...this.#items.values()]
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let delay = 100
    while (!signal.aborted) {
      try {
        if (!this.#rv) await this.#relist()
        await this.#watch(signal)
        delay = 100
      } catch (e) {
        if (signal.aborted) break
        log.warn('list/watch failed; retrying', { resource: this.info.resource, err: e, delayMs: delay })
        await sleep(delay, signal)
        delay = Math.min(delay * 2, 10_000)
      }
    }
  }

  async #relist(): Promise<void> {
    const fresh = new Map<string, T>()
    let cont: string | undefined
    let rv = ''
    do {
      const page = await this.client.list<T>(this.info, this.opts.namespace, {
        ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
        ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
        limit: 5000,
        ...(cont ? { continue: cont } : {}),
      })
      for (const item of page.items) fresh.set(cacheKey(item), this.#transform(item))
      cont = page.metadata.continue
      rv = page.metadata.resourceVersion ?? rv
    } while (cont)
    const old = this.#items
    this.#items = fresh
    this.#rv = rv
    for (const [key, obj] of fresh) {
      const prev = old.get(key)
      if (!prev) this.#emit('add', obj)
      else if (prev.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#emit('update', obj, prev)
    }
    for (const [key, prev] of old) if (!fresh.has(key)) this.#emit('delete', prev)
    if (!this.#synced) {
      this.#synced = true
      for (const w of this.#syncWaiters.splice(0)) w()
    }
  }

  async #watch(signal: AbortSignal): Promise<void> {
    const events = this.client.watch<T>(this.info, this.opts.namespace, {
      resourceVersion: this.#rv,
      allowWatchBookmarks: true,
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
    }, signal)
    for await (const ev of events) {
      const obj = ev.type === 'ERROR' || ev.type === 'BOOKMARK' ? ev.object : this.#transform(ev.object)
      if (ev.type === 'ERROR') {
        const code = (obj as unknown as { code?: number }).code
        if (code === 410) this.#rv = '' // too old: relist
        return
      }
      if (obj.metadata?.resourceVersion) this.#rv = obj.metadata.resourceVersion
      if (ev.type === 'BOOKMARK') continue
      const key = cacheKey(obj)
      const prev = this.#items.get(key)
      if (ev.type === 'DELETED') {
        this.#items.delete(key)
        this.#emit('delete', obj)
      } else {
        this.#items.set(key, obj)
        if (prev) this.#emit('update', obj, prev)
        else this.#emit('add', obj)
      }
    }
  }

  #transform(obj: T): T {
    return this.opts.transform ? this.opts.transform(obj) as T : obj
  }

  #emit(kind: 'add' | 'update' | 'delete', obj: T, prev?: T): void {
    for (const h of this.#handlers) {
      try {
        if (kind === 'add') h.add?.(obj)
        else if (kind === 'update') h.update?.(prev!, obj)
        else h.delete?.(obj)
      } catch (e) {
        log.error('informer handler threw', { resource: this.info.resource, err: e })
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; never leaves a listener behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(t)
      resolve()
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
