import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { formatFieldError, invalid } from '../errors.js'
import { applyDefaults } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate, validateStatusUpdate, validateUpdate } from './index.js'

type Mut = (o: any) => void

function sts(mut?: Mut): KubeObject {
  const o = {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    spec: {
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
    },
  }
  mut?.(o)
  applyDefaults('apps', 'statefulsets', o)
  return o
}

const create = (mut?: Mut): string[] => validateCreate('apps', 'statefulsets', sts(mut)).map(upstreamFieldErrorText)

void test('a defaulted StatefulSet is valid; serviceName is optional', () => {
  assert.deepEqual(create(), [])
  assert.deepEqual(create((o) => { delete o.spec.serviceName }), [])
})

void test('StatefulSet spec rules (create)', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['negative replicas', (o) => { o.spec.replicas = -1 }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['labels do not match', (o) => { o.spec.template.metadata.labels = { app: 'x' } },
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']],
    ['restartPolicy', (o) => { o.spec.template.spec.restartPolicy = 'Never' },
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['activeDeadlineSeconds', (o) => { o.spec.template.spec.activeDeadlineSeconds = 5 },
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported']],
    ['missing selector', (o) => { delete o.spec.selector }, [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    ]],
    ['empty selector', (o) => { o.spec.selector = {} },
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset']],
    ['podManagementPolicy', (o) => { o.spec.podManagementPolicy = 'Random' },
      ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
    ['updateStrategy type', (o) => { o.spec.updateStrategy = { type: 'Foo' } },
      ["spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Foo\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"]],
    ['rollingUpdate with OnDelete', (o) => { o.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } } },
      ["spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"]],
    ['partition and maxUnavailable 0', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } } }, [
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0',
    ]],
    ['maxUnavailable 0%', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%' } } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0%: cannot be 0']],
    ['maxUnavailable 120%', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '120%' } } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 120%: must not be greater than 100%']],
    ['maxUnavailable not a percent', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 'x' } } }, [
      "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: x: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: x: cannot be 0',
    ]],
    ['retention policy', (o) => { o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' } },
      ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"']],
    ['ordinals and minReadySeconds', (o) => { o.spec.ordinals = { start: -1 }; o.spec.minReadySeconds = -2 }, [
      'spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0',
      'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['name must be a DNS label', (o) => { o.metadata.name = 'web.v1' }, ['metadata.name: Invalid value: "web.v1": must not contain dots']],
    ['template labels are validated (upstream path omits metadata)', (o) => { o.spec.template.metadata.labels['bad key'] = 'x' }, [
      "spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(create(mut), want, name)
})

void test('the pod spec of a StatefulSet template is not validated (upstream parity)', () => {
  assert.deepEqual(create((o) => { o.spec.template.spec.containers[0].volumeMounts = [{ name: 'www', mountPath: '/data' }] }), [])
})

void test('errors.ts renders the brief examples verbatim', () => {
  const errs = validateCreate('apps', 'statefulsets', sts((o) => { o.spec.replicas = -1; o.spec.template.metadata.labels = { app: 'x' } }))
  assert.deepEqual(errs.map(formatFieldError), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ])
  assert.equal(invalid('StatefulSet', 'apps', 'web', errs).message,
    'StatefulSet.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`]')
})

void test('StatefulSet update: only some spec fields may change', () => {
  const old = sts()
  const forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
  const upd = (mut: Mut) => validateUpdate('apps', 'statefulsets', sts(mut), old).map(upstreamFieldErrorText)
  assert.deepEqual(upd((o) => { o.spec.replicas = 5; o.spec.template.spec.containers[0].image = 'nginx:2'; o.spec.minReadySeconds = 3; o.spec.ordinals = { start: 2 } }), [])
  assert.deepEqual(upd((o) => { o.spec.updateStrategy = { type: 'OnDelete' }; o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' } }), [])
  assert.deepEqual(upd((o) => { o.spec.serviceName = 'other' }), [forbidden])
  assert.deepEqual(upd((o) => { o.spec.podManagementPolicy = 'Parallel' }), [forbidden])
  assert.deepEqual(upd((o) => { o.spec.volumeClaimTemplates = [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }), [forbidden])
  assert.deepEqual(upd((o) => { o.spec.selector.matchLabels.tier = 'web'; o.spec.template.metadata.labels.tier = 'web' }), [forbidden])
  assert.deepEqual(upd((o) => { o.spec.revisionHistoryLimit = 3 }), [forbidden])
  assert.deepEqual(upd((o) => { o.metadata.name = 'other' }), ['metadata.name: Invalid value: "other": field is immutable', forbidden].slice(0, 1))
})

void test('StatefulSet status update', () => {
  const old = sts((o) => { o.status = { replicas: 2, collisionCount: 2 } })
  const st = (status: object) => validateStatusUpdate('apps', 'statefulsets', sts((o) => { o.status = status }), old).map(upstreamFieldErrorText)
  assert.deepEqual(st({ replicas: 2, readyReplicas: 2, availableReplicas: 1, currentReplicas: 2, updatedReplicas: 2, observedGeneration: 1, collisionCount: 2 }), [])
  assert.deepEqual(st({ replicas: -1, collisionCount: 2 }), [
    'status.replicas: Invalid value: -1: must be greater than or equal to 0',
    'status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas',
    'status.currentReplicas: Invalid value: 0: cannot be greater than status.replicas',
    'status.updatedReplicas: Invalid value: 0: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas',
  ])
  assert.deepEqual(st({ replicas: 1, readyReplicas: 2, availableReplicas: 2, observedGeneration: -1, collisionCount: 1 }), [
    'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ])
  assert.deepEqual(st({ replicas: 3, readyReplicas: 1, availableReplicas: 2, collisionCount: 2 }), [
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas',
  ])
})
