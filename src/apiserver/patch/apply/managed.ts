/**
 * `metadata.managedFields` in and out: each entry becomes a field set keyed by a
 * manager identifier (the entry without fields and time, and without apiVersion for
 * appliers, as JSON — upstream's BuildManagerIdentifier), and back again in upstream's
 * order (Apply before Update, then by time, manager, apiVersion, subresource).
 */
import { fromFieldsV1, toFieldsV1 } from '../fieldpath/fields-v1.js'
import type { FieldSet } from '../fieldpath/set.js'
import { isObject, type JsonObject } from '../util.js'

export interface VersionedSet {
  readonly set: FieldSet
  readonly apiVersion: string
  readonly applied: boolean
}

export interface Managed {
  readonly fields: Map<string, VersionedSet>
  /** RFC 3339 time per manager; absent when the entry had none */
  readonly times: Map<string, string>
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() }
}

export function copyManaged(m: Managed): Managed {
  return { fields: new Map(m.fields), times: new Map(m.times) }
}

export interface ManagerInfo {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion?: string
  subresource?: string
}

/** BuildManagerIdentifier: `{"manager":"kubectl","operation":"Update","apiVersion":"apps/v1"}` */
export function managerId(info: ManagerInfo): string {
  const o: Record<string, string> = {}
  if (info.manager) o.manager = info.manager
  o.operation = info.operation
  if (info.operation !== 'Apply' && info.apiVersion) o.apiVersion = info.apiVersion
  if (info.subresource) o.subresource = info.subresource
  return JSON.stringify(o)
}

export function parseManagerId(id: string): ManagerInfo | undefined {
  try {
    const o = JSON.parse(id) as unknown
    if (!isObject(o)) return undefined
    const str = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '')
    const op = str('operation')
    const info: ManagerInfo = { manager: str('manager'), operation: op === 'Apply' ? 'Apply' : 'Update' }
    if (str('apiVersion')) info.apiVersion = str('apiVersion')
    if (str('subresource')) info.subresource = str('subresource')
    return info
  } catch {
    return undefined
  }
}

export class ManagedFieldsError extends Error {}

/** DecodeManagedFields; throws ManagedFieldsError on an invalid entry. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged()
  if (entries === undefined || entries === null) return managed
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list')
  entries.forEach((e, i) => {
    if (!isObject(e)) throw new ManagedFieldsError(`invalid managed fields entry ${i}`)
    const operation = e.operation
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`')
    const apiVersion = typeof e.apiVersion === 'string' ? e.apiVersion : ''
    if (!apiVersion) throw new ManagedFieldsError('apiVersion must not be empty')
    const fieldsType = typeof e.fieldsType === 'string' ? e.fieldsType : ''
    if (fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`)
    if (fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType "${fieldsType}" in managed fields entry ${i}`)
    const info: ManagerInfo = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation,
      apiVersion,
      ...(typeof e.subresource === 'string' && e.subresource ? { subresource: e.subresource } : {}),
    }
    const id = managerId(info)
    let set: FieldSet
    try {
      set = fromFieldsV1(e.fieldsV1 ?? {})
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: error decoding set: ${(err as Error).message}`)
    }
    managed.fields.set(id, { set, apiVersion, applied: operation === 'Apply' })
    if (typeof e.time === 'string' && e.time) managed.times.set(id, e.time)
    else managed.times.delete(id)
  })
  return managed
}

function seconds(time: string | undefined): number {
  if (!time) return 0
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** encodeManagedFields; undefined when there is nothing to record. */
export function encodeManagedFields(managed: Managed): JsonObject[] | undefined {
  if (managed.fields.size === 0) return undefined
  const entries: { e: JsonObject; op: string; t: number; m: string; v: string; s: string }[] = []
  for (const [id, vs] of managed.fields) {
    const info = parseManagerId(id) ?? { manager: id, operation: 'Update' as const }
    const operation = vs.applied ? 'Apply' : info.operation
    const time = managed.times.get(id)
    const e: JsonObject = { manager: info.manager, operation, apiVersion: vs.apiVersion }
    if (!info.manager) delete e.manager
    if (time) e.time = time
    e.fieldsType = 'FieldsV1'
    e.fieldsV1 = toFieldsV1(vs.set)
    if (info.subresource) e.subresource = info.subresource
    entries.push({ e, op: operation, t: seconds(time), m: info.manager, v: vs.apiVersion, s: info.subresource ?? '' })
  }
  entries.sort((p, q) => cmp(p.op, q.op) || p.t - q.t || cmp(p.m, q.m) || cmp(p.v, q.v) || cmp(p.s, q.s))
  return entries.map((x) => x.e)
}

/** metav1.Time's wire form: RFC 3339 at second precision, UTC. */
export function formatTime(now: string): string {
  const ms = Date.parse(now)
  if (Number.isNaN(ms)) return now
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}
