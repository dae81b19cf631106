/**
 * PersistentVolume, PersistentVolumeClaim and StorageClass validation.
 */
import { tryParseQuantity } from '../quantity/index.js'
import { child, fe, goValue, key, type Errs } from './field.js'
import { arr, byteLen, deepEqual, obj, objs, semanticEqual, sortedKeys, str, type J } from './json.js'
import { FIELD_IMMUTABLE_MSG, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js'
import { isDNS1123Subdomain, isQualifiedName, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js'
import { specDiff, validateCSIDriverName, validateHostPath, validateNFS, validateNodeSelector, validateResourceQuantity } from './common.js'

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain']
const VOLUME_MODES = ['Block', 'Filesystem']

/** [missing-modes error, per-mode errors]: callers interleave the selector check as upstream does. */
function validateAccessModes(modes: unknown, path: string, requiredDetail: string): [Errs, Errs] {
  const missing: Errs = []
  const errs: Errs = []
  const list = arr(modes).map(String)
  if (list.length === 0) missing.push(fe.required(path, requiredDetail))
  let rwop = false
  let other = false
  for (const m of list) {
    if (!ACCESS_MODES.includes(m)) errs.push(fe.notSupported(path, m, ACCESS_MODES))
    if (m === 'ReadWriteOncePod') rwop = true
    else if (ACCESS_MODES.includes(m)) other = true
  }
  if (rwop && other) errs.push(fe.forbidden(path, 'may not use ReadWriteOncePod with other access modes'))
  return [missing, errs]
}

function positiveQuantity(raw: unknown, path: string): Errs {
  const q = tryParseQuantity(raw)
  if (!q) return []
  return q.sign() <= 0 ? [fe.invalid(path, q.toString(), 'must be greater than zero')] : []
}

// ---------------------------------------------------------------- claims

export function validatePersistentVolumeClaimSpec(spec: J, path: string): Errs {
  const [missing, modeErrs] = validateAccessModes(spec['accessModes'], child(path, 'accessModes'), 'at least 1 access mode is required')
  const out: Errs = [...missing, ...validateLabelSelector(spec['selector'], child(path, 'selector')), ...modeErrs]
  const requests = obj(obj(spec['resources'])?.['requests']) ?? {}
  const storagePath = key(child(path, 'resources'), 'storage')
  if (!('storage' in requests)) out.push(fe.required(storagePath))
  else {
    const pos = positiveQuantity(requests['storage'], storagePath)
    if (pos.length) out.push(...pos)
    else out.push(...validateResourceQuantity('storage', requests['storage'], storagePath))
  }
  const sc = spec['storageClassName']
  if (typeof sc === 'string' && sc !== '') for (const m of nameIsDNSSubdomain(sc, false)) out.push(fe.invalid(child(path, 'storageClassName'), sc, m))
  const vm = spec['volumeMode']
  if (vm !== undefined && vm !== null && !VOLUME_MODES.includes(str(vm))) out.push(fe.notSupported(child(path, 'volumeMode'), str(vm), VOLUME_MODES))
  for (const [field, ref] of [['dataSource', obj(spec['dataSource'])], ['dataSourceRef', obj(spec['dataSourceRef'])]] as const) {
    if (!ref) continue
    const p = child(path, field)
    if (str(ref['name']) === '') out.push(fe.required(child(p, 'name')))
    if (str(ref['kind']) === '') out.push(fe.required(child(p, 'kind')))
    const group = str(ref['apiGroup'])
    if (group === '' && str(ref['kind']) !== 'PersistentVolumeClaim') out.push(fe.invalid(p, str(ref['kind']), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
    if (group !== '') for (const m of isDNS1123Subdomain(group)) out.push(fe.invalid(child(p, 'apiGroup'), group, m))
    const ns = str(ref['namespace'])
    if (field === 'dataSourceRef' && ns) for (const m of nameIsDNSLabel(ns, false)) out.push(fe.invalid(child(p, 'namespace'), ns, m))
  }
  const vacn = spec['volumeAttributesClassName']
  if (typeof vacn === 'string' && vacn !== '') for (const m of nameIsDNSSubdomain(vacn, false)) out.push(fe.invalid(child(path, 'volumeAttributesClassName'), vacn, m))
  return out
}

export function validatePersistentVolumeClaim(pvc: J): Errs {
  const errs = validateObjectMeta(pvc['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  errs.push(...validatePersistentVolumeClaimSpec(obj(pvc['spec']) ?? {}, 'spec'))
  return errs
}

const BETA_SC_ANNOTATION = 'volume.beta.kubernetes.io/storage-class'

export function validatePersistentVolumeClaimUpdate(pvc: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(pvc['metadata'], old['metadata'])
  errs.push(...validatePersistentVolumeClaim(pvc))
  const spec = { ...(obj(pvc['spec']) ?? {}) }
  const oldSpec = { ...(obj(old['spec']) ?? {}) }
  const ann = obj(obj(pvc['metadata'])?.['annotations']) ?? {}
  const oldAnn = obj(obj(old['metadata'])?.['annotations']) ?? {}
  if (str(oldSpec['volumeName']) === '') oldSpec['volumeName'] = spec['volumeName']
  const oldSc = oldSpec['storageClassName']
  const newSc = spec['storageClassName']
  const upgradeFromAnnotation = BETA_SC_ANNOTATION in oldAnn && (oldSc === undefined || oldSc === null) &&
    typeof newSc === 'string' && newSc === oldAnn[BETA_SC_ANNOTATION] && (!(BETA_SC_ANNOTATION in ann) || ann[BETA_SC_ANNOTATION] === oldAnn[BETA_SC_ANNOTATION])
  if (upgradeFromAnnotation) {
    delete spec['storageClassName']
  } else {
    if (str(ann[BETA_SC_ANNOTATION]) !== str(oldAnn[BETA_SC_ANNOTATION])) {
      errs.push(fe.invalid(`metadata.annotations.${BETA_SC_ANNOTATION}`, str(ann[BETA_SC_ANNOTATION]), FIELD_IMMUTABLE_MSG))
    }
    if (typeof newSc === 'string' && (oldSc === undefined || oldSc === null) && (!(BETA_SC_ANNOTATION in oldAnn) || newSc === oldAnn[BETA_SC_ANNOTATION])) {
      delete spec['storageClassName']
    }
  }
  const status = obj(pvc['status']) ?? {}
  const requests = obj(obj(spec['resources'])?.['requests'])
  if (str(status['phase']) === 'Bound' && requests) {
    const oldReq = obj(obj(oldSpec['resources'])?.['requests']) ?? {}
    spec['resources'] = { ...(obj(spec['resources']) ?? {}), requests: { ...requests, storage: oldReq['storage'] } }
  }
  spec['volumeAttributesClassName'] = oldSpec['volumeAttributesClassName']
  if (!semanticEqual(spec, oldSpec)) {
    errs.push(fe.forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(oldSpec, spec, 'core.PersistentVolumeClaimSpec')}`))
  }
  const newSize = tryParseQuantity(obj(obj(obj(pvc['spec'])?.['resources'])?.['requests'])?.['storage'] ?? '0')
  const oldSize = tryParseQuantity(obj(obj(obj(old['spec'])?.['resources'])?.['requests'])?.['storage'] ?? '0')
  const statusSize = tryParseQuantity(obj(obj(old['status'])?.['capacity'])?.['storage'] ?? '0')
  if (newSize && oldSize && statusSize && newSize.cmp(oldSize) < 0 && newSize.cmp(statusSize) <= 0) {
    errs.push(fe.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'))
  }
  errs.push(...immutableVolumeMode(obj(pvc['spec'])?.['volumeMode'], obj(old['spec'])?.['volumeMode']))
  const ov = obj(old['spec'])?.['volumeAttributesClassName']
  const nv = obj(pvc['spec'])?.['volumeAttributesClassName']
  if (typeof ov === 'string' && !deepEqual(ov, nv)) {
    if (nv === undefined || nv === null) errs.push(fe.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'))
    else if (nv === '') errs.push(fe.forbidden('spec.volumeAttributesClassName', 'update from non-nil value to an empty string is forbidden'))
  }
  return errs
}

function immutableVolumeMode(nv: unknown, ov: unknown): Errs {
  if (deepEqual(nv ?? null, ov ?? null)) return []
  return [fe.invalid('volumeMode', nv === undefined || nv === null ? null : str(nv), FIELD_IMMUTABLE_MSG)]
}

export function validatePersistentVolumeClaimStatusUpdate(pvc: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(pvc['metadata'], old['metadata'])
  if (arr(obj(pvc['spec'])?.['accessModes']).length === 0) errs.push(fe.required('Spec.accessModes'))
  const cap = obj(obj(pvc['status'])?.['capacity']) ?? {}
  for (const r of sortedKeys(cap)) {
    const q = tryParseQuantity(cap[r])
    if (q && q.value() < 0n) errs.push(fe.invalid(key('status.capacity', r), Number(q.value()), 'must be a valid resource quantity'))
  }
  return errs
}

// ---------------------------------------------------------------- volumes

/** PersistentVolumeSource fields in upstream's checking order: [json, validation path]. */
const PV_SOURCES: ReadonlyArray<readonly [string, string]> = [
  ['hostPath', 'hostPath'], ['gcePersistentDisk', 'persistentDisk'], ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'], ['flocker', 'flocker'], ['nfs', 'nfs'], ['rbd', 'rbd'], ['quobyte', 'quobyte'],
  ['cephfs', 'cephfs'], ['iscsi', 'iscsi'], ['cinder', 'cinder'], ['fc', 'fc'], ['flexVolume', 'flexVolume'],
  ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['scaleIO', 'scaleIO'], ['local', 'local'],
  ['storageos', 'storageos'], ['csi', 'csi'],
]
const PV_FORBID_PATH: Readonly<Record<string, string>> = { cephfs: 'cephFS' }

function validatePVSource(field: string, s: J, p: string): Errs {
  const req = (f: string): Errs => (str(s[f]) === '' ? [fe.required(child(p, f))] : [])
  switch (field) {
    case 'hostPath': return validateHostPath(s, p)
    case 'nfs': return validateNFS(s, p)
    case 'local': return str(s['path']) === '' ? [fe.required(child(p, 'path'))] : (str(s['path']).split('/').includes('..') ? [fe.invalid(child(p, 'path'), str(s['path']), "must not contain '..'")] : [])
    case 'csi': return [...validateCSIDriverName(str(s['driver']), child(p, 'driver')), ...req('volumeHandle')]
    case 'gcePersistentDisk': return req('pdName')
    case 'awsElasticBlockStore': case 'cinder': case 'portworxVolume': return req('volumeID')
    case 'glusterfs': return [...req('endpoints'), ...req('path')]
    case 'rbd': return [...(arr(s['monitors']).length === 0 ? [fe.required(child(p, 'monitors'))] : []), ...req('image')]
    case 'cephfs': return arr(s['monitors']).length === 0 ? [fe.required(child(p, 'monitors'))] : []
    case 'iscsi': return [...req('targetPortal'), ...req('iqn')]
    case 'flexVolume': return req('driver')
    case 'azureFile': return [...req('secretName'), ...req('shareName')]
    case 'vsphereVolume': return req('volumePath')
    case 'photonPersistentDisk': return req('pdID')
    case 'azureDisk': return [...req('diskName'), ...(str(s['diskURI']) === '' ? [fe.required(child(p, 'diskURI'))] : [])]
    case 'scaleIO': return [...req('gateway'), ...req('system'), ...req('volumeName')]
    case 'storageos': return req('volumeName')
    default: return []
  }
}

export function validatePersistentVolumeSpec(spec: J, path: string): Errs {
  const [missing, modeErrs] = validateAccessModes(spec['accessModes'], child(path, 'accessModes'), '')
  const errs = [...missing, ...modeErrs]
  const capacity = obj(spec['capacity'])
  if (!capacity || Object.keys(capacity).length === 0) errs.push(fe.required(child(path, 'capacity')))
  if (!capacity || !('storage' in capacity) || Object.keys(capacity).length > 1) {
    const rendered = goValue(capacity ? `core.ResourceList{${sortedKeys(capacity).map((k) => `${JSON.stringify(k)}:${String(tryParseQuantity(capacity[k]) ?? capacity[k])}`).join(', ')}}` : 'core.ResourceList(nil)')
    errs.push(fe.notSupported(child(path, 'capacity'), rendered, ['storage']))
  }
  for (const r of sortedKeys(capacity)) {
    const p = key(child(path, 'capacity'), r)
    const q = tryParseQuantity(capacity![r])
    if (q && q.value() < 0n) errs.push(fe.invalid(p, Number(q.value()), 'must be a valid resource quantity'))
    errs.push(...positiveQuantity(capacity![r], p))
  }
  const rp = str(spec['persistentVolumeReclaimPolicy'])
  if (rp !== '' && !RECLAIM_POLICIES.includes(rp)) errs.push(fe.notSupported(child(path, 'persistentVolumeReclaimPolicy'), rp, RECLAIM_POLICIES))
  let nodeAffinitySpecified = false
  const na = obj(spec['nodeAffinity'])
  if (na) {
    nodeAffinitySpecified = true
    const req = obj(na['required'])
    if (req) errs.push(...validateNodeSelector(req, child(path, 'nodeAffinity', 'required')))
    else errs.push(fe.required(child(path, 'nodeAffinity', 'required'), 'must specify required node constraints'))
  }
  let n = 0
  for (const [field, vpath] of PV_SOURCES) {
    const s = spec[field]
    if (s === undefined || s === null) continue
    if (n > 0 && field !== 'flexVolume') {
      errs.push(fe.forbidden(child(path, PV_FORBID_PATH[field] ?? field), 'may not specify more than 1 volume type'))
      continue
    }
    n++
    errs.push(...validatePVSource(field, obj(s) ?? {}, child(path, vpath)))
    if (field === 'local' && !nodeAffinitySpecified) errs.push(fe.required(child(path, 'nodeAffinity'), 'Local volume requires node affinity'))
  }
  if (n === 0) errs.push(fe.required(path, 'must specify a volume type'))
  const hp = obj(spec['hostPath'])
  if (hp && normalizePath(str(hp['path'])) === '/' && rp === 'Recycle') {
    errs.push(fe.forbidden(child(path, 'persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"))
  }
  const sc = str(spec['storageClassName'])
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(fe.invalid(child(path, 'storageClassName'), sc, m))
  const vm = spec['volumeMode']
  if (vm !== undefined && vm !== null && !VOLUME_MODES.includes(str(vm))) errs.push(fe.notSupported(child(path, 'volumeMode'), str(vm), VOLUME_MODES))
  return errs
}

function normalizePath(p: string): string {
  const parts: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  return p.startsWith('/') ? `/${parts.join('/')}` : parts.join('/') || '.'
}

export function validatePersistentVolume(pv: J): Errs {
  const errs = validateObjectMeta(pv['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain })
  errs.push(...validatePersistentVolumeSpec(obj(pv['spec']) ?? {}, 'spec'))
  return errs
}

const PV_NON_SOURCE_FIELDS = new Set([
  'accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy',
  'storageClassName', 'volumeMode', 'volumeAttributesClassName',
])

export function validatePersistentVolumeUpdate(pv: J, old: J): Errs {
  const errs = validatePersistentVolume(pv)
  const spec = obj(pv['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  const source = (s: J): J => Object.fromEntries(Object.entries(s).filter(([k]) => !PV_NON_SOURCE_FIELDS.has(k)))
  const ns = source(spec)
  const os = source(oldSpec)
  const ncsi = obj(ns['csi'])
  const ocsi = obj(os['csi'])
  if (ocsi && ncsi && !ocsi['controllerExpandSecretRef'] && ncsi['controllerExpandSecretRef']) ns['csi'] = { ...ncsi, controllerExpandSecretRef: undefined }
  if (!semanticEqual(ns, os)) {
    errs.push(fe.forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff(os, ns, 'core.PersistentVolumeSource')}`))
  }
  errs.push(...immutableVolumeMode(spec['volumeMode'], oldSpec['volumeMode']))
  if (oldSpec['nodeAffinity'] !== undefined && oldSpec['nodeAffinity'] !== null && !semanticEqual(spec['nodeAffinity'], oldSpec['nodeAffinity'])) {
    errs.push(fe.invalid('nodeAffinity', goValue('&core.VolumeNodeAffinity{…}'), FIELD_IMMUTABLE_MSG))
  }
  return errs
}

export function validatePersistentVolumeStatusUpdate(pv: J, old: J): Errs {
  return validateObjectMetaUpdate(pv['metadata'], old['metadata'])
}

// ---------------------------------------------------------------- storage classes

export function validateStorageClass(sc: J): Errs {
  const errs = validateObjectMeta(sc['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain })
  const prov = str(sc['provisioner'])
  if (prov === '') errs.push(fe.required('provisioner', prov))
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(fe.invalid('provisioner', prov.toLowerCase(), m))
  const params = obj(sc['parameters']) ?? {}
  if (Object.keys(params).length > 512) errs.push(fe.tooLong('parameters', 512))
  else {
    let total = 0
    for (const k of sortedKeys(params)) {
      if (k.length < 1) errs.push(fe.invalid('parameters', k, 'field can not be empty.'))
      total += byteLen(k) + byteLen(str(params[k]))
    }
    if (total > 256 * 1024) errs.push(fe.tooLong('parameters', 256 * 1024))
  }
  const rp = sc['reclaimPolicy']
  if (typeof rp === 'string' && rp !== '' && rp !== 'Delete' && rp !== 'Retain') errs.push(fe.notSupported('reclaimPolicy', rp, ['Delete', 'Retain']))
  const vbm = sc['volumeBindingMode']
  if (vbm === undefined || vbm === null) errs.push(fe.required('volumeBindingMode'))
  else if (vbm !== 'Immediate' && vbm !== 'WaitForFirstConsumer') errs.push(fe.notSupported('volumeBindingMode', str(vbm), ['Immediate', 'WaitForFirstConsumer']))
  objs(sc['allowedTopologies']).forEach((t, i) => {
    const keys = new Set<string>()
    objs(t['matchLabelExpressions']).forEach((r, j) => {
      const p = `allowedTopologies[${i}].matchLabelExpressions[${j}]`
      const values = arr(r['values']).map(String)
      if (values.length === 0) errs.push(fe.required(child(p, 'values')))
      const seen = new Set<string>()
      values.forEach((v, vi) => { if (seen.has(v)) errs.push(fe.duplicate(`${p}.values[${vi}]`, v)); seen.add(v) })
      for (const m of isQualifiedName(str(r['key']))) errs.push(fe.invalid(child(p, 'key'), str(r['key']), m))
      if (keys.has(str(r['key']))) errs.push(fe.duplicate(child(p, 'key'), str(r['key'])))
      keys.add(str(r['key']))
    })
  })
  return errs
}

export function validateStorageClassUpdate(sc: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(sc['metadata'], old['metadata'])
  if (!deepEqual(sc['parameters'] ?? {}, old['parameters'] ?? {})) errs.push(fe.forbidden('parameters', 'updates to parameters are forbidden.'))
  if (str(sc['provisioner']) !== str(old['provisioner'])) errs.push(fe.forbidden('provisioner', 'updates to provisioner are forbidden.'))
  if (str(sc['reclaimPolicy']) !== str(old['reclaimPolicy'])) errs.push(fe.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'))
  if (!deepEqual(sc['volumeBindingMode'] ?? null, old['volumeBindingMode'] ?? null)) {
    errs.push(fe.invalid('volumeBindingMode', sc['volumeBindingMode'] === undefined ? null : str(sc['volumeBindingMode']), FIELD_IMMUTABLE_MSG))
  }
  return errs
}

