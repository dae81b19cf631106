/**
 * Upstream validation for the served resources, as pure functions returning
 * field errors in upstream's order and wording. The caller turns a non-empty list
 * into a 422 with errors.ts's `invalid(kind, group, name, errs)`.
 *
 * Objects are expected in their storage version (apps/v1, v1, …) with defaults
 * applied (see ../defaults). Order of checks mirrors the generic registry:
 *  - create: the resource's own validation; only when that passes, the generic
 *    ObjectMeta checks (path-segment name rules) run.
 *  - update: generic ObjectMeta + ObjectMeta-update checks first, then the
 *    resource's update validation. Repeated messages are dropped, as upstream's
 *    ErrorList.ToAggregate does.
 */
import type { FieldError } from '../errors.js'
import type { KubeObject } from '../object.js'
import { RESOURCES } from '../resources.js'
import * as apps from './apps.js'
import * as core from './core.js'
import { dedupe } from './field.js'
import type { J } from './json.js'
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js'
import { validatePathSegmentName } from './names.js'
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './pod.js'
import * as storage from './storage.js'

export { goValue, isGoValue, upstreamFieldErrorText, dedupe } from './field.js'
export { STS_UPDATE_FORBIDDEN, TEMPLATE_GENERATION_ANNOTATION } from './apps.js'

export interface ValidationOptions {
  /**
   * The group/version the request came in through (e.g. "extensions/v1beta1").
   * DaemonSet selectors stay mutable through extensions/v1beta1; events created
   * through core v1 get only the legacy checks.
   */
  requestVersion?: string
}

const as = (o: KubeObject): J => o as unknown as J

function isNamespaced(group: string, resource: string): boolean {
  return RESOURCES.find((r) => r.group === group && r.resource === resource)?.namespaced ?? true
}

function genericCreate(group: string, resource: string, obj: KubeObject): FieldError[] {
  return validateObjectMeta(obj.metadata, { namespaced: isNamespaced(group, resource), nameFn: validatePathSegmentName, kubeFinalizers: false })
}

function genericUpdate(group: string, resource: string, obj: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(obj.metadata, { namespaced: isNamespaced(group, resource), nameFn: validatePathSegmentName, kubeFinalizers: false }),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata, 'metadata', false),
  ]
}

function strategyCreate(group: string, resource: string, o: J): FieldError[] {
  switch (`${resource}.${group}`) {
    case 'pods.': return validatePodCreate(o)
    case 'services.': return core.validateService(o)
    case 'endpoints.': return core.validateEndpoints(o)
    case 'nodes.': return core.validateNode(o)
    case 'namespaces.': return core.validateNamespace(o)
    case 'persistentvolumes.': return storage.validatePersistentVolume(o)
    case 'persistentvolumeclaims.': return storage.validatePersistentVolumeClaim(o)
    case 'configmaps.': return core.validateConfigMap(o)
    case 'secrets.': return core.validateSecret(o)
    case 'serviceaccounts.': return core.validateServiceAccount(o)
    case 'events.': return core.validateEvent(o, false)
    case 'events.events.k8s.io': return core.validateEvent(o, true)
    case 'statefulsets.apps': return apps.validateStatefulSet(o)
    case 'daemonsets.apps': return apps.validateDaemonSet(o)
    case 'deployments.apps': return apps.validateDeployment(o)
    case 'replicasets.apps': return apps.validateReplicaSet(o)
    case 'controllerrevisions.apps': return apps.validateControllerRevision(o)
    case 'endpointslices.discovery.k8s.io': return core.validateEndpointSlice(o)
    case 'leases.coordination.k8s.io': return core.validateLease(o)
    case 'storageclasses.storage.k8s.io': return storage.validateStorageClass(o)
    default: return []
  }
}

function strategyUpdate(group: string, resource: string, o: J, old: J, opts: ValidationOptions): FieldError[] {
  switch (`${resource}.${group}`) {
    case 'pods.': return validatePodUpdate(o, old)
    case 'services.': return core.validateServiceUpdate(o, old)
    case 'endpoints.': return [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...core.validateEndpoints(o)]
    case 'nodes.': return [...core.validateNode(o), ...core.validateNodeUpdate(o, old)]
    case 'namespaces.': return [...core.validateNamespace(o), ...validateObjectMetaUpdate(o['metadata'], old['metadata'])]
    case 'persistentvolumes.': return storage.validatePersistentVolumeUpdate(o, old)
    case 'persistentvolumeclaims.': return storage.validatePersistentVolumeClaimUpdate(o, old)
    case 'configmaps.': return core.validateConfigMapUpdate(o, old)
    case 'secrets.': return core.validateSecretUpdate(o, old)
    case 'serviceaccounts.': return [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...core.validateServiceAccount(o)]
    case 'events.': return core.validateEventUpdate(o, old, false)
    case 'events.events.k8s.io': return core.validateEventUpdate(o, old, true)
    case 'statefulsets.apps': return apps.validateStatefulSetUpdate(o, old)
    case 'daemonsets.apps': return apps.validateDaemonSetUpdate(o, old, opts.requestVersion === 'extensions/v1beta1')
    case 'deployments.apps': return apps.validateDeploymentUpdate(o, old)
    case 'replicasets.apps': return apps.validateReplicaSetUpdate(o, old)
    case 'controllerrevisions.apps': return apps.validateControllerRevisionUpdate(o, old)
    case 'endpointslices.discovery.k8s.io': return core.validateEndpointSliceUpdate(o, old)
    case 'leases.coordination.k8s.io': return [...validateObjectMetaUpdate(o['metadata'], old['metadata']), ...core.validateLease(o)]
    case 'storageclasses.storage.k8s.io': return storage.validateStorageClassUpdate(o, old)
    default: return validateObjectMetaUpdate(o['metadata'], old['metadata'])
  }
}

function strategyStatusUpdate(group: string, resource: string, o: J, old: J): FieldError[] {
  switch (`${resource}.${group}`) {
    case 'pods.': return validatePodStatusUpdate(o, old)
    case 'services.': return core.validateServiceStatusUpdate(o, old)
    case 'nodes.': return core.validateNodeUpdate(o, old)
    case 'namespaces.': return core.validateNamespaceStatusUpdate(o, old)
    case 'persistentvolumes.': return storage.validatePersistentVolumeStatusUpdate(o, old)
    case 'persistentvolumeclaims.': return storage.validatePersistentVolumeClaimStatusUpdate(o, old)
    case 'statefulsets.apps': return apps.validateStatefulSetStatusUpdate(o, old)
    case 'daemonsets.apps': return apps.validateDaemonSetStatusUpdate(o, old)
    case 'deployments.apps': return apps.validateDeploymentStatusUpdate(o, old)
    case 'replicasets.apps': return apps.validateReplicaSetStatusUpdate(o, old)
    default: return validateObjectMetaUpdate(o['metadata'], old['metadata'])
  }
}

/** Field errors for a create (name generation already done, defaults applied). */
export function validateCreate(group: string, resource: string, obj: KubeObject, _opts: ValidationOptions = {}): FieldError[] {
  const errs = strategyCreate(group, resource, as(obj))
  if (errs.length > 0) return dedupe(errs)
  return dedupe(genericCreate(group, resource, obj))
}

/** Field errors for an update of the main resource. */
export function validateUpdate(group: string, resource: string, obj: KubeObject, old: KubeObject, opts: ValidationOptions = {}): FieldError[] {
  return dedupe([...genericUpdate(group, resource, obj, old), ...strategyUpdate(group, resource, as(obj), as(old), opts)])
}

/** Field errors for an update through the /status subresource. */
export function validateStatusUpdate(group: string, resource: string, obj: KubeObject, old: KubeObject): FieldError[] {
  return dedupe([...genericUpdate(group, resource, obj, old), ...strategyStatusUpdate(group, resource, as(obj), as(old))])
}
