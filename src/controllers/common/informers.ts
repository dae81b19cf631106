/**
 * Shared informers: one list+watch cache per resource for the whole controller manager,
 * plus small secondary indexes maintained from informer events (pods by namespace, by
 * controller UID …) so a reconcile never scans every object in the cluster.
 */
import type { KubeObject, ResourceInfo } from '../../api/index.js'
import { Informer, cacheKey, stripManagedFields } from '../../client/index.js'
import type { Client, InformerHandlers, InformerOptions } from '../../client/index.js'
import { StringInterner } from '../../lib/intern.js'

/** stripManagedFields, then short strings pooled (one pool per informer set). */
export function compactForCache(): (obj: KubeObject) => KubeObject {
  const strings = new StringInterner()
  return (obj) => strings.intern(stripManagedFields(obj))
}

export class SharedInformers {
  #informers = new Map<string, Informer>()
  #signal: AbortSignal | undefined

  /**
   * By default cached objects lose metadata.managedFields, as upstream's scheduler and
   * controller manager do (no in-process component reads them, and they are near half of
   * a pod's bytes), and share their short strings (150k pods in one process is the scale
   * target).
   */
  constructor(private readonly client: Client, private readonly opts: Pick<InformerOptions, 'transform'> = { transform: compactForCache() }) {}

  /** The informer for `info`, created (and started, if the set is running) on first use. */
  informer<T extends KubeObject = KubeObject>(info: ResourceInfo): Informer<T> {
    const id = `${info.group}/${info.resource}`
    let inf = this.#informers.get(id)
    if (!inf) {
      inf = new Informer(this.client, info, this.opts)
      this.#informers.set(id, inf)
      if (this.#signal) void inf.run(this.#signal)
    }
    return inf as unknown as Informer<T>
  }

  start(signal: AbortSignal): void {
    if (this.#signal) return
    this.#signal = signal
    for (const inf of this.#informers.values()) void inf.run(signal)
  }

  /** Resolves once every informer created so far has listed once. */
  async synced(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.synced()))
  }
}

/**
 * A secondary index over one informer: `keysOf(obj)` names the buckets an object belongs
 * to. Buckets hold the cached objects themselves (never mutate them).
 */
export class Index<T extends KubeObject> {
  #buckets = new Map<string, Map<string, T>>()
  #where = new Map<string, string[]>()

  constructor(informer: Informer<T>, private readonly keysOf: (obj: T) => readonly string[]) {
    const handlers: InformerHandlers<T> = {
      add: (obj) => this.#put(obj),
      update: (_old, obj) => this.#put(obj),
      delete: (obj) => this.#remove(cacheKey(obj)),
    }
    informer.on(handlers)
    for (const obj of informer.list()) this.#put(obj)
  }

  get(key: string): T[] {
    const b = this.#buckets.get(key)
    return b ? [...b.values()] : []
  }

  size(key: string): number {
    return this.#buckets.get(key)?.size ?? 0
  }

  #put(obj: T): void {
    const id = cacheKey(obj)
    this.#remove(id)
    const keys = this.keysOf(obj)
    for (const k of keys) {
      let b = this.#buckets.get(k)
      if (!b) this.#buckets.set(k, (b = new Map()))
      b.set(id, obj)
    }
    if (keys.length) this.#where.set(id, [...keys])
  }

  #remove(id: string): void {
    const keys = this.#where.get(id)
    if (!keys) return
    for (const k of keys) {
      const b = this.#buckets.get(k)
      b?.delete(id)
      if (b && b.size === 0) this.#buckets.delete(k)
    }
    this.#where.delete(id)
  }
}

/** Index key helpers. */
export const byNamespace = (obj: KubeObject): string[] => [obj.metadata.namespace ?? '']
export const byControllerUid = (obj: KubeObject): string[] => {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true)
  return ref ? [ref.uid] : []
}
