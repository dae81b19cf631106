/**
 * ObjectMeta, labels, annotations and label selectors, as
 * k8s.io/apimachinery/pkg/api/validation and pkg/apis/meta/v1/validation check them.
 */
import { child, fe, goQuote, goStringSlice, goStruct, goTime, goValue as goValueOf, index, type Errs } from './field.js'
import { arr, byteLen, deepEqual, isObj, num, obj, sortedKeys, str, type J } from './json.js'
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameFn } from './names.js'

export const IS_NEGATIVE_MSG = 'must be greater than or equal to 0'
export const FIELD_IMMUTABLE_MSG = 'field is immutable'
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

export function nonNegative(value: number | undefined, path: string): Errs {
  return value !== undefined && value < 0 ? [fe.invalid(path, value, IS_NEGATIVE_MSG)] : []
}

export function validateLabelName(k: string, path: string): Errs {
  return isQualifiedName(k).map((m) => fe.invalid(path, k, m))
}

export function validateLabels(labels: unknown, path: string): Errs {
  const errs: Errs = []
  if (!isObj(labels)) return errs
  for (const k of sortedKeys(labels)) {
    errs.push(...validateLabelName(k, path))
    const v = String(labels[k] ?? '')
    for (const m of isValidLabelValue(v)) errs.push(fe.invalid(path, v, m))
  }
  return errs
}

export function validateAnnotations(annotations: unknown, path: string): Errs {
  const errs: Errs = []
  if (!isObj(annotations)) return errs
  let total = 0
  for (const k of sortedKeys(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fe.invalid(path, k, m))
    total += byteLen(k) + byteLen(String(annotations[k] ?? ''))
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fe.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT))
  return errs
}

export function validateLabelSelectorRequirement(r: J, path: string, allowInvalidValue = false): Errs {
  const errs: Errs = []
  const op = str(r['operator'])
  const values = arr(r['values'])
  switch (op) {
    case 'In': case 'NotIn':
      if (values.length === 0) errs.push(fe.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
      break
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) errs.push(fe.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
      break
    default:
      errs.push(fe.invalid(child(path, 'operator'), op, 'not a valid selector operator'))
  }
  errs.push(...validateLabelName(str(r['key']), child(path, 'key')))
  if (!allowInvalidValue) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(String(v))) errs.push(fe.invalid(index(child(path, 'values'), i), String(v), m))
    })
  }
  return errs
}

/** metav1validation.ValidateLabelSelector; nil selectors are valid. */
export function validateLabelSelector(sel: unknown, path: string, allowInvalidValue = false): Errs {
  const s = obj(sel)
  if (!s) return []
  const errs = validateLabels(s['matchLabels'], child(path, 'matchLabels'))
  arr(s['matchExpressions']).forEach((e, i) => {
    errs.push(...validateLabelSelectorRequirement(obj(e) ?? {}, index(child(path, 'matchExpressions'), i), allowInvalidValue))
  })
  return errs
}

function goOwnerReference(r: J): string {
  return goStruct('v1.OwnerReference', [
    ['APIVersion', r['apiVersion'], 'string'], ['Kind', r['kind'], 'string'], ['Name', r['name'], 'string'],
    ['UID', r['uid'], 'string'], ['Controller', r['controller'], '*bool'], ['BlockOwnerDeletion', r['blockOwnerDeletion'], '*bool'],
  ])
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/')
  if (parts.length === 1) return { group: '', version: parts[0]! }
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! }
  return { group: '', version: '' }
}

export function validateOwnerReferences(refs: unknown, path: string): Errs {
  const errs: Errs = []
  let firstController = ''
  for (const raw of arr(refs)) {
    const r = obj(raw) ?? {}
    const gv = splitApiVersion(str(r['apiVersion']))
    if (gv.version === '') errs.push(fe.invalid(child(path, 'apiVersion'), str(r['apiVersion']), 'version must not be empty'))
    if (str(r['kind']) === '') errs.push(fe.invalid(child(path, 'kind'), str(r['kind']), 'must not be empty'))
    if (str(r['name']) === '') errs.push(fe.invalid(child(path, 'name'), str(r['name']), 'must not be empty'))
    if (str(r['uid']) === '') errs.push(fe.invalid(child(path, 'uid'), str(r['uid']), 'must not be empty'))
    if (gv.group === '' && gv.version === 'v1' && str(r['kind']) === 'Event') {
      errs.push(fe.invalid(path, goValueOf(goOwnerReference(r)), '/v1, Kind=Event is disallowed from being an owner'))
    }
    if (r['controller'] === true) {
      const cur = `${str(r['kind'])}/${str(r['name'])}`
      if (firstController !== '') {
        const all = `[]v1.OwnerReference{${arr(refs).map((x) => goOwnerReference(obj(x) ?? {})).join(', ')}}`
        errs.push(fe.invalid(path, goValueOf(all), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`))
      } else firstController = cur
    }
  }
  return errs
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion'])

/** apimachinery ValidateFinalizers (errors on the list path) plus core's standard-name check (indexed). */
export function validateFinalizers(finalizers: unknown, path: string): Errs {
  const errs: Errs = []
  const list = arr(finalizers).map(String)
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(fe.invalid(path, f, m))
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(fe.invalid(path, goValueOf(goStringSlice(list)), 'finalizer orphan and foregroundDeletion cannot be both set'))
  }
  return errs
}

export function validateKubeFinalizerNames(finalizers: unknown, path: string): Errs {
  const errs: Errs = []
  arr(finalizers).map(String).forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(fe.invalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'))
    }
  })
  return errs
}

export interface MetaOptions {
  namespaced: boolean
  nameFn: NameFn
  /** core's ValidateObjectMeta adds the standard-finalizer check; apimachinery's does not. */
  kubeFinalizers?: boolean
}

/** ValidateObjectMetaAccessor (create). */
export function validateObjectMeta(meta: unknown, opts: MetaOptions, path = 'metadata'): Errs {
  const m = obj(meta) ?? {}
  const errs: Errs = []
  const generateName = str(m['generateName'])
  const name = str(m['name'])
  if (generateName !== '') {
    for (const msg of opts.nameFn(generateName, true)) errs.push(fe.invalid(child(path, 'generateName'), generateName, msg))
  }
  if (name === '') errs.push(fe.required(child(path, 'name'), 'name or generateName is required'))
  else for (const msg of opts.nameFn(name, false)) errs.push(fe.invalid(child(path, 'name'), name, msg))
  errs.push(...validateMetaCommon(m, opts.namespaced, path))
  if (opts.kubeFinalizers !== false) errs.push(...validateKubeFinalizerNames(m['finalizers'], child(path, 'finalizers')))
  return errs
}

function validateMetaCommon(m: J, namespaced: boolean, path: string): Errs {
  const errs: Errs = []
  const ns = str(m['namespace'])
  if (namespaced) {
    if (ns === '') errs.push(fe.required(child(path, 'namespace')))
    else for (const msg of nameIsDNSLabel(ns, false)) errs.push(fe.invalid(child(path, 'namespace'), ns, msg))
  } else if (ns !== '') {
    errs.push(fe.forbidden(child(path, 'namespace'), 'not allowed on this type'))
  }
  errs.push(...nonNegative(num(m['generation']), child(path, 'generation')))
  errs.push(...validateLabels(m['labels'], child(path, 'labels')))
  errs.push(...validateAnnotations(m['annotations'], child(path, 'annotations')))
  errs.push(...validateOwnerReferences(m['ownerReferences'], child(path, 'ownerReferences')))
  errs.push(...validateFinalizers(m['finalizers'], child(path, 'finalizers')))
  return errs
}

const immutable = (newVal: unknown, oldVal: unknown, path: string, render: (v: unknown) => unknown): Errs =>
  deepEqual(newVal ?? null, oldVal ?? null) ? [] : [fe.invalid(path, render(newVal), FIELD_IMMUTABLE_MSG)]

/** ValidateObjectMetaAccessorUpdate (+ core's finalizer names). The resourceVersion check is left to the server. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path = 'metadata', kubeFinalizers = true): Errs {
  const m = obj(meta) ?? {}
  const o = obj(oldMeta) ?? {}
  const errs: Errs = []
  if (o['deletionTimestamp']) {
    const oldF = new Set(arr(o['finalizers']).map(String))
    const extra = [...new Set(arr(m['finalizers']).map(String))].filter((f) => !oldF.has(f)).sort()
    if (extra.length > 0) {
      errs.push(fe.forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`))
    }
  }
  const gen = num(m['generation']) ?? 0
  const oldGen = num(o['generation']) ?? 0
  if (gen < oldGen) errs.push(fe.invalid(child(path, 'generation'), gen, 'must not be decremented'))
  errs.push(...immutable(str(m['name']), str(o['name']), child(path, 'name'), (v) => v))
  errs.push(...immutable(str(m['namespace']), str(o['namespace']), child(path, 'namespace'), (v) => v))
  errs.push(...immutable(str(m['uid']), str(o['uid']), child(path, 'uid'), (v) => v))
  errs.push(...immutable(m['creationTimestamp'] ?? '', o['creationTimestamp'] ?? '', child(path, 'creationTimestamp'), goTime))
  errs.push(...immutable(m['deletionTimestamp'], o['deletionTimestamp'], child(path, 'deletionTimestamp'), (v) => (v ? goTime(v) : null)))
  errs.push(...immutable(m['deletionGracePeriodSeconds'], o['deletionGracePeriodSeconds'], child(path, 'deletionGracePeriodSeconds'), (v) => v ?? null))
  errs.push(...validateLabels(m['labels'], child(path, 'labels')))
  errs.push(...validateAnnotations(m['annotations'], child(path, 'annotations')))
  errs.push(...validateOwnerReferences(m['ownerReferences'], child(path, 'ownerReferences')))
  errs.push(...validateFinalizers(m['finalizers'], child(path, 'finalizers')))
  if (kubeFinalizers) errs.push(...validateKubeFinalizerNames(m['finalizers'], child(path, 'finalizers')))
  return errs
}

/** ValidateTemplateObjectMeta: only labels and annotations may be set (ephemeral PVC templates). */
export function validateTemplateObjectMeta(meta: unknown, path: string): Errs {
  const m = obj(meta) ?? {}
  const errs = validateAnnotations(m['annotations'], child(path, 'annotations'))
  errs.push(...validateLabels(m['labels'], child(path, 'labels')))
  for (const k of Object.keys(m).sort()) {
    if (k === 'labels' || k === 'annotations') continue
    const v = m[k]
    if (v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0)) continue
    errs.push(fe.forbidden(child(path, k), 'cannot be set'))
  }
  return errs
}

export const dnsLabelErrors = (v: string, path: string): Errs => isDNS1123Label(v).map((m) => fe.invalid(path, v, m))
export { goQuote }
