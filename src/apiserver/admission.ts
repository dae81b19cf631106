/**
 * The admission plugins kubeling runs, as small pure functions over the object (and, for
 * resize, the objects it references): StorageObjectInUseProtection, PersistentVolumeClaimResize
 * and the PV phase-transition timestamp that the PV registry strategy keeps.
 */
import { forbidden, isPlainObject } from '../api/index.js'
import type { KubeObject, ResourceInfo } from '../api/index.js'
import { compareQuantities, tryParseQuantity } from '../api/quantity/index.js'

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection'
export const PV_PROTECTION = 'kubernetes.io/pv-protection'

const id = (info: ResourceInfo): string => `${info.group}/${info.resource}`

/** Mutating admission on create. */
export function admitCreate(info: ResourceInfo, obj: KubeObject, now: string): void {
  if (id(info) === '/persistentvolumeclaims') addFinalizer(obj, PVC_PROTECTION)
  if (id(info) === '/persistentvolumes') {
    addFinalizer(obj, PV_PROTECTION)
    const status = isPlainObject(obj['status']) ? obj['status'] : {}
    obj['status'] = { ...status, lastPhaseTransitionTime: now }
  }
}

/**
 * Admission on update. `classOf` looks up a StorageClass by name (for resize).
 * Throws 403 Forbidden as upstream's PersistentVolumeClaimResize plugin does.
 */
export function admitUpdate(info: ResourceInfo, obj: KubeObject, old: KubeObject, now: string, classOf: (name: string) => KubeObject | undefined): void {
  if (id(info) === '/persistentvolumes') {
    const phase = (o: KubeObject): unknown => (isPlainObject(o['status']) ? o['status']['phase'] : undefined)
    if (phase(obj) !== phase(old) && isPlainObject(obj['status'])) obj['status']['lastPhaseTransitionTime'] = now
  }
  if (id(info) === '/persistentvolumeclaims' && storageRequest(obj) !== undefined && storageRequest(old) !== undefined) {
    const grows = compareQuantities(storageRequest(obj)!, storageRequest(old)!) > 0
    if (!grows) return
    const spec = isPlainObject(old['spec']) ? old['spec'] : {}
    const status = isPlainObject(old['status']) ? old['status'] : {}
    const className = typeof spec['storageClassName'] === 'string' ? spec['storageClassName'] : ''
    const sc = className ? classOf(className) : undefined
    const name = obj.metadata.name ?? ''
    if (status['phase'] !== 'Bound' || typeof spec['volumeName'] !== 'string') {
      throw forbidden(info, name, 'Only bound persistent volume claims can be expanded')
    }
    if (!sc || sc['allowVolumeExpansion'] !== true) {
      throw forbidden(info, name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize')
    }
  }
}

function storageRequest(pvc: KubeObject): string | undefined {
  const spec = isPlainObject(pvc['spec']) ? pvc['spec'] : {}
  const res = isPlainObject(spec['resources']) ? spec['resources'] : {}
  const req = isPlainObject(res['requests']) ? res['requests'] : {}
  const v = req['storage']
  if (typeof v !== 'string' && typeof v !== 'number') return undefined
  return tryParseQuantity(String(v)) ? String(v) : undefined
}

function addFinalizer(obj: KubeObject, name: string): void {
  const list = obj.metadata.finalizers ?? []
  if (!list.includes(name)) obj.metadata.finalizers = [...list, name]
}
