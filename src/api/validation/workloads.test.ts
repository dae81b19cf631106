import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults, prepareForUpdate } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate, validateStatusUpdate, validateUpdate } from './index.js'

type Mut = (o: any) => void

function workload(resource: string, kind: string, mut?: Mut): KubeObject {
  const o = {
    apiVersion: 'apps/v1', kind,
    metadata: { name: 'app', namespace: 'default', resourceVersion: '1' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
    },
  }
  mut?.(o)
  applyDefaults('apps', resource, o)
  return o
}

const ds = (mut?: Mut) => workload('daemonsets', 'DaemonSet', mut)
const texts = (errs: ReturnType<typeof validateCreate>) => errs.map(upstreamFieldErrorText)

void test('DaemonSet create rules', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['valid', () => {}, []],
    ['no selector', (o) => { delete o.spec.selector },
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`']],
    ['empty selector', (o) => { o.spec.selector = {} },
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset']],
    ['both zero', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    ['both non-zero', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '10%' } } },
      ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 10%: may not be set when maxUnavailable is non-zero']],
    ['surge only is fine', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }, []],
    ['over 100%', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 150%: must not be greater than 100%']],
    ['negative', (o) => { o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: -1 } } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0']],
    ['bad type', (o) => { o.spec.updateStrategy = { type: 'Foo' } },
      ['spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Foo", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"']],
    ['history and minReady', (o) => { o.spec.revisionHistoryLimit = -1; o.spec.minReadySeconds = -1 }, [
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['restartPolicy', (o) => { o.spec.template.spec.restartPolicy = 'OnFailure' },
      ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
    ['full pod template validation', (o) => { o.spec.template.spec.containers[0].image = '' },
      ['spec.template.spec.containers[0].image: Required value']],
    ['activeDeadlineSeconds', (o) => { o.spec.template.spec.activeDeadlineSeconds = 10 },
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported']],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(texts(validateCreate('apps', 'daemonsets', ds(mut))), want, name)
})

void test('DaemonSet update: selector immutable through apps/v1, mutable through extensions/v1beta1', () => {
  const old = ds()
  const changed = ds((o) => { o.spec.selector.matchLabels.tier = 'a'; o.spec.template.metadata.labels.tier = 'a' })
  const immutable = 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "tier":"a"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
  assert.deepEqual(texts(validateUpdate('apps', 'daemonsets', changed, old)), [immutable])
  assert.deepEqual(texts(validateUpdate('apps', 'daemonsets', changed, old, { requestVersion: 'extensions/v1beta1' })), [])
})

void test('DaemonSet template generation follows the template (prepareForUpdate)', () => {
  const old = ds()
  assert.equal(old.metadata.annotations?.['deprecated.daemonset.template.generation'], '1')
  const same = ds((o) => { o.spec.minReadySeconds = 5 })
  prepareForUpdate('apps', 'daemonsets', same, old)
  assert.equal(same.metadata.annotations?.['deprecated.daemonset.template.generation'], '1')
  const bumped = ds((o) => { o.spec.template.spec.containers[0].image = 'nginx:2'; o.metadata.annotations = { 'deprecated.daemonset.template.generation': '7' } })
  prepareForUpdate('apps', 'daemonsets', bumped, old)
  assert.equal(bumped.metadata.annotations?.['deprecated.daemonset.template.generation'], '2')
  assert.deepEqual(validateUpdate('apps', 'daemonsets', bumped, old), [])
})

void test('DaemonSet status update', () => {
  const old = ds((o) => { o.status = { collisionCount: 1 } })
  const upd = ds((o) => { o.status = { numberReady: -1, desiredNumberScheduled: 1 } })
  assert.deepEqual(texts(validateStatusUpdate('apps', 'daemonsets', upd, old)), [
    'status.numberReady: Invalid value: -1: must be greater than or equal to 0',
    'status.collisionCount: Invalid value: 0: cannot be decremented',
  ])
})

void test('Deployment and ReplicaSet basics', () => {
  const dep = (mut?: Mut) => workload('deployments', 'Deployment', mut)
  assert.deepEqual(texts(validateCreate('apps', 'deployments', dep())), [])
  assert.deepEqual(texts(validateCreate('apps', 'deployments', dep((o) => { delete o.spec.selector }))), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ])
  assert.deepEqual(texts(validateCreate('apps', 'deployments', dep((o) => { o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }))), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ])
  assert.deepEqual(texts(validateCreate('apps', 'deployments', dep((o) => { o.spec.strategy = { type: 'Recreate', rollingUpdate: {} } }))), [
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ])
  assert.deepEqual(texts(validateCreate('apps', 'deployments', dep((o) => { o.spec.progressDeadlineSeconds = 5; o.spec.minReadySeconds = 10 }))), [
    'spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds',
  ])
  const old = dep()
  assert.deepEqual(texts(validateUpdate('apps', 'deployments', dep((o) => { o.spec.selector.matchLabels = { app: 'x', v: '2' }; o.spec.template.metadata.labels.v = '2' }), old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ])
  const rs = (mut?: Mut) => workload('replicasets', 'ReplicaSet', mut)
  assert.deepEqual(texts(validateCreate('apps', 'replicasets', rs())), [])
  assert.deepEqual(texts(validateCreate('apps', 'replicasets', rs((o) => { o.spec.replicas = -2 }))), ['spec.replicas: Invalid value: -2: must be greater than or equal to 0'])
  const rsOld = rs((o) => { o.status = { replicas: 1 } })
  assert.deepEqual(texts(validateStatusUpdate('apps', 'replicasets', rs((o) => { o.status = { replicas: 1, readyReplicas: 2 } }), rsOld)), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ])
})

void test('ControllerRevision: data required and immutable, revision non-negative and mutable', () => {
  const cr = (mut?: Mut): KubeObject => {
    const o = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-7b8c', namespace: 'default', resourceVersion: '1' }, data: { spec: {} }, revision: 1 }
    mut?.(o)
    return o
  }
  assert.deepEqual(texts(validateCreate('apps', 'controllerrevisions', cr())), [])
  assert.deepEqual(texts(validateCreate('apps', 'controllerrevisions', cr((o) => { delete o.data; o.revision = -1 }))), [
    'data: Required value: data is mandatory',
    'revision: Invalid value: -1: must be greater than or equal to 0',
  ])
  assert.deepEqual(texts(validateUpdate('apps', 'controllerrevisions', cr((o) => { o.revision = 5 }), cr())), [])
  const changed = texts(validateUpdate('apps', 'controllerrevisions', cr((o) => { o.data = {} }), cr()))
  assert.equal(changed.length, 1)
  assert.match(changed[0]!, /^data: Invalid value: runtime\.RawExtension\{Raw:\[\]uint8\{0x7b, 0x7d\}, Object:runtime\.Object\(nil\)\}: field is immutable$/)
})
