/**
 * apps/v1 workload validation, after pkg/apis/apps/validation and the registry
 * strategies (selector immutability lives in the strategies upstream).
 */
import { fromLabelSelector, matches } from '../selectors.js'
import { child, fe, goIntOrString, goLabelSelector, goStringMap, goStruct, goValue, type Errs } from './field.js'
import { deepEqual, isObj, num, obj, objs, semanticEqual, str, type J } from './json.js'
import { FIELD_IMMUTABLE_MSG, nonNegative, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js'
import { isQualifiedName, isValidLabelValue, isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js'
import { validatePodTemplateMetaOnly, validatePodTemplateSpec } from './pod.js'

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation'

// ---------------------------------------------------------------- int-or-percent

function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined
  return Number.parseInt(v.slice(0, -1), 10)
}

/** getIntOrPercentValue: the percent number, the int, or 0 for anything else. */
function intOrPercentValue(v: unknown): number {
  const p = percentValue(v)
  if (p !== undefined) return p
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return Number(v)
  return 0
}

function validatePositiveIntOrPercent(v: unknown, path: string): Errs {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fe.invalid(path, goIntOrString(v), m))
  if (typeof v === 'number') return nonNegative(v, path)
  if (v === undefined || v === null) return []
  return [fe.invalid(path, goIntOrString(v), "must be an integer or percentage (e.g '5%%')")]
}

function notMoreThan100Percent(v: unknown, path: string): Errs {
  const p = percentValue(v)
  return p !== undefined && p > 100 ? [fe.invalid(path, goIntOrString(v), 'must not be greater than 100%')] : []
}

// ---------------------------------------------------------------- shared

function selectorMatchesTemplate(sel: unknown, labels: unknown): boolean {
  const s = obj(sel)
  if (!s) return false
  try {
    const reqs = fromLabelSelector(s as Parameters<typeof fromLabelSelector>[0])
    return matches(reqs, (obj(labels) ?? {}) as Record<string, string>)
  } catch {
    return true
  }
}

/** Whether metav1.LabelSelectorAsSelector would accept the selector (nil is fine). */
function selectorParses(sel: unknown): boolean {
  const s = obj(sel)
  if (!s) return true
  const labels = obj(s['matchLabels']) ?? {}
  for (const [k, v] of Object.entries(labels)) {
    if (isQualifiedName(k).length || isValidLabelValue(String(v)).length) return false
  }
  return objs(s['matchExpressions']).every((e) => {
    const op = str(e['operator'])
    const values = Array.isArray(e['values']) ? (e['values'] as unknown[]).map(String) : []
    if (isQualifiedName(str(e['key'])).length) return false
    if (op === 'In' || op === 'NotIn') return values.length > 0 && values.every((v) => isValidLabelValue(v).length === 0)
    if (op === 'Exists' || op === 'DoesNotExist') return values.length === 0
    return false
  })
}

/** ValidatePodTemplateSpecFor…: a nil selector (labels.Nothing) never matches, an empty one is not checked. */
function templateMismatch(sel: unknown, template: J): boolean {
  const s = obj(sel)
  if (!s) return true
  if (selectorIsEmpty(s)) return false
  return !selectorMatchesTemplate(s, templateLabels(template))
}

const selectorIsEmpty = (sel: J): boolean =>
  Object.keys(obj(sel['matchLabels']) ?? {}).length + objs(sel['matchExpressions']).length === 0

const templateLabels = (template: J): unknown => obj(template['metadata'])?.['labels']

/** The %#v of template labels: nil when absent, {} when present but empty. */
const labelsValue = (template: J): unknown => goValue(goStringMap(templateLabels(template)))

function restartAlwaysAndNoDeadline(template: J, path: string, kind: string, forbidDeadline: boolean): Errs {
  const errs: Errs = []
  const spec = obj(template['spec']) ?? {}
  const rp = str(spec['restartPolicy'])
  if (rp !== 'Always') errs.push(fe.notSupported(child(path, 'spec', 'restartPolicy'), rp, ['Always']))
  if (forbidDeadline && spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null) {
    errs.push(fe.forbidden(child(path, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`))
  }
  return errs
}

function requiredNonEmptySelector(spec: J, kind: string): Errs {
  const sel = spec['selector']
  if (sel === undefined || sel === null) return [fe.required('spec.selector')]
  const errs = validateLabelSelector(sel, 'spec.selector')
  if (isObj(sel) && selectorIsEmpty(sel)) errs.push(fe.invalid('spec.selector', goValue(goLabelSelector(sel)), `empty selector is invalid for ${kind}`))
  return errs
}

function immutableSelector(spec: J, oldSpec: J): Errs {
  if (deepEqual(spec['selector'] ?? null, oldSpec['selector'] ?? null)) return []
  return [fe.invalid('spec.selector', spec['selector'] ? goValue(goLabelSelector(spec['selector'])) : null, FIELD_IMMUTABLE_MSG)]
}

// ---------------------------------------------------------------- StatefulSet

function goRollingUpdateSts(ru: J): string {
  return goStruct('apps.RollingUpdateStatefulSetStrategy', [['Partition', ru['partition'], 'int32'], ['MaxUnavailable', ru['maxUnavailable'], '*intstr.IntOrString']])
}

function validateRollingUpdateStatefulSet(ru: J, path: string): Errs {
  const errs = nonNegative(num(ru['partition']) ?? 0, child(path, 'partition'))
  const mu = ru['maxUnavailable']
  if (mu !== undefined && mu !== null) {
    const p = child(path, 'maxUnavailable')
    errs.push(...validatePositiveIntOrPercent(mu, p))
    if (intOrPercentValue(mu) === 0) errs.push(fe.invalid(p, goIntOrString(mu), 'cannot be 0'))
    errs.push(...notMoreThan100Percent(mu, p))
  }
  return errs
}

export function validateStatefulSetSpec(spec: J): Errs {
  const errs: Errs = []
  const pmp = str(spec['podManagementPolicy'])
  if (pmp === '') errs.push(fe.required('spec.podManagementPolicy'))
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fe.invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"))
  const us = obj(spec['updateStrategy']) ?? {}
  const ru = obj(us['rollingUpdate'])
  switch (str(us['type'])) {
    case '':
      errs.push(fe.required('spec.updateStrategy'))
      break
    case 'OnDelete':
      if (ru) errs.push(fe.invalid('spec.updateStrategy.rollingUpdate', goValue(goRollingUpdateSts(ru)), "only allowed for updateStrategy 'RollingUpdate'"))
      break
    case 'RollingUpdate':
      if (ru) errs.push(...validateRollingUpdateStatefulSet(ru, 'spec.updateStrategy.rollingUpdate'))
      break
    default: {
      const rendered = goValue(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(us['type']))}, RollingUpdate:${ru ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000010000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`)
      errs.push(fe.invalid('spec.updateStrategy', rendered, "must be 'RollingUpdate' or 'OnDelete'"))
    }
  }
  const rpol = obj(spec['persistentVolumeClaimRetentionPolicy'])
  if (rpol) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(rpol[f])
      if (v !== 'Retain' && v !== 'Delete') errs.push(fe.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, v, ['Retain', 'Delete']))
    }
  }
  errs.push(...nonNegative(num(spec['replicas']) ?? 0, 'spec.replicas'))
  errs.push(...nonNegative(num(spec['minReadySeconds']) ?? 0, 'spec.minReadySeconds'))
  const ordinals = obj(spec['ordinals'])
  if (ordinals) errs.push(...nonNegative(num(ordinals['start']) ?? 0, 'spec.ordinals.start'))
  errs.push(...requiredNonEmptySelector(spec, 'statefulset'))
  const template = obj(spec['template']) ?? {}
  if (!selectorParses(spec['selector'])) errs.push(fe.invalid('spec.selector', goValue(goLabelSelector(spec['selector'])), ''))
  else {
    if (templateMismatch(spec['selector'], template)) {
      errs.push(fe.invalid('spec.template.metadata.labels', labelsValue(template), '`selector` does not match template `labels`'))
    }
    errs.push(...validatePodTemplateMetaOnly(template, 'spec.template'))
  }
  const tspec = obj(template['spec']) ?? {}
  if (str(tspec['restartPolicy']) !== 'Always') errs.push(fe.notSupported('spec.template.spec.restartPolicy', str(tspec['restartPolicy']), ['Always']))
  if (tspec['activeDeadlineSeconds'] !== undefined && tspec['activeDeadlineSeconds'] !== null) {
    errs.push(fe.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in StatefulSet is not Supported'))
  }
  return errs
}

export function validateStatefulSet(sts: J): Errs {
  const errs = validateObjectMeta(sts['metadata'], { namespaced: true, nameFn: nameIsDNSLabel })
  errs.push(...validateStatefulSetSpec(obj(sts['spec']) ?? {}))
  return errs
}

export const STS_UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']

export function validateStatefulSetUpdate(sts: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(sts['metadata'], old['metadata'])
  const spec = obj(sts['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  errs.push(...validateStatefulSetSpec(spec))
  const clone: J = { ...spec }
  for (const f of STS_MUTABLE) clone[f] = oldSpec[f]
  if (!semanticEqual(clone, oldSpec)) errs.push(fe.forbidden('spec', STS_UPDATE_FORBIDDEN))
  return errs
}

function statusCounters(status: J, fields: readonly string[]): Errs {
  return fields.flatMap((f) => nonNegative(num(status[f]) ?? 0, `status.${f}`))
}

function collisionDecrement(status: J, oldStatus: J): Errs {
  const n = num(status['collisionCount'])
  const o = num(oldStatus['collisionCount'])
  if (o === undefined) return []
  if (n === undefined || n < o) return [fe.invalid('status.collisionCount', n ?? 0, 'cannot be decremented')]
  return []
}

export function validateStatefulSetStatusUpdate(sts: J, old: J): Errs {
  const status = obj(sts['status']) ?? {}
  const errs = statusCounters(status, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'])
  for (const f of ['observedGeneration', 'collisionCount']) {
    const v = num(status[f])
    if (v !== undefined) errs.push(...nonNegative(v, `status.${f}`))
  }
  const r = num(status['replicas']) ?? 0
  const msg = 'cannot be greater than status.replicas'
  for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) {
    const v = num(status[f]) ?? 0
    if (v > r) errs.push(fe.invalid(`status.${f}`, v, msg))
  }
  const avail = num(status['availableReplicas']) ?? 0
  if (avail > (num(status['readyReplicas']) ?? 0)) errs.push(fe.invalid('status.availableReplicas', avail, 'cannot be greater than status.readyReplicas'))
  errs.push(...validateObjectMetaUpdate(sts['metadata'], old['metadata']))
  errs.push(...collisionDecrement(status, obj(old['status']) ?? {}))
  return errs
}

// ---------------------------------------------------------------- DaemonSet

function goDaemonSetStrategy(us: J): string {
  return `apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(str(us['type']))}, RollingUpdate:${us['rollingUpdate'] ? '(*apps.RollingUpdateDaemonSet)(0xc000010000)' : '(*apps.RollingUpdateDaemonSet)(nil)'}}`
}

function validateRollingUpdateDaemonSet(ru: J, path: string): Errs {
  const mu = ru['maxUnavailable'] ?? 0
  const ms = ru['maxSurge'] ?? 0
  const errs = [
    ...validatePositiveIntOrPercent(mu, child(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ms, child(path, 'maxSurge')),
    ...notMoreThan100Percent(mu, child(path, 'maxUnavailable')),
    ...notMoreThan100Percent(ms, child(path, 'maxSurge')),
  ]
  const hasUnavailable = intOrPercentValue(mu) !== 0
  const hasSurge = intOrPercentValue(ms) !== 0
  if (hasUnavailable && hasSurge) errs.push(fe.invalid(child(path, 'maxSurge'), goIntOrString(ms), 'may not be set when maxUnavailable is non-zero'))
  else if (!hasUnavailable && !hasSurge) errs.push(fe.required(child(path, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'))
  return errs
}

export function templateGeneration(meta: unknown): number {
  const v = str(obj(obj(meta)?.['annotations'])?.[TEMPLATE_GENERATION_ANNOTATION])
  return /^-?[0-9]+$/.test(v) ? Number(v) : 0
}

export function validateDaemonSetSpec(spec: J, meta: unknown): Errs {
  const errs = validateLabelSelector(spec['selector'], 'spec.selector')
  const template = obj(spec['template']) ?? {}
  const sel = obj(spec['selector'])
  if (selectorParses(spec['selector']) && !(sel && selectorMatchesTemplate(sel, templateLabels(template)))) {
    errs.push(fe.invalid('spec.template.metadata.labels', labelsValue(template), '`selector` does not match template `labels`'))
  }
  if (sel && selectorIsEmpty(sel)) errs.push(fe.invalid('spec.selector', goValue(goLabelSelector(sel)), 'empty selector is invalid for daemonset'))
  errs.push(...validatePodTemplateSpec(template, 'spec.template'))
  errs.push(...restartAlwaysAndNoDeadline(template, 'spec.template', 'DaemonSet', true))
  errs.push(...nonNegative(num(spec['minReadySeconds']) ?? 0, 'spec.minReadySeconds'))
  errs.push(...nonNegative(templateGeneration(meta), 'spec.templateGeneration'))
  const us = obj(spec['updateStrategy']) ?? {}
  switch (str(us['type'])) {
    case 'OnDelete':
      break
    case 'RollingUpdate': {
      const ru = obj(us['rollingUpdate'])
      if (!ru) errs.push(fe.required('spec.updateStrategy.rollingUpdate'))
      else errs.push(...validateRollingUpdateDaemonSet(ru, 'spec.updateStrategy.rollingUpdate'))
      break
    }
    default:
      errs.push(fe.notSupported('spec.updateStrategy', goValue(goDaemonSetStrategy(us)), ['RollingUpdate', 'OnDelete']))
  }
  const rhl = num(spec['revisionHistoryLimit'])
  if (rhl !== undefined) errs.push(...nonNegative(rhl, 'spec.revisionHistoryLimit'))
  return errs
}

export function validateDaemonSet(ds: J): Errs {
  const errs = validateObjectMeta(ds['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  errs.push(...validateDaemonSetSpec(obj(ds['spec']) ?? {}, ds['metadata']))
  return errs
}

/**
 * ValidateDaemonSetUpdate plus the strategy's selector immutability (apps/v1,
 * apps/v1beta2; pass `selectorMutable` for requests made through extensions/v1beta1).
 */
export function validateDaemonSetUpdate(ds: J, old: J, selectorMutable = false): Errs {
  const errs = validateObjectMetaUpdate(ds['metadata'], old['metadata'])
  const spec = obj(ds['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  // Upstream's templateGeneration checks (never decremented, bumped with the template) cannot
  // fail for apps/v1 clients: the strategy overwrites the client's value first. See
  // defaults.prepareForUpdate, which does the same with the annotation.
  errs.push(...validateDaemonSetSpec(spec, ds['metadata']))
  if (!selectorMutable) errs.push(...immutableSelector(spec, oldSpec))
  return errs
}

export function validateDaemonSetStatusUpdate(ds: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(ds['metadata'], old['metadata'])
  const status = obj(ds['status']) ?? {}
  errs.push(...statusCounters(status, ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']))
  const cc = num(status['collisionCount'])
  if (cc !== undefined) errs.push(...nonNegative(cc, 'status.collisionCount'))
  errs.push(...collisionDecrement(status, obj(old['status']) ?? {}))
  return errs
}

// ---------------------------------------------------------------- Deployment / ReplicaSet

function validateTemplateForReplicaSet(spec: J, kind: string): Errs {
  const errs: Errs = []
  const template = obj(spec['template']) ?? {}
  if (!selectorParses(spec['selector'])) {
    errs.push(fe.invalid('spec.selector', spec['selector'] ? goValue(goLabelSelector(spec['selector'])) : null, 'invalid label selector'))
    return errs
  }
  if (templateMismatch(spec['selector'], template)) {
    errs.push(fe.invalid('spec.template.metadata.labels', labelsValue(template), '`selector` does not match template `labels`'))
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'))
  errs.push(...restartAlwaysAndNoDeadline(template, 'spec.template', kind, true))
  return errs
}

function validateDeploymentStrategy(strategy: J): Errs {
  const path = 'spec.strategy'
  const ru = obj(strategy['rollingUpdate'])
  switch (str(strategy['type'])) {
    case 'Recreate':
      return ru ? [fe.forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : []
    case 'RollingUpdate': {
      if (!ru) return [fe.required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil')]
      const p = child(path, 'rollingUpdate')
      const mu = ru['maxUnavailable'] ?? 0
      const ms = ru['maxSurge'] ?? 0
      const errs = [...validatePositiveIntOrPercent(mu, child(p, 'maxUnavailable')), ...validatePositiveIntOrPercent(ms, child(p, 'maxSurge'))]
      if (intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0) errs.push(fe.invalid(child(p, 'maxUnavailable'), goIntOrString(mu), 'may not be 0 when `maxSurge` is 0'))
      errs.push(...notMoreThan100Percent(mu, child(p, 'maxUnavailable')))
      return errs
    }
    default: {
      const rendered = goValue(`apps.DeploymentStrategy{Type:${JSON.stringify(str(strategy['type']))}, RollingUpdate:${ru ? '(*apps.RollingUpdateDeployment)(0xc000010000)' : '(*apps.RollingUpdateDeployment)(nil)'}}`)
      return [fe.notSupported(path, rendered, ['Recreate', 'RollingUpdate'])]
    }
  }
}

export function validateDeploymentSpec(spec: J): Errs {
  const errs = nonNegative(num(spec['replicas']) ?? 0, 'spec.replicas')
  errs.push(...requiredNonEmptySelector(spec, 'deployment'))
  errs.push(...validateTemplateForReplicaSet(spec, 'ReplicaSet'))
  errs.push(...validateDeploymentStrategy(obj(spec['strategy']) ?? {}))
  errs.push(...nonNegative(num(spec['minReadySeconds']) ?? 0, 'spec.minReadySeconds'))
  const rhl = num(spec['revisionHistoryLimit'])
  if (rhl !== undefined) errs.push(...nonNegative(rhl, 'spec.revisionHistoryLimit'))
  const rb = obj(spec['rollbackTo'])
  if (rb) errs.push(...nonNegative(num(rb['revision']) ?? 0, 'spec.rollback.version'))
  const pds = num(spec['progressDeadlineSeconds'])
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'))
    if (pds <= (num(spec['minReadySeconds']) ?? 0)) errs.push(fe.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'))
  }
  return errs
}

export function validateDeployment(d: J): Errs {
  const errs = validateObjectMeta(d['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  errs.push(...validateDeploymentSpec(obj(d['spec']) ?? {}))
  return errs
}

export function validateDeploymentUpdate(d: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(d['metadata'], old['metadata'])
  errs.push(...validateDeploymentSpec(obj(d['spec']) ?? {}))
  errs.push(...immutableSelector(obj(d['spec']) ?? {}, obj(old['spec']) ?? {}))
  return errs
}

function replicaCounters(status: J, readyMsg: string): Errs {
  const errs: Errs = []
  const r = num(status['replicas']) ?? 0
  const msg = 'cannot be greater than status.replicas'
  for (const f of ['updatedReplicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    const v = num(status[f])
    if (v !== undefined && v > r) errs.push(fe.invalid(`status.${f}`, v, msg))
  }
  const avail = num(status['availableReplicas']) ?? 0
  if (avail > (num(status['readyReplicas']) ?? 0)) errs.push(fe.invalid('status.availableReplicas', avail, readyMsg))
  return errs
}

export function validateDeploymentStatusUpdate(d: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(d['metadata'], old['metadata'])
  const status = obj(d['status']) ?? {}
  errs.push(...statusCounters(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']))
  const cc = num(status['collisionCount'])
  if (cc !== undefined) errs.push(...nonNegative(cc, 'status.collisionCount'))
  errs.push(...replicaCounters(status, 'cannot be greater than readyReplicas'))
  errs.push(...collisionDecrement(status, obj(old['status']) ?? {}))
  return errs
}

export function validateReplicaSetSpec(spec: J): Errs {
  const errs = nonNegative(num(spec['replicas']) ?? 0, 'spec.replicas')
  errs.push(...nonNegative(num(spec['minReadySeconds']) ?? 0, 'spec.minReadySeconds'))
  errs.push(...requiredNonEmptySelector(spec, 'deployment'))
  errs.push(...validateTemplateForReplicaSet(spec, 'ReplicaSet'))
  return errs
}

export function validateReplicaSet(rs: J): Errs {
  const errs = validateObjectMeta(rs['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  errs.push(...validateReplicaSetSpec(obj(rs['spec']) ?? {}))
  return errs
}

export function validateReplicaSetUpdate(rs: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(rs['metadata'], old['metadata'])
  errs.push(...validateReplicaSetSpec(obj(rs['spec']) ?? {}))
  errs.push(...immutableSelector(obj(rs['spec']) ?? {}, obj(old['spec']) ?? {}))
  return errs
}

export function validateReplicaSetStatusUpdate(rs: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(rs['metadata'], old['metadata'])
  const status = obj(rs['status']) ?? {}
  errs.push(...statusCounters(status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']))
  errs.push(...replicaCounters(status, 'cannot be greater than readyReplicas'))
  return errs
}

// ---------------------------------------------------------------- ControllerRevision

export function validateControllerRevision(cr: J): Errs {
  const errs = validateObjectMeta(cr['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  if (cr['data'] === undefined || cr['data'] === null) errs.push(fe.required('data', 'data is mandatory'))
  errs.push(...nonNegative(num(cr['revision']) ?? 0, 'revision'))
  return errs
}

function goRawExtension(data: unknown): string {
  const bytes = new TextEncoder().encode(data === undefined ? '' : JSON.stringify(data))
  return `runtime.RawExtension{Raw:[]uint8{${[...bytes].map((b) => `0x${b.toString(16)}`).join(', ')}}, Object:runtime.Object(nil)}`
}

export function validateControllerRevisionUpdate(cr: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(cr['metadata'], old['metadata'])
  errs.push(...validateControllerRevision(cr))
  if (!deepEqual(cr['data'] ?? null, old['data'] ?? null)) errs.push(fe.invalid('data', goValue(goRawExtension(cr['data'])), FIELD_IMMUTABLE_MSG))
  return errs
}
