/**
 * The generic registry: create / get / list / update / delete of any served resource over
 * the Store, with upstream's object-meta rules (uid, creationTimestamp, generateName,
 * generation, finalizers, graceful deletion, optimistic concurrency). Per-resource policy
 * comes from `strategy.ts`, defaults and validation from `api/`.
 */
import { randomUUID } from 'node:crypto'
import {
  ApiError, alreadyExists, badRequest, clone, conflict, forbidden, internalError, invalid, isPlainObject,
  notFound, rfc3339, sameJson,
} from '../api/index.js'
import type { FieldError, KubeObject, ResourceInfo } from '../api/index.js'
import { applyDefaults, prepareForCreate, prepareForUpdate } from '../api/defaults/index.js'
import { allocateServiceAddresses } from './allocators.js'
import { admitCreate, admitUpdate } from './admission.js'
import { validateCreate, validateStatusUpdate, validateUpdate } from '../api/validation/index.js'
import { isStoreError } from '../storage/index.js'
import type { Store } from '../storage/index.js'
import { decodeEntry, encodeObject, encodeText, objectKey, rememberJson, withResourceVersion } from './codec.js'
import type { Entry } from '../storage/index.js'
import { keepAllButStatus, keepStatus, specChanged, strategyFor } from './strategy.js'
import type { WatchCache } from './watch-cache.js'
import { trackUpdate } from './patch/index.js'

export interface WriteOptions {
  dryRun: boolean
  fieldManager: string
  /** 'status' for the /status subresource */
  subresource?: string | undefined
  /** managedFields were already computed (server-side apply) */
  skipFieldTracking?: boolean
  /** internal writers (pods/binding) that set spec and status together */
  allowStatusAndSpec?: boolean
}

export interface DeleteOptions {
  dryRun: boolean
  gracePeriodSeconds?: number | undefined
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' | undefined
  preconditions?: { uid?: string; resourceVersion?: string } | undefined
}

export type Mutation = (current: KubeObject) => KubeObject

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789'

let lastSecond = -1
let lastStamp = ''
/** RFC 3339 to the second, formatted once per second (every write asks, often several times). */
function now(): string {
  const second = Math.floor(Date.now() / 1000)
  if (second !== lastSecond) {
    lastSecond = second
    lastStamp = rfc3339(second * 1000)
  }
  return lastStamp
}

function gvkOf(info: ResourceInfo): { group: string; version: string; kind: string } {
  return { group: info.group, version: info.version, kind: info.kind }
}

export class Registry {
  constructor(private readonly store: Store, private readonly cache: WatchCache) {}

  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return objectKey(info, namespace, name)
  }

  /** Consistent read of one object (from the cache once it has caught up). */
  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    await this.cache.fresh()
    const hit = this.cache.get(this.key(info, namespace, name))
    if (!hit) throw notFound(info, name)
    return hit.obj
  }

  async create(info: ResourceInfo, namespace: string | undefined, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const obj = clone(input)
    const meta = obj.metadata
    if (info.namespaced) meta.namespace = namespace
    else delete meta.namespace
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix()
    delete meta.resourceVersion
    meta.uid = randomUUID()
    meta.creationTimestamp = now()
    delete meta.deletionTimestamp
    delete meta.deletionGracePeriodSeconds
    const strategy = strategyFor(info)
    strategy.prepareForCreate(obj)
    if (strategy.tracksGeneration) meta.generation = 1
    else delete meta.generation
    prepareForCreate(info.group, info.resource, obj)
    admitCreate(info, obj, now())
    if (info.group === '' && info.resource === 'services') {
      await this.cache.fresh()
      allocateServiceAddresses(obj, this.cache.list('/registry/core/services/').map((c) => c.obj))
    }
    applyDefaults(info.group, info.resource, obj)
    this.#check(info, obj, validateCreate(info.group, info.resource, obj))
    if (info.namespaced) await this.#checkNamespace(info, namespace ?? '', meta.name ?? '')
    const tracked = opts.skipFieldTracking ? obj : trackUpdate(undefined, obj, { manager: opts.fieldManager, gvk: gvkOf(info), now: now() })
    if (opts.dryRun) return tracked
    try {
      const key = this.key(info, namespace, meta.name ?? '')
      return await this.#persist(tracked, (bytes) => this.store.create(key, bytes))
    } catch (e) {
      if (isStoreError(e, 'AlreadyExists')) throw alreadyExists(info, meta.name ?? '')
      throw e
    }
  }

  /**
   * Replaces an object (PUT). `input.metadata.resourceVersion`, when set, must match.
   * Main-resource writes keep status (when there is a /status); status writes keep the rest.
   */
  async update(info: ResourceInfo, namespace: string | undefined, name: string, input: KubeObject, opts: WriteOptions): Promise<{ obj: KubeObject; created: boolean }> {
    const key = this.key(info, namespace, name)
    await this.cache.fresh()
    if (!this.cache.get(key)) {
      const strategy = strategyFor(info)
      if (!strategy.allowCreateOnUpdate || opts.subresource) throw notFound(info, name)
      return { obj: await this.create(info, namespace, input, opts), created: true }
    }
    // Without a resourceVersion a PUT is unconditional: a lost race is retried (upstream's
    // GuaranteedUpdate); with one, the check in guaranteedUpdate makes it a 409.
    const obj = await this.guaranteedUpdate(info, namespace, name, (current) => {
      const body = clone(input) // #writeUpdate takes ownership of what it is given
      if (!body.metadata.resourceVersion) body.metadata.resourceVersion = current.metadata.resourceVersion
      return body
    }, opts)
    return { obj, created: false }
  }

  /**
   * Read-modify-write with retry on conflict (PATCH, and internal writers). The mutation gets
   * a private copy of the current object, unless the caller says it only reads it.
   */
  async guaranteedUpdate(info: ResourceInfo, namespace: string | undefined, name: string, mutate: Mutation, opts: WriteOptions, sharesCurrent = false): Promise<KubeObject> {
    const key = this.key(info, namespace, name)
    for (let attempt = 0; ; attempt++) {
      await this.cache.fresh()
      const current = this.cache.get(key)
      if (!current) throw notFound(info, name)
      // `sharesCurrent`: the mutation builds a new object and never changes the one it is
      // given (a copy-on-write merge patch of status), so the cached object goes in as is.
      const updated = mutate(sharesCurrent ? current.obj : clone(current.obj))
      const wanted = updated.metadata.resourceVersion
      if (wanted && wanted !== current.obj.metadata.resourceVersion) {
        throw conflict(info, name, 'the object has been modified; please apply your changes to the latest version and try again')
      }
      updated.metadata.resourceVersion = current.obj.metadata.resourceVersion
      try {
        return await this.#writeUpdate(info, key, current.obj, updated, opts)
      } catch (e) {
        // A lost race is retried against the newer object: a caller that pinned a
        // resourceVersion then fails the precondition check above, as upstream's does.
        if (e instanceof ApiError && e.reason === 'Conflict' && attempt < 5) continue
        throw e
      }
    }
  }

  async #writeUpdate(info: ResourceInfo, key: string, old: KubeObject, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const strategy = strategyFor(info)
    const name = old.metadata.name ?? ''
    if (input.metadata.name !== undefined && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`)
    }
    let obj: KubeObject
    if (opts.subresource === 'finalize') {
      obj = clone(old)
      const spec = isPlainObject(input['spec']) ? input['spec'] : {}
      obj['spec'] = { ...(isPlainObject(old['spec']) ? old['spec'] : {}), finalizers: Array.isArray(spec['finalizers']) ? spec['finalizers'] : [] }
    } else if (opts.subresource === 'status') {
      obj = keepAllButStatus(input, old)
    } else {
      obj = input // callers hand over a private copy (decoded body or guaranteedUpdate's clone)
      if (strategy.statusSubresource && !opts.allowStatusAndSpec) keepStatus(obj, old)
    }
    // Server-owned metadata never changes through an update.
    const meta = obj.metadata
    meta.name = name
    if (info.namespaced) meta.namespace = old.metadata.namespace
    meta.uid = old.metadata.uid
    meta.creationTimestamp = old.metadata.creationTimestamp
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds
    } else {
      delete meta.deletionTimestamp
      delete meta.deletionGracePeriodSeconds
    }
    if (old.metadata.generateName !== undefined && meta.generateName === undefined) meta.generateName = old.metadata.generateName
    // Status, finalize and binding writes take the stored object's other parts as they are:
    // no update preparation or defaulting (and those parts may be shared with the cache).
    const keepsRest = opts.subresource === 'status' || opts.subresource === 'finalize' || opts.subresource === 'binding'
    if (!keepsRest) prepareForUpdate(info.group, info.resource, obj, old)
    admitUpdate(info, obj, old, now(), (name) => this.cache.get(`/registry/storage.k8s.io/storageclasses/${name}`)?.obj)
    if (!keepsRest) applyDefaults(info.group, info.resource, obj)
    if (strategy.tracksGeneration) {
      const gen = old.metadata.generation ?? 1
      meta.generation = specChanged(obj, old) ? gen + 1 : gen
    } else if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation
    else delete meta.generation
    // pods/binding sets spec.nodeName, which pod update validation forbids; the binding
    // handler does its own checks (upstream's assignPod never runs update validation).
    const errors = opts.subresource === 'status'
      ? validateStatusUpdate(info.group, info.resource, obj, old)
      : opts.subresource === 'binding' ? [] : validateUpdate(info.group, info.resource, obj, old)
    this.#check(info, obj, errors)
    const tracked = opts.skipFieldTracking ? obj : trackUpdate(old, obj, { manager: opts.fieldManager, gvk: gvkOf(info), now: now(), ...(opts.subresource ? { subresource: opts.subresource } : {}) })
    // A no-op write is not written (upstream skips the store write: same resourceVersion).
    if (sameJson(withoutRv(tracked), withoutRv(old)) && !managedFieldsChanged(tracked, old)) return old
    if (opts.dryRun) return tracked
    // Removing the last finalizer of an object being deleted completes the deletion.
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0 && specFinalizersDone(info, obj)) {
      return this.#remove(info, key, old)
    }
    try {
      return await this.#persist(tracked, (bytes) => this.store.update(key, bytes, Number(old.metadata.resourceVersion)))
    } catch (e) {
      if (isStoreError(e, 'Conflict')) {
        throw conflict(info, name, 'the object has been modified; please apply your changes to the latest version and try again')
      }
      if (isStoreError(e, 'NotFound')) throw notFound(info, name)
      throw e
    }
  }

  /**
   * Writes `obj` and returns it at its new resourceVersion, with its response text
   * remembered for the handler that sends it (one encoding serves store and response).
   * The cache decodes the stored bytes rather than keeping `obj`: objects from JSON.parse
   * keep V8's fast layouts, which later clones and diffs of the cached object depend on
   * (adopting `obj` measured slower).
   */
  async #persist(obj: KubeObject, write: (bytes: Uint8Array) => Promise<Entry>): Promise<KubeObject> {
    const text = encodeText(obj)
    const entry = await write(Buffer.from(text))
    obj.metadata.resourceVersion = String(entry.modRevision)
    const json = withResourceVersion(text, entry.modRevision)
    if (json !== undefined) rememberJson(obj, json)
    return obj
  }

  /**
   * DELETE: immediate unless finalizers (incl. those that propagation adds) or pod graceful
   * termination keep the object, in which case it gets a deletionTimestamp.
   */
  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<{ obj: KubeObject; deleted: boolean }> {
    const key = this.key(info, namespace, name)
    await this.cache.fresh()
    const current = this.cache.get(key)
    if (!current) throw notFound(info, name)
    const old = current.obj
    const pre = opts.preconditions
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`)
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`)
    }
    const obj = clone(old)
    const meta = obj.metadata
    const finalizers = new Set(meta.finalizers ?? [])
    if (opts.propagationPolicy === 'Orphan') {
      finalizers.add('orphan')
      finalizers.delete('foregroundDeletion')
    } else if (opts.propagationPolicy === 'Foreground') {
      finalizers.add('foregroundDeletion')
      finalizers.delete('orphan')
    } else if (opts.propagationPolicy === 'Background' && !meta.deletionTimestamp) {
      finalizers.delete('orphan')
      finalizers.delete('foregroundDeletion')
    }
    const grace = gracePeriodFor(info, old, opts.gracePeriodSeconds)
    if (info.group === '' && info.resource === 'namespaces') return this.#deleteNamespace(info, key, old, opts)
    if (finalizers.size === 0 && grace === 0) {
      if (opts.dryRun) return { obj: old, deleted: true }
      return { obj: await this.#remove(info, key, old), deleted: true }
    }
    // Graceful or finalized deletion: record intent, keep the object.
    const deadline = Date.now() + grace * 1000
    const existing = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : undefined
    if (existing === undefined || deadline < existing) {
      meta.deletionTimestamp = rfc3339(deadline)
      meta.deletionGracePeriodSeconds = grace
    }
    if (finalizers.size > 0) meta.finalizers = [...finalizers]
    else delete meta.finalizers
    if (opts.dryRun) return { obj, deleted: false }
    if (JSON.stringify(obj) === JSON.stringify(old)) return { obj: old, deleted: false }
    const entry = await this.store.update(key, encodeObject(obj), Number(old.metadata.resourceVersion)).catch((e: unknown) => {
      if (isStoreError(e, 'Conflict')) throw conflict(info, name, 'the object has been modified; please apply your changes to the latest version and try again')
      throw e
    })
    return { obj: decodeEntry(entry), deleted: false }
  }

  /** Namespaces terminate: phase Terminating until the namespace controller empties them. */
  async #deleteNamespace(info: ResourceInfo, key: string, old: KubeObject, opts: DeleteOptions): Promise<{ obj: KubeObject; deleted: boolean }> {
    const name = old.metadata.name ?? ''
    if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) {
      throw forbidden(info, name, 'this namespace may not be deleted')
    }
    const obj = clone(old)
    const spec = isPlainObject(obj['spec']) ? obj['spec'] : {}
    const specFinalizers = Array.isArray(spec['finalizers']) ? spec['finalizers'] : []
    if (specFinalizers.length === 0 && (obj.metadata.finalizers ?? []).length === 0) {
      if (opts.dryRun) return { obj: old, deleted: true }
      return { obj: await this.#remove(info, key, old), deleted: true }
    }
    if (obj.metadata.deletionTimestamp) return { obj: old, deleted: false }
    obj.metadata.deletionTimestamp = now()
    obj.metadata.deletionGracePeriodSeconds = 0
    obj['status'] = { ...(isPlainObject(obj['status']) ? obj['status'] : {}), phase: 'Terminating' }
    if (opts.dryRun) return { obj, deleted: false }
    const entry = await this.store.update(key, encodeObject(obj), Number(old.metadata.resourceVersion))
    return { obj: decodeEntry(entry), deleted: false }
  }

  async #remove(info: ResourceInfo, key: string, old: KubeObject): Promise<KubeObject> {
    try {
      const entry = await this.store.delete(key, Number(old.metadata.resourceVersion))
      const last = clone(old)
      last.metadata.resourceVersion = String(entry.modRevision)
      return last
    } catch (e) {
      if (isStoreError(e, 'NotFound')) throw notFound(info, old.metadata.name ?? '')
      if (isStoreError(e, 'Conflict')) throw conflict(info, old.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again')
      throw e
    }
  }

  async #checkNamespace(info: ResourceInfo, namespace: string, name: string): Promise<void> {
    await this.cache.fresh()
    const ns = this.cache.get(`/registry/core/namespaces/${namespace}`)
    if (!ns) throw new ApiError({ reason: 'NotFound', code: 404, message: `namespaces "${namespace}" not found`, details: { name: namespace, kind: 'namespaces' } })
    if (ns.obj.metadata.deletionTimestamp) {
      throw forbidden(info, name, `unable to create new content in namespace ${namespace} because it is being terminated`)
    }
  }

  #check(info: ResourceInfo, obj: KubeObject, errors: FieldError[]): void {
    if (errors.length > 0) throw invalid(info.kind, info.group, obj.metadata.name ?? '', errors)
  }
}

/** Namespaces also wait for `spec.finalizers` (emptied through namespaces/NAME/finalize). */
function specFinalizersDone(info: ResourceInfo, obj: KubeObject): boolean {
  if (info.group !== '' || info.resource !== 'namespaces') return true
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {}
  return !Array.isArray(spec['finalizers']) || spec['finalizers'].length === 0
}

function withoutRv(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata
  return { ...obj, metadata: meta }
}

/** managedFields differing only in timestamps does not make a write. */
function managedFieldsChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => JSON.stringify((o.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest))
  return strip(a) !== strip(b)
}

function gracePeriodFor(info: ResourceInfo, obj: KubeObject, requested: number | undefined): number {
  if (info.group !== '' || info.resource !== 'pods') return 0
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {}
  const status = isPlainObject(obj['status']) ? obj['status'] : {}
  // Pods never scheduled, or already finished, have nothing to stop: delete at once.
  if (!spec['nodeName'] || status['phase'] === 'Succeeded' || status['phase'] === 'Failed') return 0
  const grace = requested ?? (typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : 30)
  return Math.max(0, grace)
}

function randomSuffix(): string {
  let s = ''
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)]
  return s
}

export { internalError }
