/**
 * Pod, PodSpec and PodTemplateSpec validation, after pkg/apis/core/validation
 * (ValidatePodSpec, validateContainers, ValidateVolumes, ValidatePodUpdate, …).
 */
import { tryParseQuantity } from '../quantity/index.js'
import { child, fe, goQuote, goStringSlice, goStruct, goValue, index, key, type Errs } from './field.js'
import { arr, byteLen, deepEqual, num, obj, objs, semanticEqual, sortedKeys, str, type J } from './json.js'
import {
  validateAnnotations, validateLabelName, validateLabels, validateLabelSelector, nonNegative,
  validateObjectMeta, validateObjectMetaUpdate, validateTemplateObjectMeta,
} from './meta.js'
import {
  IP_ERROR, inclusiveRangeError, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isHTTPHeaderName,
  isIP, isIPv6, isQualifiedName, isRelaxedEnvVarName, isValidLabelValue, isValidPortName, isValidPortNum,
  isValidUserOrGroupID, nameIsDNSLabel, nameIsDNSSubdomain, parseIPv4,
} from './names.js'
import { validatePersistentVolumeClaimSpec } from './storage.js'
import {
  isNativeResource, specDiff, validateCSIDriverName, validateHostPath, validateLocalDescendingPath, validateNFS,
  validateNoBacksteps, validateNodeSelector, validateNodeSelectorTerm, validateResourceQuantity,
} from './common.js'

const MAX_INT32 = 2147483647
const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive'

export interface PodValidationOptions {
  /** the object is a Pod (not a template embedded in a workload) */
  resourceIsPod: boolean
}

const dnsLabel = (v: string, path: string): Errs => isDNS1123Label(v).map((m) => fe.invalid(path, v, m))
const dnsSubdomain = (v: string, path: string): Errs => isDNS1123Subdomain(v).map((m) => fe.invalid(path, v, m))
const qualifiedName = (v: string, path: string): Errs => isQualifiedName(v).map((m) => fe.invalid(path, v, m))
const ipErrors = (v: string, path: string): Errs => (isIP(v) ? [] : [fe.invalid(path, v, IP_ERROR)])

function validateLocalNonReservedPath(p: string, path: string): Errs {
  const errs = validateLocalDescendingPath(p, path)
  if (p.startsWith('..') && !p.startsWith('../')) errs.push(fe.invalid(path, p, "must not start with '..'"))
  return errs
}

function fileMode(v: unknown, path: string): Errs {
  const n = num(v)
  return n !== undefined && (n > 0o777 || n < 0) ? [fe.invalid(path, n, FILE_MODE_MSG)] : []
}

// ---------------------------------------------------------------- volumes

function validateKeyToPath(kp: J, path: string): Errs {
  const errs: Errs = []
  if (str(kp['key']) === '') errs.push(fe.required(child(path, 'key')))
  if (str(kp['path']) === '') errs.push(fe.required(child(path, 'path')))
  errs.push(...validateLocalNonReservedPath(str(kp['path']), child(path, 'path')))
  errs.push(...fileMode(kp['mode'], child(path, 'mode')))
  return errs
}

const required = (o: J, field: string, path: string): Errs => (str(o[field]) === '' ? [fe.required(child(path, field))] : [])

function validateDownwardAPIFile(f: J, path: string): Errs {
  const errs: Errs = []
  if (str(f['path']) === '') errs.push(fe.required(child(path, 'path')))
  errs.push(...validateLocalNonReservedPath(str(f['path']), child(path, 'path')))
  const fieldRef = obj(f['fieldRef'])
  const resRef = obj(f['resourceFieldRef'])
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, child(path, 'fieldRef')))
    if (resRef) errs.push(fe.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'))
  } else if (resRef) {
    errs.push(...validateResourceFieldSelector(resRef, child(path, 'resourceFieldRef'), true))
  } else {
    errs.push(fe.required(path, 'one of fieldRef and resourceFieldRef is required'))
  }
  errs.push(...fileMode(f['mode'], child(path, 'mode')))
  return errs
}

function validateProjected(p: J, path: string): Errs {
  const errs = fileMode(p['defaultMode'], child(path, 'defaultMode'))
  const seen = new Set<string>()
  const addPath = (cur: string, value: string) => {
    if (seen.has(cur)) errs.push(fe.invalid(path, value, 'conflicting duplicate paths'))
    else seen.add(cur)
  }
  objs(p['sources']).forEach((src, i) => {
    let n = 0
    const srcPath = index(child(path, 'sources'), i)
    for (const kind of ['secret', 'configMap'] as const) {
      const s = obj(src[kind])
      if (!s) continue
      n++
      const pp = child(srcPath, kind)
      if (str(s['name']) === '') errs.push(fe.required(child(pp, 'name')))
      objs(s['items']).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, index(child(pp, 'items'), j)))
        if (str(kp['path'])) addPath(str(kp['path']), str(s['name']))
      })
    }
    const da = obj(src['downwardAPI'])
    if (da) {
      n++
      for (const f of objs(da['items'])) {
        errs.push(...validateDownwardAPIFile(f, child(srcPath, 'downwardAPI')))
        if (str(f['path'])) addPath(str(f['path']), str(f['path']))
      }
    }
    const sat = obj(src['serviceAccountToken'])
    if (sat) {
      n++
      const pp = child(srcPath, 'serviceAccountToken')
      const exp = num(sat['expirationSeconds']) ?? 3600
      if (exp < 600) errs.push(fe.invalid(child(pp, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'))
      if (exp > 2 ** 32) errs.push(fe.invalid(child(pp, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'))
      if (str(sat['path']) === '') errs.push(fe.required(child(path, 'path')))
      else errs.push(...validateLocalNonReservedPath(str(sat['path']), child(path, 'path')))
    }
    const ctb = obj(src['clusterTrustBundle'])
    if (ctb) {
      n++
      const pp = child(srcPath, 'clusterTrustBundlePEM')
      if (str(ctb['path']) === '') errs.push(fe.required(child(pp, 'path')))
      errs.push(...validateLocalNonReservedPath(str(ctb['path']), child(pp, 'path')))
      addPath(str(ctb['path']), str(ctb['path']))
    }
    if (n > 1) errs.push(fe.forbidden(srcPath, 'may not specify more than 1 volume type'))
  })
  return errs
}

/** [json field, path used for the "more than 1" error, path used for validation, validator] in upstream's order. */
type SourceCheck = readonly [string, string, string, (s: J, path: string, volName: string, podMeta: J | undefined) => Errs]

const SOURCE_CHECKS: readonly SourceCheck[] = [
  ['emptyDir', 'emptyDir', 'emptyDir', (s, p) => {
    const q = s['sizeLimit'] === undefined ? undefined : tryParseQuantity(s['sizeLimit'])
    return q && q.sign() < 0 ? [fe.forbidden(child(p, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')] : []
  }],
  ['hostPath', 'hostPath', 'hostPath', (s, p) => validateHostPath(s, p)],
  ['gitRepo', 'gitRepo', 'gitRepo', (s, p) => [...required(s, 'repository', p), ...validateLocalDescendingPath(str(s['directory']), child(p, 'directory'))]],
  ['gcePersistentDisk', 'gcePersistentDisk', 'persistentDisk', (s, p) => [...required(s, 'pdName', p), ...partition(s, p)]],
  ['awsElasticBlockStore', 'awsElasticBlockStore', 'awsElasticBlockStore', (s, p) => [...required(s, 'volumeID', p), ...partition(s, p)]],
  ['secret', 'secret', 'secret', (s, p) => [
    ...required(s, 'secretName', p), ...fileMode(s['defaultMode'], child(p, 'defaultMode')),
    ...objs(s['items']).flatMap((kp, i) => validateKeyToPath(kp, index(child(p, 'items'), i))),
  ]],
  ['nfs', 'nfs', 'nfs', (s, p) => validateNFS(s, p)],
  ['iscsi', 'iscsi', 'iscsi', (s, p) => [...required(s, 'targetPortal', p), ...required(s, 'iqn', p)]],
  ['glusterfs', 'glusterfs', 'glusterfs', (s, p) => [...required(s, 'endpoints', p), ...required(s, 'path', p)]],
  ['flocker', 'flocker', 'flocker', (s, p) => (str(s['datasetName']) === '' && str(s['datasetUUID']) === '' ? [fe.required(p, 'one of datasetName and datasetUUID is required')] : [])],
  ['persistentVolumeClaim', 'persistentVolumeClaim', 'persistentVolumeClaim', (s, p) => required(s, 'claimName', p)],
  ['rbd', 'rbd', 'rbd', (s, p) => [...(arr(s['monitors']).length === 0 ? [fe.required(child(p, 'monitors'))] : []), ...required(s, 'image', p)]],
  ['cinder', 'cinder', 'cinder', (s, p) => required(s, 'volumeID', p)],
  ['cephfs', 'cephFS', 'cephfs', (s, p) => (arr(s['monitors']).length === 0 ? [fe.required(child(p, 'monitors'))] : [])],
  ['quobyte', 'quobyte', 'quobyte', (s, p) => [...(str(s['registry']) === '' ? [fe.required(child(p, 'registry'), 'must be a host:port pair or multiple pairs separated by commas')] : []), ...required(s, 'volume', p)]],
  ['downwardAPI', 'downwarAPI', 'downwardAPI', (s, p) => [...fileMode(s['defaultMode'], child(p, 'defaultMode')), ...objs(s['items']).flatMap((f) => validateDownwardAPIFile(f, p))]],
  ['fc', 'fc', 'fc', (s, p) => (arr(s['targetWWNs']).length < 1 && arr(s['wwids']).length < 1 ? [fe.required(child(p, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both')] : [])],
  ['flexVolume', 'flexVolume', 'flexVolume', (s, p) => required(s, 'driver', p)],
  ['configMap', 'configMap', 'configMap', (s, p) => [
    ...required(s, 'name', p), ...fileMode(s['defaultMode'], child(p, 'defaultMode')),
    ...objs(s['items']).flatMap((kp, i) => validateKeyToPath(kp, index(child(p, 'items'), i))),
  ]],
  ['azureFile', 'azureFile', 'azureFile', (s, p) => [...required(s, 'secretName', p), ...required(s, 'shareName', p)]],
  ['vsphereVolume', 'vsphereVolume', 'vsphereVolume', (s, p) => required(s, 'volumePath', p)],
  ['photonPersistentDisk', 'photonPersistentDisk', 'photonPersistentDisk', (s, p) => required(s, 'pdID', p)],
  ['portworxVolume', 'portworxVolume', 'portworxVolume', (s, p) => required(s, 'volumeID', p)],
  ['azureDisk', 'azureDisk', 'azureDisk', (s, p) => [...required(s, 'diskName', p), ...(str(s['diskURI']) === '' ? [fe.required(child(p, 'diskURI'))] : [])]],
  ['storageos', 'storageos', 'storageos', (s, p) => (str(s['volumeName']) === '' ? [fe.required(child(p, 'volumeName'))] : dnsLabel(str(s['volumeName']), child(p, 'volumeName')))],
  ['projected', 'projected', 'projected', (s, p) => validateProjected(s, p)],
  ['scaleIO', 'scaleIO', 'scaleIO', (s, p) => [...required(s, 'gateway', p), ...required(s, 'system', p), ...required(s, 'volumeName', p)]],
  ['csi', 'csi', 'csi', (s, p) => validateCSIDriverName(str(s['driver']), child(p, 'driver'))],
  ['ephemeral', 'ephemeral', 'ephemeral', (s, p, volName, podMeta) => {
    const t = obj(s['volumeClaimTemplate'])
    if (!t) return [fe.required(child(p, 'volumeClaimTemplate'))]
    const errs = validateTemplateObjectMeta(t['metadata'], child(p, 'volumeClaimTemplate', 'metadata'))
    errs.push(...validatePersistentVolumeClaimSpec(obj(t['spec']) ?? {}, child(p, 'volumeClaimTemplate', 'spec')))
    const podName = str(podMeta?.['name'])
    if (podName && volName) {
      const pvc = `${podName}-${volName}`
      for (const m of nameIsDNSSubdomain(pvc, false)) errs.push(fe.invalid(child(p, 'name'), volName, `PVC name ${goQuote(pvc)}: ${m}`))
    }
    return errs
  }],
  ['image', 'image', 'image', (s, p) => (str(s['reference']) === '' ? [fe.required(child(p, 'reference'))] : [])],
]

function partition(s: J, p: string): Errs {
  const n = num(s['partition']) ?? 0
  return n < 0 || n > 255 ? [fe.invalid(child(p, 'partition'), n, inclusiveRangeError(1, 255))] : []
}

function validateVolumeSource(v: J, path: string, volName: string, podMeta: J | undefined): Errs {
  let n = 0
  const errs: Errs = []
  for (const [field, forbidPath, validPath, check] of SOURCE_CHECKS) {
    const s = v[field]
    if (s === undefined || s === null) continue
    if (n > 0) {
      errs.push(fe.forbidden(child(path, forbidPath), 'may not specify more than 1 volume type'))
      continue
    }
    n++
    errs.push(...check(obj(s) ?? {}, child(path, validPath), volName, podMeta))
  }
  if (n === 0) errs.push(fe.required(path, 'must specify a volume type'))
  return errs
}

export function validateVolumes(volumes: unknown, podMeta: J | undefined, path: string): { vols: Map<string, J>; errs: Errs } {
  const errs: Errs = []
  const vols = new Map<string, J>()
  const names = new Set<string>()
  const createdPVCs = new Set<string>()
  const podName = str(podMeta?.['name'])
  if (podName) for (const v of objs(volumes)) if (v['ephemeral']) createdPVCs.add(`${podName}-${str(v['name'])}`)
  objs(volumes).forEach((v, i) => {
    const idx = index(path, i)
    const name = str(v['name'])
    const el = validateVolumeSource(v, idx, name, podMeta)
    if (name === '') el.push(fe.required(child(idx, 'name')))
    else el.push(...dnsLabel(name, child(idx, 'name')))
    if (names.has(name)) el.push(fe.duplicate(child(idx, 'name'), name))
    if (el.length === 0) {
      names.add(name)
      vols.set(name, v)
    } else errs.push(...el)
    const claim = str(obj(v['persistentVolumeClaim'])?.['claimName'])
    if (claim && createdPVCs.has(claim)) {
      errs.push(fe.invalid(child(idx, 'persistentVolumeClaim', 'claimName'), claim, 'must not reference a PVC that gets created for an ephemeral volume'))
    }
  })
  return { vols, errs }
}

// ---------------------------------------------------------------- env

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs']
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid']
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory']

function validateObjectFieldSelector(fs: J, expressions: readonly string[], path: string): Errs {
  if (str(fs['apiVersion']) === '') return [fe.required(child(path, 'apiVersion'))]
  const fp = str(fs['fieldPath'])
  if (fp === '') return [fe.required(child(path, 'fieldPath'))]
  if (str(fs['apiVersion']) !== 'v1') return [fe.invalid(child(path, 'fieldPath'), fp, `error converting fieldPath: unsupported pod version: ${str(fs['apiVersion'])}`)]
  const m = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fp) ?? /^([^[]+)\[(.*)\]$/.exec(fp)
  if (m) {
    const p = m[1]!
    const sub = m[2]!
    if (p === 'metadata.annotations') return qualifiedName(sub.toLowerCase(), path)
    if (p === 'metadata.labels') return qualifiedName(sub, path)
    return [fe.invalid(path, p, 'does not support subscript')]
  }
  if (!expressions.includes(fp)) return [fe.notSupported(child(path, 'fieldPath'), fp, [...expressions].sort())]
  return []
}

function validateResourceFieldSelector(fs: J, path: string, volume: boolean): Errs {
  const errs: Errs = []
  const res = str(fs['resource'])
  if (volume && str(fs['containerName']) === '') errs.push(fe.required(child(path, 'containerName')))
  else if (res === '') errs.push(fe.required(child(path, 'resource')))
  else if (!RESOURCE_FIELD_PATHS.includes(res) && !res.startsWith('requests.hugepages-') && !res.startsWith('limits.hugepages-')) {
    errs.push(fe.notSupported(child(path, 'resource'), res, RESOURCE_FIELD_PATHS))
  }
  return errs
}

function validateEnv(env: unknown, path: string): Errs {
  const errs: Errs = []
  objs(env).forEach((ev, i) => {
    const idx = index(path, i)
    const name = str(ev['name'])
    if (name === '') errs.push(fe.required(child(idx, 'name')))
    else for (const m of isRelaxedEnvVarName(name)) errs.push(fe.invalid(child(idx, 'name'), name, m))
    const vf = obj(ev['valueFrom'])
    if (!vf) return
    const vfPath = child(idx, 'valueFrom')
    let n = 0
    const fr = obj(vf['fieldRef'])
    if (fr) { n++; errs.push(...validateObjectFieldSelector(fr, ENV_FIELD_PATHS, child(vfPath, 'fieldRef'))) }
    const rr = obj(vf['resourceFieldRef'])
    if (rr) { n++; errs.push(...validateResourceFieldSelector(rr, child(vfPath, 'resourceFieldRef'), false)) }
    for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const s = obj(vf[kind])
      if (!s) continue
      n++
      const p = child(vfPath, kind)
      for (const m of nameIsDNSSubdomain(str(s['name']), false)) errs.push(fe.invalid(child(p, 'name'), str(s['name']), m))
      if (str(s['key']) === '') errs.push(fe.required(child(p, 'key')))
      else for (const m of isConfigMapKey(str(s['key']))) errs.push(fe.invalid(child(p, 'key'), str(s['key']), m))
    }
    if (n === 0) errs.push(fe.invalid(vfPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'))
    else if (str(ev['value']) !== '') errs.push(fe.invalid(vfPath, '', 'may not be specified when `value` is not empty'))
    else if (n > 1) errs.push(fe.invalid(vfPath, '', 'may not have more than one field specified at a time'))
  })
  return errs
}

function validateEnvFrom(envFrom: unknown, path: string): Errs {
  const errs: Errs = []
  objs(envFrom).forEach((ev, i) => {
    const idx = index(path, i)
    const prefix = str(ev['prefix'])
    if (prefix) for (const m of isRelaxedEnvVarName(prefix)) errs.push(fe.invalid(child(idx, 'prefix'), prefix, m))
    let n = 0
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const s = obj(ev[kind])
      if (!s) continue
      n++
      const name = str(s['name'])
      if (name === '') errs.push(fe.required(child(idx, kind, 'name')))
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(fe.invalid(child(idx, kind, 'name'), name, m))
    }
    if (n === 0) errs.push(fe.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'))
    else if (n > 1) errs.push(fe.invalid(path, '', 'may not have more than one field specified at a time'))
  })
  return errs
}

// ---------------------------------------------------------------- mounts, ports, resources

function validateVolumeMounts(ctr: J, vols: Map<string, J>, path: string): Errs {
  const errs: Errs = []
  const mountPaths = new Set<string>()
  const devices = objs(ctr['volumeDevices'])
  const devNames = new Set(devices.map((d) => str(d['name'])))
  const devPaths = new Set(devices.map((d) => str(d['devicePath'])))
  const privileged = obj(ctr['securityContext'])?.['privileged'] === true
  objs(ctr['volumeMounts']).forEach((mnt, i) => {
    const idx = index(path, i)
    const name = str(mnt['name'])
    const mp = str(mnt['mountPath'])
    if (name === '') errs.push(fe.required(child(idx, 'name')))
    if (!vols.has(name)) errs.push(fe.notFound(child(idx, 'name'), name))
    if (mp === '') errs.push(fe.required(child(idx, 'mountPath')))
    if (mountPaths.has(mp)) errs.push(fe.invalid(child(idx, 'mountPath'), mp, 'must be unique'))
    mountPaths.add(mp)
    if (devNames.has(name)) errs.push(fe.invalid(child(idx, 'name'), name, 'must not already exist in volumeDevices'))
    if (devPaths.has(mp)) errs.push(fe.invalid(child(idx, 'mountPath'), mp, 'must not already exist as a path in volumeDevices'))
    const subPath = str(mnt['subPath'])
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, child(path, 'subPath')))
    const subPathExpr = str(mnt['subPathExpr'])
    if (subPathExpr) {
      if (subPath) errs.push(fe.invalid(child(idx, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'))
      errs.push(...validateLocalDescendingPath(subPathExpr, child(path, 'subPathExpr')))
    }
    const prop = mnt['mountPropagation']
    if (prop !== undefined && prop !== null) {
      const supported = ['Bidirectional', 'HostToContainer', 'None']
      if (!supported.includes(str(prop))) errs.push(fe.notSupported(child(path, 'mountPropagation'), str(prop), supported))
      if (prop === 'Bidirectional' && !privileged) errs.push(fe.forbidden(child(path, 'mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'))
    }
    const rro = mnt['recursiveReadOnly']
    if (rro !== undefined && rro !== null) {
      const p = child(path, 'recursiveReadOnly')
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mnt['readOnly'] !== true) errs.push(fe.forbidden(p, 'may only be specified when readOnly is true'))
        if (prop !== undefined && prop !== null && prop !== 'None') errs.push(fe.forbidden(p, 'may only be specified when mountPropagation is None or not specified'))
      } else if (rro !== 'Disabled') errs.push(fe.notSupported(p, str(rro), ['Disabled', 'Enabled', 'IfPossible']))
    }
  })
  return errs
}

function validateVolumeDevices(ctr: J, vols: Map<string, J>, path: string): Errs {
  const errs: Errs = []
  const mounts = objs(ctr['volumeMounts'])
  const mountNames = new Set(mounts.map((m) => str(m['name'])))
  const mountPaths = new Set(mounts.map((m) => str(m['mountPath'])))
  const paths = new Set<string>()
  const names = new Set<string>()
  objs(ctr['volumeDevices']).forEach((d, i) => {
    const idx = index(path, i)
    const name = str(d['name'])
    const dp = str(d['devicePath'])
    const v = vols.get(name)
    const isPVC = v !== undefined && (v['persistentVolumeClaim'] !== undefined || v['ephemeral'] !== undefined)
    if (name === '') errs.push(fe.required(child(idx, 'name')))
    if (names.has(name)) errs.push(fe.invalid(child(idx, 'name'), name, 'must be unique'))
    if (v && !isPVC) errs.push(fe.invalid(child(idx, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'))
    if (!v) errs.push(fe.notFound(child(idx, 'name'), name))
    if (dp === '') errs.push(fe.required(child(idx, 'devicePath')))
    if (paths.has(dp)) errs.push(fe.invalid(child(idx, 'devicePath'), dp, 'must be unique'))
    if (dp && validateNoBacksteps(dp, '').length > 0) errs.push(fe.invalid(child(idx, 'devicePath'), dp, "can not contain backsteps ('..')"))
    else paths.add(dp)
    if (mountNames.has(name)) errs.push(fe.invalid(child(idx, 'name'), name, 'must not already exist in volumeMounts'))
    if (mountPaths.has(dp)) errs.push(fe.invalid(child(idx, 'devicePath'), dp, 'must not already exist as a path in volumeMounts'))
    if (name) names.add(name)
  })
  return errs
}

const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP']

function validateContainerPorts(ports: unknown, path: string): Errs {
  const errs: Errs = []
  const names = new Set<string>()
  objs(ports).forEach((p, i) => {
    const idx = index(path, i)
    const name = str(p['name'])
    if (name) {
      const msgs = isValidPortName(name)
      if (msgs.length) for (const m of msgs) errs.push(fe.invalid(child(idx, 'name'), name, m))
      else if (names.has(name)) errs.push(fe.duplicate(child(idx, 'name'), name))
      else names.add(name)
    }
    const cp = num(p['containerPort']) ?? 0
    if (cp === 0) errs.push(fe.required(child(idx, 'containerPort')))
    else for (const m of isValidPortNum(cp)) errs.push(fe.invalid(child(idx, 'containerPort'), cp, m))
    const hp = num(p['hostPort']) ?? 0
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fe.invalid(child(idx, 'hostPort'), hp, m))
    const proto = str(p['protocol'])
    if (proto === '') errs.push(fe.required(child(idx, 'protocol')))
    else if (!PORT_PROTOCOLS.includes(proto)) errs.push(fe.notSupported(child(idx, 'protocol'), proto, PORT_PROTOCOLS))
  })
  return errs
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage'])
const isHugePages = (n: string): boolean => n.startsWith('hugepages-')
const isExtendedResource = (n: string): boolean =>
  !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0
/** cpu, memory, ephemeral-storage and hugepages may be overcommitted; extended resources may not. */
const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePages(n)

function validateContainerResourceName(n: string, path: string): Errs {
  const errs = isQualifiedName(n).map((m) => fe.invalid(path, n, m))
  if (errs.length) return errs
  if (!n.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(n) && !isHugePages(n)) return [fe.invalid(path, n, 'must be a standard resource type or fully qualified')]
    return []
  }
  if (!isNativeResource(n) && !isExtendedResource(n)) return [fe.invalid(path, n, "doesn't follow extended resource name standard")]
  return []
}

export function validateResourceRequirements(res: unknown, path: string): Errs {
  const r = obj(res) ?? {}
  const errs: Errs = []
  const limPath = child(path, 'limits')
  const reqPath = child(path, 'requests')
  const limits = obj(r['limits']) ?? {}
  const requests = obj(r['requests']) ?? {}
  let limCpuMem = false
  let reqCpuMem = false
  let limHuge = false
  let reqHuge = false
  for (const name of sortedKeys(limits)) {
    const p = key(limPath, name)
    errs.push(...validateContainerResourceName(name, p))
    errs.push(...validateResourceQuantity(name, limits[name], p))
    if (isHugePages(name)) limHuge = true
    if (name === 'cpu' || name === 'memory') limCpuMem = true
  }
  for (const name of sortedKeys(requests)) {
    const p = key(reqPath, name)
    errs.push(...validateContainerResourceName(name, p))
    errs.push(...validateResourceQuantity(name, requests[name], p))
    const q = tryParseQuantity(requests[name])
    if (name in limits) {
      const l = tryParseQuantity(limits[name])
      if (q && l) {
        if (q.cmp(l) !== 0 && !isOvercommitAllowed(name)) {
          errs.push(fe.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${l.toString()}`))
        } else if (q.cmp(l) > 0) {
          errs.push(fe.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${l.toString()}`))
        }
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fe.required(limPath, 'Limit must be set for non overcommitable resources'))
    }
    if (isHugePages(name)) reqHuge = true
    if (name === 'cpu' || name === 'memory') reqCpuMem = true
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(fe.forbidden(path, 'HugePages require cpu or memory'))
  return errs
}

// ---------------------------------------------------------------- probes and handlers

function validatePortNumOrName(port: unknown, path: string): Errs {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fe.invalid(path, port, m))
  if (typeof port === 'string') {
    if (/^[0-9]+$/.test(port)) return isValidPortNum(Number(port)).map((m) => fe.invalid(path, Number(port), m))
    return isValidPortName(port).map((m) => fe.invalid(path, port, m))
  }
  return isValidPortNum(0).map((m) => fe.invalid(path, 0, m))
}

function validateHandler(h: J, grace: number | undefined, path: string, allowSleep: boolean, allowGRPC: boolean): Errs {
  const errs: Errs = []
  let n = 0
  const kinds = ['exec', 'httpGet', 'tcpSocket', ...(allowGRPC ? ['grpc'] : []), ...(allowSleep ? ['sleep'] : [])]
  for (const kind of kinds) {
    const s = obj(h[kind])
    if (!s) continue
    const p = child(path, kind)
    if (n > 0) {
      errs.push(fe.forbidden(p, 'may not specify more than 1 handler type'))
      continue
    }
    n++
    switch (kind) {
      case 'exec':
        if (arr(s['command']).length === 0) errs.push(fe.required(child(p, 'command')))
        break
      case 'httpGet': {
        if (str(s['path']) === '') errs.push(fe.required(child(p, 'path')))
        errs.push(...validatePortNumOrName(s['port'], child(p, 'port')))
        const scheme = str(s['scheme'])
        if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(fe.notSupported(child(p, 'scheme'), scheme, ['HTTP', 'HTTPS']))
        for (const hdr of objs(s['httpHeaders'])) for (const m of isHTTPHeaderName(str(hdr['name']))) errs.push(fe.invalid(child(p, 'httpHeaders'), str(hdr['name']), m))
        break
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(s['port'], child(p, 'port')))
        break
      case 'grpc':
        errs.push(...validatePortNumOrName(num(s['port']) ?? 0, child(p, 'port')))
        break
      case 'sleep': {
        const secs = num(s['seconds']) ?? 0
        const g = grace ?? 30
        if (secs <= 0 || secs > g) errs.push(fe.invalid(p, secs, `must be greater than 0 and less than terminationGracePeriodSeconds (${g})`))
        break
      }
    }
  }
  if (n === 0) errs.push(fe.required(path, 'must specify a handler type'))
  return errs
}

function validateProbe(probe: J, grace: number | undefined, path: string): Errs {
  const errs = validateHandler(probe, grace, path, false, true)
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(num(probe[f]), child(path, f)))
  }
  const tgps = num(probe['terminationGracePeriodSeconds'])
  if (tgps !== undefined && tgps <= 0) errs.push(fe.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'))
  return errs
}

function validateProbes(ctr: J, grace: number | undefined, path: string): Errs {
  const errs: Errs = []
  const live = obj(ctr['livenessProbe'])
  if (live) {
    errs.push(...validateProbe(live, grace, child(path, 'livenessProbe')))
    if ((num(live['successThreshold']) ?? 1) !== 1) errs.push(fe.invalid(child(path, 'livenessProbe', 'successThreshold'), num(live['successThreshold']) ?? 0, 'must be 1'))
  }
  const ready = obj(ctr['readinessProbe'])
  if (ready) {
    errs.push(...validateProbe(ready, grace, child(path, 'readinessProbe')))
    if (ready['terminationGracePeriodSeconds'] !== undefined && ready['terminationGracePeriodSeconds'] !== null) {
      errs.push(fe.invalid(child(path, 'readinessProbe', 'terminationGracePeriodSeconds'), ready['terminationGracePeriodSeconds'], 'must not be set for readinessProbes'))
    }
  }
  const startup = obj(ctr['startupProbe'])
  if (startup) {
    errs.push(...validateProbe(startup, grace, child(path, 'startupProbe')))
    if ((num(startup['successThreshold']) ?? 1) !== 1) errs.push(fe.invalid(child(path, 'startupProbe', 'successThreshold'), num(startup['successThreshold']) ?? 0, 'must be 1'))
  }
  return errs
}

function validateLifecycle(lc: J, grace: number | undefined, path: string): Errs {
  const errs: Errs = []
  for (const hook of ['postStart', 'preStop']) {
    const h = obj(lc[hook])
    if (h) errs.push(...validateHandler(h, grace, child(path, hook), true, false))
  }
  return errs
}

// ---------------------------------------------------------------- security contexts

const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined']

function validateSeccompProfileField(sp: unknown, path: string): Errs {
  const s = obj(sp)
  if (!s) return []
  const errs: Errs = []
  const t = str(s['type'])
  if (t === '') errs.push(fe.required(child(path, 'type'), 'type is required when seccompProfile is set'))
  else if (!SECCOMP_TYPES.includes(t)) errs.push(fe.notSupported(child(path, 'type'), t, SECCOMP_TYPES))
  if (t === 'Localhost') {
    if (s['localhostProfile'] === undefined || s['localhostProfile'] === null) errs.push(fe.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'))
    else errs.push(...validateLocalDescendingPath(str(s['localhostProfile']), child(path, 'localhostProfile')))
  } else if (s['localhostProfile'] !== undefined && s['localhostProfile'] !== null) {
    errs.push(fe.invalid(child(path, 'localhostProfile'), goValue(goStruct('core.SeccompProfile', [['Type', t, 'string'], ['LocalhostProfile', s['localhostProfile'], '*string']])), 'can only be set when seccomp type is Localhost'))
  }
  return errs
}

function validateAppArmorProfileField(ap: unknown, path: string): Errs {
  const a = obj(ap)
  if (!a) return []
  const t = str(a['type'])
  const errs: Errs = []
  if (t === 'Localhost') {
    const lp = a['localhostProfile']
    if (typeof lp !== 'string' || lp.trim() === '') {
      if (typeof lp === 'string' && lp !== lp.trim()) errs.push(fe.invalid(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace'))
      else errs.push(fe.required(child(path, 'localhostProfile'), 'must be set when AppArmor type is Localhost'))
    } else if (lp !== lp.trim()) errs.push(fe.invalid(child(path, 'localhostProfile'), lp, 'must not be padded with whitespace'))
  } else if (t === 'RuntimeDefault' || t === 'Unconfined') {
    if (a['localhostProfile'] !== undefined && a['localhostProfile'] !== null) errs.push(fe.invalid(child(path, 'localhostProfile'), a['localhostProfile'], 'can only be set when AppArmor type is Localhost'))
  } else if (t === '') errs.push(fe.required(child(path, 'type'), 'type is required when appArmorProfile is set'))
  else errs.push(fe.notSupported(child(path, 'type'), t, SECCOMP_TYPES))
  return errs
}

function validateContainerSecurityContext(scRaw: unknown, path: string, hostUsers: boolean): Errs {
  const sc = obj(scRaw)
  if (!sc) return []
  const errs: Errs = []
  for (const f of ['runAsUser', 'runAsGroup']) {
    const v = num(sc[f])
    if (v !== undefined) for (const m of isValidUserOrGroupID(v)) errs.push(fe.invalid(child(path, f), v, m))
  }
  const pm = sc['procMount']
  if (pm !== undefined && pm !== null) {
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(fe.notSupported(child(path, 'procMount'), str(pm), ['Default', 'Unmasked']))
    if (hostUsers && pm === 'Unmasked') errs.push(fe.invalid(child(path, 'procMount'), 'Unmasked', '`hostUsers` must be false to use `Unmasked`'))
  }
  errs.push(...validateSeccompProfileField(sc['seccompProfile'], child(path, 'seccompProfile')))
  if (sc['allowPrivilegeEscalation'] === false) {
    const rendered = goValue(`core.SecurityContext{Privileged:${sc['privileged'] === undefined ? '(*bool)(nil)' : '(*bool)(0xc000010000)'}, AllowPrivilegeEscalation:(*bool)(0xc000010001)}`)
    if (sc['privileged'] === true) errs.push(fe.invalid(path, rendered, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'))
    for (const cap of arr(obj(sc['capabilities'])?.['add'])) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(fe.invalid(path, rendered, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'))
    }
  }
  errs.push(...validateAppArmorProfileField(sc['appArmorProfile'], child(path, 'appArmorProfile')))
  return errs
}

const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/

function validatePodSecurityContext(spec: J, path: string): Errs {
  const sc = obj(spec['securityContext'])
  if (!sc) return []
  const errs: Errs = []
  for (const f of ['fsGroup', 'runAsUser', 'runAsGroup']) {
    const v = num(sc[f])
    if (v !== undefined) for (const m of isValidUserOrGroupID(v)) errs.push(fe.invalid(child(path, f), v, m))
  }
  arr(sc['supplementalGroups']).forEach((g, i) => {
    const v = typeof g === 'number' ? g : -1
    for (const m of isValidUserOrGroupID(v)) errs.push(fe.invalid(index(child(path, 'supplementalGroups'), i), v, m))
  })
  if (sc['shareProcessNamespace'] === true && spec['hostPID'] === true) {
    errs.push(fe.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'))
  }
  const names = new Set<string>()
  objs(sc['sysctls']).forEach((s, i) => {
    const name = str(s['name'])
    const p = child(index(child(path, 'sysctls'), i), 'name')
    if (name === '') errs.push(fe.required(p))
    else if (byteLen(name) > 253 || !SYSCTL_RE.test(name)) errs.push(fe.invalid(p, name, `must have at most 253 characters and match regex ^${SYSCTL_RE.source.slice(1, -1)}$`))
    else if (names.has(name)) errs.push(fe.duplicate(p, name))
    names.add(name)
  })
  const fsgcp = sc['fsGroupChangePolicy']
  if (fsgcp !== undefined && fsgcp !== null && fsgcp !== 'OnRootMismatch' && fsgcp !== 'Always') {
    errs.push(fe.notSupported(child(path, 'fsGroupChangePolicy'), str(fsgcp), ['Always', 'OnRootMismatch']))
  }
  errs.push(...validateSeccompProfileField(sc['seccompProfile'], child(path, 'seccompProfile')))
  errs.push(...validateAppArmorProfileField(sc['appArmorProfile'], child(path, 'appArmorProfile')))
  const sgp = sc['supplementalGroupsPolicy']
  if (sgp !== undefined && sgp !== null && sgp !== 'Merge' && sgp !== 'Strict') {
    errs.push(fe.notSupported(child(path, 'supplementalGroupsPolicy'), str(sgp), ['Merge', 'Strict']))
  }
  return errs
}

// ---------------------------------------------------------------- containers

function validateContainerCommon(ctr: J, vols: Map<string, J>, path: string, hostUsers: boolean): Errs {
  const errs: Errs = []
  const name = str(ctr['name'])
  if (name === '') errs.push(fe.required(child(path, 'name')))
  else errs.push(...dnsLabel(name, child(path, 'name')))
  if (str(ctr['image']) === '') errs.push(fe.required(child(path, 'image')))
  const tmp = str(ctr['terminationMessagePolicy'])
  if (tmp === '') errs.push(fe.required(child(path, 'terminationMessagePolicy')))
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(fe.notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']))
  errs.push(...validateContainerPorts(ctr['ports'], child(path, 'ports')))
  errs.push(...validateEnv(ctr['env'], child(path, 'env')))
  errs.push(...validateEnvFrom(ctr['envFrom'], child(path, 'envFrom')))
  errs.push(...validateVolumeMounts(ctr, vols, child(path, 'volumeMounts')))
  errs.push(...validateVolumeDevices(ctr, vols, child(path, 'volumeDevices')))
  const pull = str(ctr['imagePullPolicy'])
  if (pull === '') errs.push(fe.required(child(path, 'imagePullPolicy')))
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.push(fe.notSupported(child(path, 'imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']))
  errs.push(...validateResourceRequirements(ctr['resources'], child(path, 'resources')))
  const seen = new Set<string>()
  objs(ctr['resizePolicy']).forEach((p, i) => {
    const rp = child(path, 'resizePolicy')
    const rn = str(p['resourceName'])
    if (seen.has(rn)) errs.push(fe.duplicate(index(rp, i), rn))
    seen.add(rn)
    if (rn === '') errs.push(fe.required(rp))
    else if (rn !== 'cpu' && rn !== 'memory') errs.push(fe.notSupported(rp, rn, ['cpu', 'memory']))
    const pol = str(p['restartPolicy'])
    if (pol === '') errs.push(fe.required(rp))
    else if (pol !== 'NotRequired' && pol !== 'RestartContainer') errs.push(fe.notSupported(rp, pol, ['NotRequired', 'RestartContainer']))
  })
  errs.push(...validateContainerSecurityContext(ctr['securityContext'], child(path, 'securityContext'), hostUsers))
  return errs
}

function checkHostPortConflicts(containers: J[], path: string): Errs {
  const errs: Errs = []
  const seen = new Set<string>()
  containers.forEach((c, ci) => {
    objs(c['ports']).forEach((p, pi) => {
      const hp = num(p['hostPort']) ?? 0
      if (hp === 0) return
      const s = `${str(p['protocol'])}/${str(p['hostIP'])}/${hp}`
      if (seen.has(s)) errs.push(fe.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), s))
      else seen.add(s)
    })
  })
  return errs
}

function validateContainers(containers: unknown, vols: Map<string, J>, grace: number | undefined, path: string, hostUsers: boolean): Errs {
  const list = objs(containers)
  if (list.length === 0) return [fe.required(path)]
  const errs: Errs = []
  const names = new Set<string>()
  list.forEach((c, i) => {
    const p = index(path, i)
    errs.push(...validateContainerCommon(c, vols, p, hostUsers))
    const name = str(c['name'])
    if (names.has(name)) errs.push(fe.duplicate(child(p, 'name'), name))
    else names.add(name)
    const lc = obj(c['lifecycle'])
    if (lc) errs.push(...validateLifecycle(lc, grace, child(p, 'lifecycle')))
    errs.push(...validateProbes(c, grace, p))
    if (c['restartPolicy'] !== undefined && c['restartPolicy'] !== null) errs.push(fe.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'))
  })
  errs.push(...checkHostPortConflicts(list, path))
  return errs
}

function validateInitContainers(spec: J, vols: Map<string, J>, grace: number | undefined, path: string, hostUsers: boolean): Errs {
  const errs: Errs = []
  const names = new Set(objs(spec['containers']).map((c) => str(c['name'])))
  objs(spec['initContainers']).forEach((c, i) => {
    const p = index(path, i)
    errs.push(...validateContainerCommon(c, vols, p, hostUsers))
    let restartAlways = false
    const rp = c['restartPolicy']
    if (rp !== undefined && rp !== null) {
      if (rp !== 'Always') errs.push(fe.notSupported(child(p, 'restartPolicy'), str(rp), ['Always']))
      restartAlways = rp === 'Always'
    }
    const name = str(c['name'])
    if (names.has(name)) errs.push(fe.duplicate(child(p, 'name'), name))
    else if (name) names.add(name)
    errs.push(...checkHostPortConflicts([c], path))
    if (restartAlways) {
      const lc = obj(c['lifecycle'])
      if (lc) errs.push(...validateLifecycle(lc, grace, child(p, 'lifecycle')))
      errs.push(...validateProbes(c, grace, p))
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] !== undefined && c[f] !== null) errs.push(fe.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'))
      }
    }
    if (arr(c['resizePolicy']).length > 0) errs.push(fe.invalid(child(p, 'resizePolicy'), goValue('[]core.ContainerResizePolicy{…}'), 'must not be set for init containers'))
  })
  return errs
}

// ---------------------------------------------------------------- scheduling fields

export function goToleration(t: J): string {
  return goStruct('core.Toleration', [
    ['Key', t['key'], 'string'], ['Operator', t['operator'], 'string'], ['Value', t['value'], 'string'],
    ['Effect', t['effect'], 'string'], ['TolerationSeconds', t['tolerationSeconds'], '*int64'],
  ])
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute']

export function validateTaintEffect(effect: string, allowEmpty: boolean, path: string): Errs {
  if (!allowEmpty && effect === '') return [fe.required(path)]
  return TAINT_EFFECTS.includes(effect) ? [] : [fe.notSupported(path, effect, TAINT_EFFECTS)]
}

export function validateTolerations(tolerations: unknown, path: string): Errs {
  const errs: Errs = []
  objs(tolerations).forEach((t, i) => {
    const idx = index(path, i)
    const k = str(t['key'])
    const op = str(t['operator'])
    if (k) errs.push(...validateLabelName(k, child(idx, 'key')))
    if (k === '' && op !== 'Exists') errs.push(fe.invalid(child(idx, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'))
    if (t['tolerationSeconds'] !== undefined && t['tolerationSeconds'] !== null && str(t['effect']) !== 'NoExecute') {
      errs.push(fe.invalid(child(idx, 'effect'), str(t['effect']), "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    }
    switch (op) {
      case 'Equal': case '': {
        const msgs = isValidLabelValue(str(t['value']))
        if (msgs.length) errs.push(fe.invalid(child(idx, 'operator'), str(t['value']), msgs.join(';')))
        break
      }
      case 'Exists':
        if (str(t['value']) !== '') errs.push(fe.invalid(child(idx, 'operator'), goValue(goToleration(t)), "value must be empty when `operator` is 'Exists'"))
        break
      default:
        errs.push(fe.notSupported(child(idx, 'operator'), op, ['Equal', 'Exists']))
    }
    if (str(t['effect']) !== '') errs.push(...validateTaintEffect(str(t['effect']), true, child(idx, 'effect')))
  })
  return errs
}

function validatePodAffinityTerm(t: J, path: string): Errs {
  const errs = validateLabelSelector(t['labelSelector'], child(path, 'labelSelector'))
  errs.push(...validateLabelSelector(t['namespaceSelector'], child(path, 'namespaceSelector')))
  for (const ns of arr(t['namespaces']).map(String)) for (const m of nameIsDNSLabel(ns, false)) errs.push(fe.invalid(child(path, 'namespace'), ns, m))
  const sel = obj(t['labelSelector'])
  for (const [field, keys] of [['matchLabelKeys', t['matchLabelKeys']], ['mismatchLabelKeys', t['mismatchLabelKeys']]] as const) {
    const list = arr(keys).map(String)
    if (list.length === 0) continue
    if (!sel) { errs.push(fe.forbidden(child(path, field), 'must not be specified when labelSelector is not set')); continue }
    list.forEach((k, i) => errs.push(...validateLabelName(k, index(child(path, field), i))))
  }
  const tk = str(t['topologyKey'])
  if (tk === '') errs.push(fe.required(child(path, 'topologyKey'), 'can not be empty'))
  errs.push(...validateLabelName(tk, child(path, 'topologyKey')))
  return errs
}

function validateAffinity(aff: unknown, path: string): Errs {
  const a = obj(aff)
  if (!a) return []
  const errs: Errs = []
  const na = obj(a['nodeAffinity'])
  if (na) {
    const req = obj(na['requiredDuringSchedulingIgnoredDuringExecution'])
    const np = child(path, 'nodeAffinity')
    if (req) errs.push(...validateNodeSelector(req, child(np, 'requiredDuringSchedulingIgnoredDuringExecution')))
    objs(na['preferredDuringSchedulingIgnoredDuringExecution']).forEach((pt, i) => {
      const pp = index(child(np, 'preferredDuringSchedulingIgnoredDuringExecution'), i)
      const w = num(pt['weight']) ?? 0
      if (w <= 0 || w > 100) errs.push(fe.invalid(child(pp, 'weight'), w, 'must be in the range 1-100'))
      errs.push(...validateNodeSelectorTerm(obj(pt['preference']) ?? {}, child(pp, 'preference')))
    })
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = obj(a[kind])
    if (!pa) continue
    const kp = child(path, kind)
    objs(pa['requiredDuringSchedulingIgnoredDuringExecution']).forEach((t, i) => {
      errs.push(...validatePodAffinityTerm(t, index(child(kp, 'requiredDuringSchedulingIgnoredDuringExecution'), i)))
    })
    objs(pa['preferredDuringSchedulingIgnoredDuringExecution']).forEach((wt, j) => {
      const wp = index(child(kp, 'preferredDuringSchedulingIgnoredDuringExecution'), j)
      const w = num(wt['weight']) ?? 0
      if (w <= 0 || w > 100) errs.push(fe.invalid(child(wp, 'weight'), w, 'must be in the range 1-100'))
      errs.push(...validatePodAffinityTerm(obj(wt['podAffinityTerm']) ?? {}, child(wp, 'podAffinityTerm')))
    })
  }
  return errs
}

function validateTopologySpreadConstraints(list: unknown, path: string): Errs {
  const errs: Errs = []
  const cs = objs(list)
  cs.forEach((c, i) => {
    const p = index(path, i)
    const skew = num(c['maxSkew']) ?? 0
    if (skew <= 0) errs.push(fe.invalid(child(p, 'maxSkew'), skew, 'must be greater than zero'))
    const tk = str(c['topologyKey'])
    if (tk === '') errs.push(fe.required(child(p, 'topologyKey'), 'can not be empty'))
    const wu = str(c['whenUnsatisfiable'])
    if (wu !== 'DoNotSchedule' && wu !== 'ScheduleAnyway') errs.push(fe.notSupported(child(p, 'whenUnsatisfiable'), wu, ['DoNotSchedule', 'ScheduleAnyway']))
    if (cs.slice(i + 1).some((o) => str(o['topologyKey']) === tk && str(o['whenUnsatisfiable']) === wu)) {
      errs.push(fe.duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${tk}, ${wu}}`))
    }
    const md = num(c['minDomains'])
    if (md !== undefined) {
      if (md <= 0) errs.push(fe.invalid(child(p, 'minDomains'), md, 'must be greater than zero'))
      if (wu !== 'DoNotSchedule') errs.push(fe.invalid(child(p, 'minDomains'), md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${wu}`))
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = c[f]
      if (v !== undefined && v !== null && v !== 'Honor' && v !== 'Ignore') errs.push(fe.notSupported(child(p, f), str(v), ['Honor', 'Ignore']))
    }
    const mlk = arr(c['matchLabelKeys']).map(String)
    if (mlk.length) {
      const sel = obj(c['labelSelector'])
      if (!sel) errs.push(fe.forbidden(child(p, 'matchLabelKeys'), 'must not be specified when labelSelector is not set'))
      const selKeys = new Set([...Object.keys(obj(sel?.['matchLabels']) ?? {}), ...objs(sel?.['matchExpressions']).map((e) => str(e['key']))])
      mlk.forEach((k, j) => {
        errs.push(...validateLabelName(k, index(child(p, 'matchLabelKeys'), j)))
        if (selKeys.has(k)) errs.push(fe.invalid(index(child(p, 'matchLabelKeys'), j), k, 'exists in both matchLabelKeys and labelSelector'))
      })
    }
    errs.push(...validateLabelSelector(c['labelSelector'], child(p, 'labelSelector')))
  })
  return errs
}

function validateDNSConfig(spec: J, path: string): Errs {
  const policy = str(spec['dnsPolicy'])
  const cfg = obj(spec['dnsConfig'])
  if (policy === 'None') {
    if (!cfg) return [fe.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')]
    if (arr(cfg['nameservers']).length === 0) return [fe.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')]
  }
  if (!cfg) return []
  const errs: Errs = []
  const ns = arr(cfg['nameservers']).map(String)
  if (ns.length > 3) errs.push(fe.invalid(child(path, 'nameservers'), goValue(goStringSlice(ns)), 'must not have more than 3 nameservers'))
  ns.forEach((n, i) => errs.push(...ipErrors(n, index(child(path, 'nameservers'), i))))
  const searches = arr(cfg['searches']).map(String)
  if (searches.length > 32) errs.push(fe.invalid(child(path, 'searches'), goValue(goStringSlice(searches)), 'must not have more than 32 search paths'))
  if (byteLen(searches.join(' ')) > 2048) errs.push(fe.invalid(child(path, 'searches'), goValue(goStringSlice(searches)), 'must not have more than 2048 characters (including spaces) in the search list'))
  searches.forEach((s, i) => errs.push(...dnsSubdomain(s.replace(/\.$/, ''), index(child(path, 'searches'), i))))
  objs(cfg['options']).forEach((o, i) => { if (str(o['name']) === '') errs.push(fe.required(index(child(path, 'options'), i), 'must not be empty')) })
  return errs
}

// ---------------------------------------------------------------- pod spec

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never']
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']

/** ValidatePodSpec. `podMeta` is the pod's metadata for real pods, undefined for templates. */
export function validatePodSpec(spec: J, podMeta: J | undefined, path: string, opts: PodValidationOptions): Errs {
  const errs: Errs = []
  if (spec['terminationGracePeriodSeconds'] === undefined || spec['terminationGracePeriodSeconds'] === null) {
    errs.push(fe.required(child(path, 'terminationGracePeriodSeconds')))
  }
  const grace = num(spec['terminationGracePeriodSeconds'])
  const sc = obj(spec['securityContext'])
  const hostUsers = sc?.['hostUsers'] !== false
  const { vols, errs: vErrs } = validateVolumes(spec['volumes'], podMeta, child(path, 'volumes'))
  errs.push(...vErrs)
  errs.push(...validateContainers(spec['containers'], vols, grace, child(path, 'containers'), hostUsers))
  errs.push(...validateInitContainers(spec, vols, grace, child(path, 'initContainers'), hostUsers))
  if (spec['hostNetwork'] === true) {
    objs(spec['containers']).forEach((c, i) => {
      objs(c['ports']).forEach((p, j) => {
        const hp = num(p['hostPort']) ?? 0
        const cp = num(p['containerPort']) ?? 0
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(fe.invalid(child(index(child(index(child(path, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'))
        }
      })
    })
  }
  const rp = str(spec['restartPolicy'])
  if (rp === '') errs.push(fe.required(child(path, 'restartPolicy')))
  else if (!RESTART_POLICIES.includes(rp)) errs.push(fe.notSupported(child(path, 'restartPolicy'), rp, RESTART_POLICIES))
  const dp = str(spec['dnsPolicy'])
  if (dp === '') errs.push(fe.required(child(path, 'dnsPolicy')))
  else if (!DNS_POLICIES.includes(dp)) errs.push(fe.notSupported(child(path, 'dnsPolicy'), dp, DNS_POLICIES))
  errs.push(...validateLabels(spec['nodeSelector'], child(path, 'nodeSelector')))
  errs.push(...validatePodSecurityContext(spec, child(path, 'securityContext')))
  objs(spec['imagePullSecrets']).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== 'name')) errs.push(fe.invalid(index(child(path, 'imagePullSecrets'), i), goValue(`core.LocalObjectReference{Name:${goQuote(str(s['name']))}}`), 'only name may be set'))
  })
  errs.push(...validateAffinity(spec['affinity'], child(path, 'affinity')))
  errs.push(...validateDNSConfig(spec, child(path, 'dnsConfig')))
  objs(spec['readinessGates']).forEach((g, i) => errs.push(...qualifiedName(str(g['conditionType']), child(index(child(path, 'readinessGates'), i), 'conditionType'))))
  const gates = new Set<string>()
  objs(spec['schedulingGates']).forEach((g, i) => {
    const n = str(g['name'])
    errs.push(...qualifiedName(n, index(child(path, 'schedulingGates'), i)))
    if (gates.has(n)) errs.push(fe.duplicate(index(child(path, 'schedulingGates'), i), n))
    gates.add(n)
  })
  errs.push(...validateTopologySpreadConstraints(spec['topologySpreadConstraints'], child(path, 'topologySpreadConstraints')))
  if (!hostUsers) {
    if (spec['hostNetwork'] === true) errs.push(fe.forbidden(child(path, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'))
    if (spec['hostPID'] === true) errs.push(fe.forbidden(child(path, 'HostPID'), 'when `pod.Spec.HostUsers` is false'))
    if (spec['hostIPC'] === true) errs.push(fe.forbidden(child(path, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'))
  }
  const sa = str(spec['serviceAccountName'])
  if (sa) for (const m of nameIsDNSSubdomain(sa, false)) errs.push(fe.invalid(child(path, 'serviceAccountName'), sa, m))
  const nodeName = str(spec['nodeName'])
  if (nodeName) for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(fe.invalid(child(path, 'nodeName'), nodeName, m))
  const ads = num(spec['activeDeadlineSeconds'])
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) errs.push(fe.invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)))
  if (str(spec['hostname'])) errs.push(...dnsLabel(str(spec['hostname']), child(path, 'hostname')))
  if (str(spec['subdomain'])) errs.push(...dnsLabel(str(spec['subdomain']), child(path, 'subdomain')))
  errs.push(...validateTolerations(spec['tolerations'], child(path, 'tolerations')))
  objs(spec['hostAliases']).forEach((ha, i) => {
    const p = index(child(path, 'hostAliases'), i)
    errs.push(...ipErrors(str(ha['ip']), child(p, 'ip')))
    arr(ha['hostnames']).forEach((h, j) => errs.push(...dnsSubdomain(String(h), index(child(p, 'hostnames'), j))))
  })
  const pcn = str(spec['priorityClassName'])
  if (pcn) for (const m of nameIsDNSSubdomain(pcn, false)) errs.push(fe.invalid(child(path, 'priorityClassName'), pcn, m))
  if (spec['runtimeClassName'] !== undefined && spec['runtimeClassName'] !== null) {
    const rcn = str(spec['runtimeClassName'])
    for (const m of nameIsDNSSubdomain(rcn, false)) errs.push(fe.invalid(child(path, 'runtimeClassName'), rcn, m))
  }
  if (spec['preemptionPolicy'] !== undefined && spec['preemptionPolicy'] !== null) {
    const pp = str(spec['preemptionPolicy'])
    if (pp === '') errs.push(fe.required(child(path, 'preemptionPolicy')))
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(fe.notSupported(child(path, 'preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']))
  }
  const os = obj(spec['os'])
  if (os) {
    const n = str(os['name'])
    if (n === '') errs.push(fe.required(child(path, 'os', 'name'), 'cannot be empty'))
    else if (n !== 'linux' && n !== 'windows') errs.push(fe.notSupported(child(path, 'os'), n, ['linux', 'windows']))
  }
  return errs
}

// ---------------------------------------------------------------- annotations specific to pods

const MIRROR_POD = 'kubernetes.io/config.mirror'
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost'
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod'
const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/'
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/'

function validateSeccompAnnotation(p: string, path: string): Errs {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return []
  if (p.startsWith('localhost/')) return validateLocalDescendingPath(p.slice('localhost/'.length), path)
  return [fe.invalid(path, p, 'must be a valid seccomp profile')]
}

function allContainerNames(spec: J): Set<string> {
  return new Set([...objs(spec['containers']), ...objs(spec['initContainers']), ...objs(spec['ephemeralContainers'])].map((c) => str(c['name'])))
}

export function validatePodSpecificAnnotations(annotations: unknown, spec: J, path: string): Errs {
  const a = obj(annotations) ?? {}
  const errs: Errs = []
  if (MIRROR_POD in a && str(spec['nodeName']) === '') {
    errs.push(fe.invalid(key(path, MIRROR_POD), str(a[MIRROR_POD]), 'must set spec.nodeName if mirror pod annotation is set'))
  }
  if (DELETION_COST in a) {
    const v = str(a[DELETION_COST])
    const n = Number(v)
    if (!/^[-+]?[0-9]+$/.test(v) || n < -2147483648 || n > MAX_INT32) errs.push(fe.invalid(key(path, DELETION_COST), v, 'must be a 32bit integer'))
  }
  if (SECCOMP_POD in a) errs.push(...validateSeccompAnnotation(str(a[SECCOMP_POD]), child(path, SECCOMP_POD)))
  for (const k of sortedKeys(a)) if (k.startsWith(SECCOMP_CONTAINER_PREFIX)) errs.push(...validateSeccompAnnotation(str(a[k]), child(path, k)))
  const names = allContainerNames(spec)
  for (const k of sortedKeys(a)) {
    if (!k.startsWith(APPARMOR_PREFIX)) continue
    const cname = k.slice(APPARMOR_PREFIX.length)
    if (!names.has(cname)) errs.push(fe.invalid(key(path, k), cname, 'container not found'))
    const p = str(a[k])
    if (p !== '' && p !== 'runtime/default' && p !== 'unconfined' && !p.startsWith('localhost/')) errs.push(fe.invalid(key(path, k), p, `invalid AppArmor profile name: ${goQuote(p)}`))
  }
  return errs
}

// ---------------------------------------------------------------- templates

/** ValidatePodTemplateSpec (full validation, as used by DaemonSet/Deployment/ReplicaSet). */
export function validatePodTemplateSpec(template: J, path: string): Errs {
  const meta = obj(template['metadata']) ?? {}
  const spec = obj(template['spec']) ?? {}
  const errs = validateLabels(meta['labels'], child(path, 'labels'))
  errs.push(...validateAnnotations(meta['annotations'], child(path, 'annotations')))
  errs.push(...validatePodSpecificAnnotations(meta['annotations'], spec, child(path, 'annotations')))
  errs.push(...validatePodSpec(spec, undefined, child(path, 'spec'), { resourceIsPod: false }))
  if (arr(spec['ephemeralContainers']).length > 0) errs.push(fe.forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'))
  return errs
}

// ---------------------------------------------------------------- pods

function containersOnlyForPod(spec: J, path: string): Errs {
  const errs: Errs = []
  for (const kind of ['containers', 'initContainers']) {
    objs(spec[kind]).forEach((c, i) => {
      const img = str(c['image'])
      if (img.length !== img.trim().length) errs.push(fe.invalid(child(index(child(path, kind), i), 'image'), img, 'must not have leading or trailing whitespace'))
    })
  }
  return errs
}

function validatePodMetadataAndSpec(pod: J): Errs {
  const meta = obj(pod['metadata']) ?? {}
  const spec = obj(pod['spec']) ?? {}
  const errs = validateObjectMeta(meta, { namespaced: true, nameFn: nameIsDNSSubdomain })
  errs.push(...validatePodSpecificAnnotations(meta['annotations'], spec, 'metadata.annotations'))
  errs.push(...validatePodSpec(spec, meta, 'spec', { resourceIsPod: true }))
  if (str(spec['serviceAccountName']) === '') {
    objs(spec['volumes']).forEach((v, vi) => {
      objs(obj(v['projected'])?.['sources']).forEach((s, si) => {
        if (s['serviceAccountToken']) errs.push(fe.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'))
      })
    })
  }
  errs.push(...containersOnlyForPod(spec, 'spec'))
  return errs
}

export function validatePodCreate(pod: J): Errs {
  const spec = obj(pod['spec']) ?? {}
  const errs = validatePodMetadataAndSpec(pod)
  if (arr(spec['ephemeralContainers']).length > 0) errs.push(fe.forbidden('spec.ephemeralContainers', 'cannot be set on create'))
  if (str(spec['nodeName']) !== '' && arr(spec['schedulingGates']).length > 0) errs.push(fe.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'))
  return errs
}

const UPDATABLE_POD_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
]

function validateOnlyAddedTolerations(newT: J[], oldT: J[], path: string): Errs {
  for (const o of oldT) {
    const found = newT.some((n) => deepEqual({ ...o, tolerationSeconds: undefined }, { ...n, tolerationSeconds: undefined }))
    if (!found) return [fe.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')]
  }
  return validateTolerations(newT, path)
}

export function validatePodUpdate(pod: J, old: J): Errs {
  const spec = obj(pod['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  const errs = validateObjectMetaUpdate(pod['metadata'], old['metadata'])
  errs.push(...validatePodMetadataAndSpec(pod))
  errs.push(...validatePodSpecificAnnotationUpdates(pod, old))
  for (const kind of ['containers', 'initContainers']) {
    const nc = objs(spec[kind])
    const oc = objs(oldSpec[kind])
    if (nc.length !== oc.length) {
      errs.push(fe.forbidden(`spec.${kind}`, 'pod updates may not add or remove containers'))
      return errs
    }
    nc.forEach((c, i) => {
      const img = str(c['image'])
      if (img === '') errs.push(fe.required(`spec.${kind}[${i}].image`))
      if (img.trim().length !== img.length) errs.push(fe.invalid(`spec.${kind}[${i}].image`, img, 'must not have leading or trailing whitespace'))
    })
  }
  const nads = num(spec['activeDeadlineSeconds'])
  const oads = num(oldSpec['activeDeadlineSeconds'])
  if (nads !== undefined) {
    if (nads < 0 || nads > MAX_INT32) {
      errs.push(fe.invalid('spec.activeDeadlineSeconds', nads, inclusiveRangeError(0, MAX_INT32)))
      return errs
    }
    if (oads !== undefined && oads < nads) {
      errs.push(fe.invalid('spec.activeDeadlineSeconds', nads, 'must be less than or equal to previous value'))
      return errs
    }
  } else if (oads !== undefined) {
    errs.push(fe.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'))
  }
  errs.push(...validateOnlyAddedTolerations(objs(spec['tolerations']), objs(oldSpec['tolerations']), 'spec.tolerations'))
  const oldGates = new Set(objs(oldSpec['schedulingGates']).map((g) => str(g['name'])))
  objs(spec['schedulingGates']).forEach((g, i) => {
    if (!oldGates.has(str(g['name']))) errs.push(fe.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${str(g['name'])}'`))
  })
  if (semanticEqual(spec, oldSpec)) return errs
  const munged: J = { ...spec }
  for (const kind of ['containers', 'initContainers']) {
    const oc = objs(oldSpec[kind])
    if (Array.isArray(spec[kind])) munged[kind] = objs(spec[kind]).map((c, i) => ({ ...c, image: oc[i]?.['image'] }))
  }
  munged['activeDeadlineSeconds'] = oldSpec['activeDeadlineSeconds']
  munged['schedulingGates'] = oldSpec['schedulingGates']
  munged['tolerations'] = oldSpec['tolerations']
  const otg = num(oldSpec['terminationGracePeriodSeconds'])
  if (otg !== undefined && otg < 0 && num(munged['terminationGracePeriodSeconds']) === 1) munged['terminationGracePeriodSeconds'] = otg
  if (arr(oldSpec['schedulingGates']).length > 0) {
    munged['nodeSelector'] = oldSpec['nodeSelector']
    const na = obj(obj(munged['affinity'])?.['nodeAffinity'])
    const ona = obj(obj(oldSpec['affinity'])?.['nodeAffinity'])
    if (na || ona) munged['affinity'] = { ...(obj(munged['affinity']) ?? {}), nodeAffinity: ona }
  }
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(fe.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS.join(',')}\n${specDiff(oldSpec, munged, 'core.PodSpec')}`))
  }
  return errs
}

function validatePodSpecificAnnotationUpdates(pod: J, old: J): Errs {
  const na = obj(obj(pod['metadata'])?.['annotations']) ?? {}
  const oa = obj(obj(old['metadata'])?.['annotations']) ?? {}
  const path = 'metadata.annotations'
  const errs: Errs = []
  for (const k of sortedKeys(oa)) {
    if (k in na && na[k] === oa[k]) continue
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(fe.forbidden(key(path, k), 'may not remove or update AppArmor annotations'))
    if (k === MIRROR_POD) errs.push(fe.forbidden(key(path, k), 'may not remove or update mirror pod annotation'))
  }
  for (const k of sortedKeys(na)) {
    if (k in oa) continue
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(fe.forbidden(key(path, k), 'may not add AppArmor annotations'))
    if (k === MIRROR_POD) errs.push(fe.forbidden(key(path, k), 'may not add mirror pod annotation'))
  }
  errs.push(...validatePodSpecificAnnotations(na, obj(pod['spec']) ?? {}, path))
  return errs
}

function validateContainerStateTransition(newStatuses: unknown, oldStatuses: unknown, path: string, restartPolicy: string, restartable: Set<string>): Errs {
  const errs: Errs = []
  if (restartPolicy === 'Always') return errs
  const ns = objs(newStatuses)
  objs(oldStatuses).forEach((o, i) => {
    const term = obj(obj(o['state'])?.['terminated'])
    if (!term) return
    if ((num(term['exitCode']) ?? 0) !== 0 && restartPolicy === 'OnFailure') return
    if (restartable.has(str(o['name']))) return
    for (const n of ns) {
      if (str(n['name']) === str(o['name']) && !obj(obj(n['state'])?.['terminated'])) {
        errs.push(fe.forbidden(child(index(path, i), 'state'), 'may not be transitioned to non-terminated state'))
      }
    }
  })
  return errs
}

function validatePodIPs(status: J): Errs {
  const errs: Errs = []
  const podIPs = objs(status['podIPs'])
  podIPs.forEach((p, i) => errs.push(...ipErrors(str(p['ip']), `status.podIPs[${i}]`)))
  if (podIPs.length > 1) {
    const ips = podIPs.map((p) => str(p['ip']))
    const v4 = ips.filter((ip) => parseIPv4(ip)).length
    const v6 = ips.filter((ip) => isIPv6(ip)).length
    if (!(v4 === 1 && v6 === 1) || ips.length > 2) {
      errs.push(fe.invalid('status.podIPs', goValue(`[]core.PodIP{${ips.map((ip) => `core.PodIP{IP:${goQuote(ip)}}`).join(', ')}}`), 'may specify no more than one IP for each IP family'))
    }
    const seen = new Set<string>()
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(fe.duplicate(`status.podIPs[${i}]`, goValue(`core.PodIP{IP:${goQuote(ip)}}`)))
      seen.add(ip)
    })
  }
  const hostIPs = objs(status['hostIPs'])
  if (hostIPs.length > 0) {
    if (str(status['hostIP']) !== str(hostIPs[0]!['ip'])) errs.push(fe.invalid('status.hostIPs[0].ip', str(hostIPs[0]!['ip']), 'must be equal to `hostIP`'))
    hostIPs.forEach((h, i) => errs.push(...ipErrors(str(h['ip']), `status.hostIPs[${i}]`)))
  }
  return errs
}

/** ValidatePodStatusUpdate. */
export function validatePodStatusUpdate(pod: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(pod['metadata'], old['metadata'])
  errs.push(...validatePodSpecificAnnotationUpdates(pod, old))
  const status = obj(pod['status']) ?? {}
  const system = new Set(['PodScheduled', 'Ready', 'Initialized'])
  objs(status['conditions']).forEach((c, i) => {
    const t = str(c['type'])
    if (!system.has(t)) errs.push(...qualifiedName(t, `metadata.conditions[${i}].Type`))
  })
  const spec = obj(pod['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  if (str(spec['nodeName']) !== str(oldSpec['nodeName'])) errs.push(fe.forbidden('status.nodeName', 'may not be changed directly'))
  const oldStatus = obj(old['status']) ?? {}
  const nnn = str(status['nominatedNodeName'])
  if (nnn && nnn !== str(oldStatus['nominatedNodeName'])) for (const m of nameIsDNSSubdomain(nnn, false)) errs.push(fe.invalid('status.nominatedNodeName', nnn, m))
  const rp = str(oldSpec['restartPolicy'])
  errs.push(...validateContainerStateTransition(status['containerStatuses'], oldStatus['containerStatuses'], 'status.containerStatuses', rp, new Set()))
  const restartableInit = new Set(objs(oldSpec['initContainers']).filter((c) => c['restartPolicy'] === 'Always').map((c) => str(c['name'])))
  errs.push(...validateContainerStateTransition(status['initContainerStatuses'], oldStatus['initContainerStatuses'], 'status.initContainerStatuses', rp, restartableInit))
  errs.push(...validateContainerStateTransition(status['ephemeralContainerStatuses'], oldStatus['ephemeralContainerStatuses'], 'status.ephemeralContainerStatuses', 'Never', new Set()))
  errs.push(...validatePodIPs(status))
  return errs
}

/** Pod-template part of a StatefulSet (upstream validates labels and annotations only). */
export function validatePodTemplateMetaOnly(template: J, path: string): Errs {
  const meta = obj(template['metadata']) ?? {}
  const errs = validateLabels(meta['labels'], child(path, 'labels'))
  errs.push(...validateAnnotations(meta['annotations'], child(path, 'annotations')))
  errs.push(...validatePodSpecificAnnotations(meta['annotations'], obj(template['spec']) ?? {}, child(path, 'annotations')))
  return errs
}

