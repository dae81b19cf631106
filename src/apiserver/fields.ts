/**
 * Which fields each resource can be selected by (`fieldSelector=`), as upstream's
 * `GetAttrs`/`AddFieldLabelConversionFunc` allow. Anything else is a 400.
 */
import { isPlainObject } from '../api/index.js'
import type { KubeObject, ResourceInfo } from '../api/index.js'

type Getter = (obj: KubeObject) => string

const get = (...path: string[]): Getter => (obj) => {
  let cur: unknown = obj
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined
  if (cur === undefined || cur === null) return ''
  return typeof cur === 'string' ? cur : String(cur)
}

const META: Record<string, Getter> = {
  'metadata.name': get('metadata', 'name'),
  'metadata.namespace': get('metadata', 'namespace'),
}

const BY_RESOURCE: Record<string, Record<string, Getter>> = {
  '/pods': {
    'spec.nodeName': get('spec', 'nodeName'),
    'spec.restartPolicy': get('spec', 'restartPolicy'),
    'spec.schedulerName': get('spec', 'schedulerName'),
    'spec.serviceAccountName': get('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => (get('spec', 'hostNetwork')(o) === 'true' ? 'true' : 'false'),
    'status.phase': get('status', 'phase'),
    'status.podIP': get('status', 'podIP'),
    'status.nominatedNodeName': get('status', 'nominatedNodeName'),
  },
  '/nodes': { 'spec.unschedulable': (o) => (get('spec', 'unschedulable')(o) === 'true' ? 'true' : 'false') },
  '/namespaces': { 'status.phase': get('status', 'phase') },
  '/secrets': { type: get('type') },
  '/persistentvolumeclaims': {},
  '/events': {
    'involvedObject.kind': get('involvedObject', 'kind'),
    'involvedObject.namespace': get('involvedObject', 'namespace'),
    'involvedObject.name': get('involvedObject', 'name'),
    'involvedObject.uid': get('involvedObject', 'uid'),
    'involvedObject.apiVersion': get('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': get('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': get('involvedObject', 'fieldPath'),
    reason: get('reason'),
    reportingComponent: get('reportingComponent'),
    source: get('source', 'component'),
    type: get('type'),
  },
  'events.k8s.io/events': {
    'regarding.kind': get('regarding', 'kind'),
    'regarding.namespace': get('regarding', 'namespace'),
    'regarding.name': get('regarding', 'name'),
    'regarding.uid': get('regarding', 'uid'),
    reason: get('reason'),
    type: get('type'),
  },
}

export function supportedFields(info: ResourceInfo): Record<string, Getter> {
  return { ...META, ...(BY_RESOURCE[`${info.group}/${info.resource}`] ?? {}) }
}

/** The selectable field values of an object, for `matchesFields`. */
export function fieldSet(info: ResourceInfo, obj: KubeObject, fields: readonly string[]): Record<string, string> {
  const getters = supportedFields(info)
  const out: Record<string, string> = {}
  for (const f of fields) {
    const g = getters[f]
    if (g) out[f] = g(obj)
  }
  return out
}
