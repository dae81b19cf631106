/**
 * Legacy group-versions ↔ storage versions, for the kinds served at legacy versions:
 * DaemonSet (extensions/v1beta1, apps/v1beta2) and StatefulSet (apps/v1beta1,
 * apps/v1beta2). Converting in applies the *old* version's defaults first, as upstream
 * decodes into the request version (defaulting there) before converting; the
 * storage-version defaults are applied afterwards by ../defaults.
 */
import type { KubeObject } from '../object.js'
import { RESOURCES, apiVersionOf } from '../resources.js'
import { TEMPLATE_GENERATION_ANNOTATION, defaultDaemonSetStrategy } from '../defaults/daemonset.js'
import { ensure, isObj, num, obj, setDefault, str, type J } from '../validation/json.js'

export { TEMPLATE_GENERATION_ANNOTATION }

const LEGACY: ReadonlyArray<{ apiVersion: string; kind: string; storage: string }> = [
  { apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', storage: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kind: 'DaemonSet', storage: 'apps/v1' },
  { apiVersion: 'apps/v1beta1', kind: 'StatefulSet', storage: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kind: 'StatefulSet', storage: 'apps/v1' },
]

function storageVersionOf(kind: string, apiVersion: string): string | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
  const info = RESOURCES.find((r) => r.kind === kind && r.group === group)
  return info ? apiVersionOf(info) : undefined
}

function unsupported(apiVersion: string, kind: string): Error {
  return new Error(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`)
}

/** Selector and object labels default to the template's labels (pre-apps/v1 behaviour). */
function defaultSelectorFromTemplate(o: J): void {
  const spec = ensure(o, 'spec')
  const labels = obj(obj(obj(spec['template'])?.['metadata'])?.['labels'])
  if (!labels) return
  if (spec['selector'] === undefined || spec['selector'] === null) spec['selector'] = { matchLabels: { ...labels } }
  const meta = ensure(o, 'metadata')
  if (!isObj(meta['labels']) || Object.keys(meta['labels']).length === 0) meta['labels'] = { ...labels }
}

/** extensions/v1beta1 SetDefaults_DaemonSet, then conversion to apps/v1. */
function extensionsDaemonSet(o: J): void {
  defaultSelectorFromTemplate(o)
  const spec = ensure(o, 'spec')
  defaultDaemonSetStrategy(spec, 'OnDelete')
  // spec.templateGeneration maps to the apps/v1 annotation
  const tg = num(spec['templateGeneration'])
  delete spec['templateGeneration']
  if (tg !== undefined && tg >= 1) ensure(ensure(o, 'metadata'), 'annotations')[TEMPLATE_GENERATION_ANNOTATION] = String(tg)
}

/** apps/v1beta2 SetDefaults_DaemonSet (same as apps/v1). */
function v1beta2DaemonSet(o: J): void {
  defaultDaemonSetStrategy(ensure(o, 'spec'), 'RollingUpdate')
}

/** apps/v1beta1 SetDefaults_StatefulSet, then conversion (partition is a plain int32 internally). */
function v1beta1StatefulSet(o: J): void {
  const spec = ensure(o, 'spec')
  setDefault(spec, 'podManagementPolicy', 'OrderedReady')
  const us = ensure(spec, 'updateStrategy')
  setDefault(us, 'type', 'OnDelete')
  defaultSelectorFromTemplate(o)
  setDefault(spec, 'replicas', 1)
  setDefault(spec, 'revisionHistoryLimit', 10)
  const ru = obj(us['rollingUpdate'])
  if (us['type'] === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0)
}

/** apps/v1beta2 SetDefaults_StatefulSet (same as apps/v1, which ../defaults applies). */
function v1beta2StatefulSet(o: J): void {
  const spec = ensure(o, 'spec')
  setDefault(spec, 'podManagementPolicy', 'OrderedReady')
  const us = ensure(spec, 'updateStrategy')
  if (!str(us['type'])) {
    us['type'] = 'RollingUpdate'
    if (!isObj(us['rollingUpdate'])) us['rollingUpdate'] = {}
  }
  const ru = obj(us['rollingUpdate'])
  if (us['type'] === 'RollingUpdate' && ru) setDefault(ru, 'partition', 0)
  setDefault(spec, 'replicas', 1)
  setDefault(spec, 'revisionHistoryLimit', 10)
}

/**
 * Converts an object sent at `apiVersion` to its storage version, applying the
 * request version's defaults. Storage-version objects come back as a copy.
 * Throws for (apiVersion, kind) pairs that are not served.
 */
export function convertToStorage(apiVersion: string, input: KubeObject): KubeObject {
  const kind = str(input.kind)
  const out = structuredClone(input) as unknown as J
  const storage = storageVersionOf(kind, apiVersion)
  if (storage === apiVersion) {
    out['apiVersion'] = apiVersion
    return out as unknown as KubeObject
  }
  const legacy = LEGACY.find((l) => l.apiVersion === apiVersion && l.kind === kind)
  if (!legacy) throw unsupported(apiVersion, kind)
  if (!isObj(out['metadata'])) out['metadata'] = {}
  switch (`${apiVersion}/${kind}`) {
    case 'extensions/v1beta1/DaemonSet': extensionsDaemonSet(out); break
    case 'apps/v1beta2/DaemonSet': v1beta2DaemonSet(out); break
    case 'apps/v1beta1/StatefulSet': v1beta1StatefulSet(out); break
    case 'apps/v1beta2/StatefulSet': v1beta2StatefulSet(out); break
  }
  out['apiVersion'] = legacy.storage
  return out as unknown as KubeObject
}

/**
 * Converts a storage-version object to `apiVersion` for responses on legacy URLs.
 * The content is the same apart from extensions/v1beta1 DaemonSets, which carry
 * the template generation as spec.templateGeneration instead of an annotation.
 */
export function convertFromStorage(apiVersion: string, input: KubeObject): KubeObject {
  const kind = str(input.kind)
  const out = structuredClone(input) as unknown as J
  if (str(input.apiVersion) === apiVersion) return out as unknown as KubeObject
  const storage = storageVersionOf(kind, apiVersion)
  if (storage === apiVersion) {
    out['apiVersion'] = apiVersion
    return out as unknown as KubeObject
  }
  const legacy = LEGACY.find((l) => l.apiVersion === apiVersion && l.kind === kind)
  if (!legacy) throw unsupported(apiVersion, kind)
  if (apiVersion === 'extensions/v1beta1' && kind === 'DaemonSet') {
    const meta = obj(out['metadata'])
    const ann = obj(meta?.['annotations'])
    const raw = str(ann?.[TEMPLATE_GENERATION_ANNOTATION])
    if (ann && TEMPLATE_GENERATION_ANNOTATION in ann) {
      delete ann[TEMPLATE_GENERATION_ANNOTATION]
      if (Object.keys(ann).length === 0 && meta) delete meta['annotations']
    }
    if (/^[0-9]+$/.test(raw)) ensure(out, 'spec')['templateGeneration'] = Number(raw)
  }
  out['apiVersion'] = apiVersion
  return out as unknown as KubeObject
}

/** The (apiVersion, kind) pairs convertToStorage accepts besides storage versions. */
export const LEGACY_VERSIONS: ReadonlyArray<{ apiVersion: string; kind: string }> = LEGACY.map(({ apiVersion, kind }) => ({ apiVersion, kind }))
