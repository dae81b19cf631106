/**
 * The apiserver's field manager (k8s.io/apimachinery managedfields): server-side apply,
 * and the managedFields bookkeeping of ordinary writes. It composes, as upstream's
 * NewDefaultFieldManager does:
 *   version check → last-applied sync → last-applied conflict waiver → skip/seed
 *   untracked objects (`before-first-apply`) → cap of 10 Update managers (`ancient-changes`)
 *   → manager identifiers → timestamps → strip of metadata fields → the merge.Updater.
 */
import { stripManagedFields } from '../../../api/index.js'
import type { KubeObject } from '../../../api/index.js'
import { apiVersionOfGvk, badRequest, gvkString, serverError, type Gvk } from '../errors.js'
import { fieldPE } from '../fieldpath/element.js'
import { FieldSet } from '../fieldpath/set.js'
import { resetFieldPaths, rootShape } from '../schema/index.js'
import { formatValidationErrors, validateAssociativeLists } from '../typed/validate.js'
import { cloneJson, deepEqual, isObject, withoutNullFields, type JsonObject } from '../util.js'
import { conflictError } from './conflict.js'
import { allowedConflictsFromLastApplied, buildLastApplied, hasLastApplied, KUBECTL_MANAGER, setLastApplied } from './last-applied.js'
import {
  copyManaged, decodeManagedFields, emptyManaged, encodeManagedFields, formatTime, managerId, ManagedFieldsError, type Managed,
} from './managed.js'
import { ConflictsError, updaterApply, updaterUpdate, type UpdaterContext } from './updater.js'

export interface ApplyOptions {
  manager: string
  force: boolean
  gvk: Gvk
  now: string
  subresource?: string
}

export interface UpdateOptions {
  manager: string
  gvk: Gvk
  now: string
  subresource?: string
}

const MAX_UPDATE_MANAGERS = 10
const BEFORE_FIRST_APPLY = 'before-first-apply'
const ANCIENT_CHANGES = 'ancient-changes'
const CURRENT_OPERATION = 'current-operation'

const STRIPPED = FieldSet.of(
  ...[
    ['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace'],
    ['metadata', 'creationTimestamp'], ['metadata', 'selfLink'], ['metadata', 'uid'], ['metadata', 'clusterName'],
    ['metadata', 'generation'], ['metadata', 'managedFields'], ['metadata', 'resourceVersion'],
  ].map((p) => p.map(fieldPE)),
)

interface Env {
  readonly gvk: Gvk
  readonly version: string
  readonly subresource: string | undefined
  readonly now: string
  readonly ctx: UpdaterContext
}

function makeEnv(gvk: Gvk, subresource: string | undefined, now: string): Env {
  const ignore = FieldSet.of(...resetFieldPaths(gvk, subresource).map((p) => p.map(fieldPE)))
  return { gvk, version: apiVersionOfGvk(gvk), subresource: subresource || undefined, now: formatTime(now), ctx: { shape: rootShape(gvk), ignore } }
}

/** A copy of the object without metadata.managedFields. */
function withoutManagedFields(obj: KubeObject | undefined): JsonObject {
  if (!obj) return {}
  const out = cloneJson(obj) as JsonObject
  if (isObject(out.metadata)) {
    const meta = { ...out.metadata }
    delete meta.managedFields
    out.metadata = meta
  }
  return out
}

/** Sets metadata.managedFields, at the position `like` had it (key order is kept stable). */
function withManagedFields(obj: JsonObject, entries: unknown, like?: KubeObject): KubeObject {
  const src: JsonObject = isObject(obj.metadata) ? obj.metadata : {}
  const order = like && isObject(like.metadata) ? Object.keys(like.metadata) : []
  const at = order.indexOf('managedFields')
  const meta: JsonObject = {}
  const put = (): void => {
    if (entries !== undefined) meta.managedFields = entries
  }
  let placed = false
  for (const k of Object.keys(src)) {
    if (k === 'managedFields') continue
    if (!placed && at >= 0 && order.indexOf(k) > at) {
      put()
      placed = true
    }
    meta[k] = src[k]
  }
  if (!placed) put()
  return { ...obj, metadata: meta } as KubeObject
}

function strip(managed: Managed, id: string): Managed {
  const vs = managed.fields.get(id)
  if (!vs) return managed
  const out = copyManaged(managed)
  const set = vs.set.difference(STRIPPED)
  if (set.isEmpty()) out.fields.delete(id)
  else out.fields.set(id, { ...vs, set })
  return out
}

function seconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000)
}

/** capManagersManager: the oldest Update managers beyond ten merge into `ancient-changes`. */
function capUpdateManagers(managed: Managed): Managed {
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id)
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managed
  const m = copyManaged(managed)
  updaters.sort((a, b) => seconds(m.times.get(a)) - seconds(m.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0))
  const firstByVersion = new Map<string, string>()
  let length = updaters.length
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i] as string
    const vs = m.fields.get(id)
    if (!vs) continue
    const time = m.times.get(id)
    const bucket = managerId({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion })
    const first = firstByVersion.get(vs.apiVersion)
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id)
      continue
    }
    if (!m.fields.has(bucket)) {
      const s = m.fields.get(first)
      m.fields.delete(first)
      if (s) m.fields.set(bucket, s)
    }
    const prev = m.fields.get(bucket)?.set ?? new FieldSet()
    m.fields.set(bucket, { set: vs.set.union(prev), apiVersion: vs.apiVersion, applied: vs.applied })
    m.fields.delete(id)
    m.times.delete(id)
    length--
    if (time) m.times.set(bucket, time)
    else m.times.delete(bucket)
  }
  return m
}

/** The Update path below the skip check: the fields `manager` changed become its own. */
function updateChain(live: unknown, next: unknown, managed: Managed, manager: string, env: Env): Managed {
  const id = managerId({ manager: manager || 'unknown', operation: 'Update', apiVersion: env.version, ...(env.subresource ? { subresource: env.subresource } : {}) })
  let m = updaterUpdate(live, next, env.version, managed, CURRENT_OPERATION, env.ctx)
  m = strip(m, CURRENT_OPERATION)
  const vs = m.fields.get(CURRENT_OPERATION)
  if (vs) {
    m = copyManaged(m)
    m.fields.delete(CURRENT_OPERATION)
    m.times.delete(CURRENT_OPERATION)
    const prev = m.fields.get(id)
    m.fields.set(id, { set: prev ? vs.set.union(prev.set) : vs.set, apiVersion: vs.apiVersion, applied: vs.applied })
    m.times.set(id, env.now)
  }
  return capUpdateManagers(m)
}

function objectRef(obj: KubeObject, gvk: Gvk): string {
  const meta = isObject(obj.metadata) ? obj.metadata : {}
  const ns = typeof meta.namespace === 'string' ? meta.namespace : ''
  const name = typeof meta.name === 'string' ? meta.name : ''
  return `${ns}/${name}; ${gvkString(gvk)}`
}

/** The Apply path below the skip check. */
function applyChain(
  live: JsonObject, applied: KubeObject, managed: Managed, manager: string, force: boolean, env: Env,
): { object: JsonObject; managed: Managed } {
  const id = managerId({ manager: manager || 'unknown', operation: 'Apply', ...(env.subresource ? { subresource: env.subresource } : {}) })
  if (Array.isArray((applied.metadata as JsonObject | undefined)?.managedFields)) throw badRequest('metadata.managedFields must be nil')
  const errs = validateAssociativeLists(applied, env.ctx.shape)
  if (errs.length > 0) {
    throw serverError(`failed to create typed patch object (${objectRef(applied, env.gvk)}): ${formatValidationErrors(errs)}`)
  }
  const r = updaterApply(live, applied, env.version, managed, id, force, env.ctx)
  const m = strip(r.managed, id)
  if (r.object === undefined) return { object: cloneJson(live), managed: m }
  m.times.set(id, env.now)
  return { object: r.object as JsonObject, managed: m }
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/')
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) }
}

export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  const env = makeEnv(opts.gvk, opts.subresource, opts.now)
  const appliedApiVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : ''
  const appliedKind = typeof applied.kind === 'string' ? applied.kind : ''
  if (appliedApiVersion !== env.version || appliedKind !== opts.gvk.kind) {
    throw badRequest(`invalid object type: ${gvkString({ ...splitApiVersion(appliedApiVersion), kind: appliedKind })}`)
  }
  let managed: Managed
  try {
    managed = decodeManagedFields(live?.metadata?.managedFields)
  } catch (e) {
    throw serverError(`failed to decode managed fields: ${(e as Error).message}`)
  }
  const liveObj = withoutManagedFields(live)
  const run = (force: boolean): { object: JsonObject; managed: Managed } => {
    let m = managed
    if (m.fields.size === 0) m = updateChain({}, liveObj, m, BEFORE_FIRST_APPLY, env)
    return applyChain(liveObj, applied, m, opts.manager, force, env)
  }
  let result: { object: JsonObject; managed: Managed }
  try {
    result = run(opts.force)
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e
    if (opts.manager !== KUBECTL_MANAGER) throw conflictError(e.conflicts)
    const allowed = allowedConflictsFromLastApplied(live, env.version, env.ctx.shape)
    if (!allowed) throw conflictError(e.conflicts)
    const remaining = e.conflicts.filter((c) => !allowed.has(c.path))
    if (remaining.length > 0) throw conflictError(remaining)
    result = run(true)
  }
  const object = withoutNullFields(result.object) as JsonObject
  if (opts.manager === KUBECTL_MANAGER && hasLastApplied(object)) setLastApplied(object, buildLastApplied(applied))
  return withManagedFields(object, encodeManagedFields(result.managed), live)
}

function isEmptyEntry(e: unknown): boolean {
  if (!isObject(e)) return false
  return Object.values(e).every((v) => v === undefined || v === null || v === '' || deepEqual(v, {}))
}

/** managedFields `[]` or `[{}]` in a write means "clear them". */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false
  return entries.length === 0 || (entries.length === 1 && isEmptyEntry(entries[0]))
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries)
  } catch (e) {
    if (e instanceof ManagedFieldsError) return emptyManaged()
    throw e
  }
}

/** decodeLiveOrNew: the request's managedFields if it sets valid ones, else the live object's. */
function decodeLiveOrNew(old: KubeObject | undefined, updated: KubeObject, ignoreNew: boolean): Managed {
  const liveEntries = old?.metadata?.managedFields
  if (ignoreNew) return decodeOrEmpty(liveEntries)
  const newEntries = updated.metadata?.managedFields
  if (isReset(newEntries)) return emptyManaged()
  try {
    const m = decodeManagedFields(newEntries)
    if (m.fields.size > 0) return m
  } catch (e) {
    if (!(e instanceof ManagedFieldsError)) throw e
  }
  return decodeOrEmpty(liveEntries)
}

export function trackUpdate(old: KubeObject | undefined, updated: KubeObject, opts: UpdateOptions): KubeObject {
  const env = makeEnv(opts.gvk, opts.subresource, opts.now)
  const managed = decodeLiveOrNew(old, updated, env.subresource !== undefined)
  const next = (stripManagedFields(updated) as JsonObject)
  const isCreate = !old?.metadata?.uid
  // objects that are not tracked stay untracked until their first apply
  if (managed.fields.size === 0 && !isCreate) return withManagedFields(next, undefined, updated)
  let result: Managed
  try {
    result = updateChain(old ? stripManagedFields(old) : {}, next, managed, opts.manager, env)
  } catch (e) {
    if (e instanceof ConflictsError) throw e
    return withManagedFields(next, old?.metadata?.managedFields, updated)
  }
  return withManagedFields(next, encodeManagedFields(result), updated)
}

const FIELD_MANAGER_MAX_LENGTH = 128

/**
 * The manager name of a write (managerOrUserAgent): `fieldManager` when given, else the
 * User-Agent up to its first `/`, printable characters only, at most 128 bytes.
 */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager
  let out = ''
  let bytes = 0
  for (const ch of (userAgent ?? '').split('/')[0] ?? '') {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue
    const n = Buffer.byteLength(ch)
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break
    out += ch
    bytes += n
  }
  return out
}
