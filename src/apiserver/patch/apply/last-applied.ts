/**
 * The bridge between client-side and server-side apply, for the `kubectl` manager only
 * (managedfields' lastAppliedManager / lastAppliedUpdater): conflicts on fields whose
 * live value still equals the client-side `last-applied-configuration` are waived, and
 * a successful server-side apply keeps that annotation in step with what was applied.
 */
import type { KubeObject } from '../../../api/index.js'
import type { FieldSet } from '../fieldpath/set.js'
import { withZeroFields, type Shape } from '../schema/index.js'
import { compare } from '../typed/compare.js'
import { toFieldSet } from '../typed/field-set.js'
import { validateAssociativeLists } from '../typed/validate.js'
import { cloneJson, goJson, isObject, type JsonObject } from '../util.js'

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
export const KUBECTL_MANAGER = 'kubectl'
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

function annotations(obj: unknown): JsonObject | undefined {
  if (!isObject(obj) || !isObject(obj.metadata)) return undefined
  const a = obj.metadata.annotations
  return isObject(a) ? a : undefined
}

export function hasLastApplied(obj: unknown): boolean {
  const v = annotations(obj)?.[LAST_APPLIED]
  return typeof v === 'string' && v.length > 0
}

/** Fields of the last-applied configuration whose live value is unchanged since. */
export function allowedConflictsFromLastApplied(live: unknown, apiVersion: string, shape: Shape): FieldSet | undefined {
  const text = annotations(live)?.[LAST_APPLIED]
  if (typeof text !== 'string' || !text) return undefined
  let lastApplied: unknown
  try {
    lastApplied = JSON.parse(text) as unknown
  } catch {
    return undefined
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined
  if (validateAssociativeLists(lastApplied, shape).length > 0) return undefined
  const set = toFieldSet(lastApplied, shape)
  const c = compare(lastApplied, withZeroFields(live, shape), shape)
  return set.difference(c.modified).difference(c.added).difference(c.removed)
}

/** The annotation value kubectl would write: the applied object without it, JSON + newline. */
export function buildLastApplied(applied: KubeObject): string {
  const copy = cloneJson(applied) as JsonObject
  const meta = copy.metadata
  if (isObject(meta) && isObject(meta.annotations)) delete meta.annotations[LAST_APPLIED]
  return goJson(copy) + '\n'
}

/** SetLastApplied: dropped again if the annotations would exceed their size limit. */
export function setLastApplied(obj: JsonObject, value: string): void {
  if (!isObject(obj.metadata)) obj.metadata = {}
  const meta = obj.metadata as JsonObject
  const ann: JsonObject = isObject(meta.annotations) ? { ...meta.annotations } : {}
  ann[LAST_APPLIED] = value
  let size = 0
  for (const [k, v] of Object.entries(ann)) size += k.length + (typeof v === 'string' ? v.length : 0)
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete ann[LAST_APPLIED]
  meta.annotations = ann
}
