import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ApiError, KubeObject } from '../../../api/index.js'
import { LAST_APPLIED, managerName, serverSideApply, trackUpdate, type Gvk } from '../index.js'

const GVK: Gvk = { group: 'apps', version: 'v1', kind: 'Deployment' }
const T0 = '2024-05-01T10:00:00Z'
const T1 = '2024-05-01T10:01:00Z'
const T2 = '2024-05-01T10:02:00Z'

type Obj = Record<string, unknown>
interface Entry {
  manager: string
  operation: string
  apiVersion: string
  time?: string
  fieldsType: string
  fieldsV1: Obj
  subresource?: string
}

function config(opts: { replicas?: number; image?: string; labels?: Record<string, string>; sidecar?: boolean } = {}): KubeObject {
  const containers: Obj[] = [{ name: 'nginx', image: opts.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] }]
  if (opts.sidecar) containers.push({ name: 'sidecar', image: 'busybox' })
  const spec: Obj = {
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers } },
  }
  if (opts.replicas !== undefined) spec.replicas = opts.replicas
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: opts.labels ?? { app: 'nginx' } },
    spec,
  }
}

/** What the registry does around the patch functions: uid etc. on create. */
function stored(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, uid: 'uid-1', resourceVersion: '1', creationTimestamp: T0 } }
}

function entries(o: KubeObject): Entry[] {
  return (o.metadata.managedFields ?? []) as unknown as Entry[]
}

function entry(o: KubeObject, manager: string): Entry {
  const e = entries(o).find((x) => x.manager === manager)
  assert.ok(e, `no managedFields entry for ${manager}`)
  return e
}

const spec = (o: KubeObject): Obj => o.spec as Obj
const podSpec = (o: KubeObject): Obj => (spec(o).template as Obj).spec as Obj

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: { force?: boolean; now?: string; subresource?: string } = {}): KubeObject {
  const before = structuredClone([live, applied])
  const out = serverSideApply(live, applied, {
    manager, force: opts.force ?? false, gvk: GVK, now: opts.now ?? T0, ...(opts.subresource ? { subresource: opts.subresource } : {}),
  })
  assert.deepEqual([live, applied], before, 'arguments untouched')
  return out
}

function applyError(live: KubeObject | undefined, applied: KubeObject, manager: string): ApiError {
  try {
    apply(live, applied, manager)
  } catch (e) {
    return e as ApiError
  }
  assert.fail('expected an error')
}

function update(old: KubeObject | undefined, next: KubeObject, manager: string, now = T0, subresource?: string): KubeObject {
  const before = structuredClone([old, next])
  const out = trackUpdate(old, next, { manager, gvk: GVK, now, ...(subresource ? { subresource } : {}) })
  assert.deepEqual([old, next], before, 'arguments untouched')
  return out
}

test('apply: create records an Apply entry in upstream shape', () => {
  const out = apply(undefined, config({ replicas: 3 }), 'kubectl')
  assert.equal(spec(out).replicas, 3)
  assert.deepEqual(entries(out), [{
    manager: 'kubectl',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    time: T0,
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    },
  }])
  assert.deepEqual(Object.keys(entries(out)[0]?.fieldsV1['f:spec'] as Obj), ['f:replicas', 'f:selector', 'f:template'])
})

test('apply: re-apply with a change updates the object and the entry time', () => {
  const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl'))
  const out = apply(live, config({ replicas: 3, image: 'nginx:1.26' }), 'kubectl', { now: T1 })
  assert.equal((podSpec(out).containers as Obj[])[0]?.image, 'nginx:1.26')
  assert.equal(out.metadata.uid, 'uid-1', 'live metadata is kept')
  assert.equal(entries(out).length, 1)
  assert.equal(entry(out, 'kubectl').time, T1)
})

test('apply: a no-op apply changes nothing, not even the time', () => {
  const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl'))
  const out = apply(live, config({ replicas: 3 }), 'kubectl', { now: T1 })
  assert.deepEqual(out, live)
})

test('apply: fields the applier omits now are removed', () => {
  const live = stored(apply(undefined, config({ replicas: 3, labels: { app: 'nginx', tier: 'web' }, sidecar: true }), 'kubectl'))
  assert.equal((podSpec(live).containers as Obj[]).length, 2)
  const out = apply(live, config({ labels: { app: 'nginx' } }), 'kubectl', { now: T1 })
  assert.deepEqual(out.metadata.labels, { app: 'nginx' })
  assert.deepEqual((podSpec(out).containers as Obj[]).map((c) => c.name), ['nginx'])
  assert.equal(spec(out).replicas, undefined, 'replicas no longer applied and owned by nobody else')
  assert.equal((entry(out, 'kubectl').fieldsV1['f:spec'] as Obj)['f:replicas'], undefined)
})

test('apply: omitted fields another manager also owns stay', () => {
  let live = stored(apply(undefined, config({ replicas: 3, labels: { app: 'nginx', tier: 'web' } }), 'kubectl'))
  live = apply(live, config({ replicas: 3, labels: { app: 'nginx', tier: 'web' } }), 'other-applier', { now: T1 })
  // an Update manager adds a label of its own
  const annotated = structuredClone(live)
  annotated.metadata.labels = { ...annotated.metadata.labels, owner: 'ops' }
  live = update(live, annotated, 'kubectl-label', T1)
  const out = apply(live, config({ labels: { app: 'nginx' } }), 'kubectl', { now: T2 })
  assert.equal(spec(out).replicas, 3, 'shared with other-applier')
  assert.deepEqual(out.metadata.labels, { app: 'nginx', tier: 'web', owner: 'ops' })
})

test('apply: conflict with a client-side apply Update manager, upstream message and causes', () => {
  const created = update(undefined, config({ replicas: 3 }), 'kubectl-client-side-apply')
  const live = stored(created)
  const e = applyError(live, config({ replicas: 5 }), 'my-manager')
  assert.equal(e.code, 409)
  assert.equal(e.reason, 'Conflict')
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas')
  assert.deepEqual(e.status.details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }],
  })
  // the same value is not a conflict: ownership becomes shared
  const same = apply(live, config({ replicas: 3 }), 'my-manager', { now: T1 })
  assert.ok((entry(same, 'kubectl-client-side-apply').fieldsV1['f:spec'] as Obj)['f:replicas'])
  assert.ok((entry(same, 'my-manager').fieldsV1['f:spec'] as Obj)['f:replicas'])
})

test('apply: force takes ownership away from the other manager', () => {
  const live = stored(update(undefined, config({ replicas: 3 }), 'kubectl-client-side-apply'))
  const out = apply(live, config({ replicas: 5 }), 'my-manager', { force: true, now: T1 })
  assert.equal(spec(out).replicas, 5)
  assert.equal((entry(out, 'kubectl-client-side-apply').fieldsV1['f:spec'] as Obj)['f:replicas'], undefined)
  assert.ok((entry(out, 'my-manager').fieldsV1['f:spec'] as Obj)['f:replicas'])
  assert.deepEqual(entries(out).map((x) => x.operation), ['Apply', 'Update'])
})

test('apply: kubectl scale, then apply with other replicas conflicts with the scale subresource manager', () => {
  const live = stored(apply(undefined, config({ replicas: 3 }), 'kubectl'))
  const scaled = structuredClone(live)
  spec(scaled).replicas = 10
  const afterScale = update(live, scaled, 'kubectl-scale', T1, 'scale')
  assert.deepEqual(entry(afterScale, 'kubectl-scale'), {
    manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale',
  })
  assert.equal((entry(afterScale, 'kubectl').fieldsV1['f:spec'] as Obj)['f:replicas'], undefined, 'the applier lost replicas')
  const e = applyError(afterScale, config({ replicas: 3, image: 'nginx:1.26' }), 'kubectl')
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas')
})

test('apply: several conflicts are grouped by manager', () => {
  let live = stored(update(undefined, config({ replicas: 3 }), 'a-manager'))
  const relabeled = structuredClone(live)
  relabeled.metadata.labels = { app: 'nginx', x: '1' }
  live = update(live, relabeled, 'b-manager', T1)
  const next = config({ replicas: 4, image: 'nginx:2', labels: { app: 'nginx', x: '2' } })
  const e = applyError(live, next, 'c')
  assert.equal(e.message, [
    'Apply failed with 3 conflicts: conflicts with "a-manager" using apps/v1:',
    '- .spec.replicas',
    '- .spec.template.spec.containers[name="nginx"].image',
    'conflicts with "b-manager" using apps/v1:',
    '- .metadata.labels.x',
  ].join('\n'))
  assert.equal(e.status.details?.causes?.length, 3)
})

test('apply: managedFields in the applied object, wrong kind and duplicate keys are rejected', () => {
  const withMf = config()
  withMf.metadata.managedFields = []
  const a = applyError(undefined, withMf, 'm')
  assert.deepEqual([a.code, a.message], [400, 'metadata.managedFields must be nil'])
  const b = applyError(undefined, { ...config(), apiVersion: 'apps/v1beta1' }, 'm')
  assert.deepEqual([b.code, b.message], [400, 'invalid object type: apps/v1beta1, Kind=Deployment'])
  const dup = config()
  ;(podSpec(dup).containers as Obj[]).push({ name: 'nginx', image: 'x' })
  const c = applyError(undefined, dup, 'm')
  assert.equal(c.code, 500)
  assert.equal(c.message, 'failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="nginx"]')
})

test('apply: an object without managedFields is first attributed to before-first-apply', () => {
  const live = stored(config({ replicas: 3 }))
  const out = apply(live, config({ replicas: 3, image: 'nginx:1.26' }), 'first', { force: true, now: T1 })
  assert.deepEqual(entries(out).map((x) => [x.manager, x.operation]), [['first', 'Apply'], ['before-first-apply', 'Update']])
  const e = applyError(live, config({ replicas: 4 }), 'first')
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas')
})

test('apply: kubectl upgrades from client-side apply without conflicts and keeps last-applied in step', () => {
  const csa = config({ replicas: 3 })
  csa.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(config({ replicas: 3 })) + '\n' }
  const live = stored(update(undefined, csa, 'kubectl-client-side-apply'))
  const next = config({ replicas: 5, image: 'nginx:1.26' })
  // another manager name gets the conflicts
  assert.equal(applyError(live, next, 'not-kubectl').code, 409)
  const out = apply(live, next, 'kubectl', { now: T1 })
  assert.equal(spec(out).replicas, 5)
  const annotation = out.metadata.annotations?.[LAST_APPLIED] ?? ''
  assert.ok(annotation.endsWith('\n'))
  assert.deepEqual(JSON.parse(annotation), next)
  assert.ok(annotation.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":'), 'encoding/json key order')
})

test('apply: a field changed since the last client-side apply still conflicts for kubectl', () => {
  const csa = config({ replicas: 3 })
  csa.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(config({ replicas: 3 })) + '\n' }
  let live = stored(update(undefined, csa, 'kubectl-client-side-apply'))
  const scaled = structuredClone(live)
  spec(scaled).replicas = 7
  live = update(live, scaled, 'kubectl-client-side-apply', T1)
  const e = applyError(live, config({ replicas: 5 }), 'kubectl')
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas')
})

test('apply: status is not owned through the main resource, only through /status', () => {
  const withStatus = { ...config({ replicas: 1 }), status: { replicas: 1 } }
  const out = apply(undefined, withStatus, 'm')
  assert.equal(entry(out, 'm').fieldsV1['f:status'], undefined)
  const st = apply(stored(out), { ...config(), status: { replicas: 2 } }, 'ctrl', { subresource: 'status', now: T1 })
  const e = entry(st, 'ctrl')
  assert.deepEqual([e.subresource, e.fieldsV1], ['status', { 'f:status': { 'f:replicas': {} } }])
})

test('trackUpdate: create records what the request set (kubectl create shape)', () => {
  const created = config({ replicas: 1 })
  Object.assign(spec(created), { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } })
  ;(podSpec(created).containers as Obj[])[0] = { name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log' }
  podSpec(created).securityContext = {}
  const out = update(undefined, created, 'kubectl-create', '2024-05-01T10:00:00.999Z')
  assert.deepEqual(entries(out), [{
    manager: 'kubectl-create',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: T0,
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {}, 'f:terminationMessagePath': {} },
            },
            'f:securityContext': {},
          },
        },
      },
    },
  }])
})

test('trackUpdate: an update takes the changed fields from their previous owner', () => {
  const live = stored(update(undefined, config({ replicas: 1 }), 'kubectl-create'))
  const next = structuredClone(live)
  spec(next).replicas = 2
  const out = update(live, next, 'hpa', T1)
  assert.deepEqual(entry(out, 'hpa').fieldsV1, { 'f:spec': { 'f:replicas': {} } })
  assert.equal((entry(out, 'kubectl-create').fieldsV1['f:spec'] as Obj)['f:replicas'], undefined)
  assert.equal(entry(out, 'kubectl-create').time, T0)
  // an update that changes nothing records nothing
  const again = update(stored(out), structuredClone(stored(out)), 'someone-else', T2)
  assert.equal(entries(again).some((x) => x.manager === 'someone-else'), false)
})

test('trackUpdate: removed fields leave every owner', () => {
  const live = stored(update(undefined, config({ replicas: 1, labels: { app: 'nginx', x: 'y' } }), 'creator'))
  const next = structuredClone(live)
  next.metadata.labels = { app: 'nginx' }
  const out = update(live, next, 'editor', T1)
  assert.deepEqual((entry(out, 'creator').fieldsV1['f:metadata'] as Obj)['f:labels'], { '.': {}, 'f:app': {} })
  assert.equal(entries(out).some((x) => x.manager === 'editor'), false)
})

test('trackUpdate: managedFields [] or [{}] in a write clears them, and the object stays untracked', () => {
  const live = stored(update(undefined, config({ replicas: 1 }), 'creator'))
  for (const reset of [[], [{}]]) {
    const next = structuredClone(live)
    next.metadata.managedFields = reset
    spec(next).replicas = 2
    const out = update(live, next, 'editor', T1)
    assert.equal(out.metadata.managedFields, undefined)
    const later = structuredClone(out)
    spec(later).replicas = 3
    assert.equal(update(out, later, 'editor', T2).metadata.managedFields, undefined)
  }
})

test('trackUpdate: a write that drops managedFields keeps the live ones; subresources ignore the request\'s', () => {
  const live = stored(update(undefined, config({ replicas: 1 }), 'creator'))
  const next = structuredClone(live)
  delete next.metadata.managedFields
  assert.deepEqual(update(live, next, 'x', T1).metadata.managedFields, live.metadata.managedFields)
  const viaStatus = structuredClone(live)
  viaStatus.metadata.managedFields = []
  viaStatus.status = { replicas: 1 }
  const out = update(live, viaStatus, 'ctrl', T1, 'status')
  assert.deepEqual(entries(out).map((x) => [x.manager, x.subresource]), [['creator', undefined], ['ctrl', 'status']])
})

test('trackUpdate: more than ten Update managers fold the oldest into ancient-changes', () => {
  let live = stored(update(undefined, config({ replicas: 0 }), 'm0', '2024-05-01T09:00:00Z'))
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(live)
    next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' }
    live = update(live, next, `m${i}`, `2024-05-01T10:${String(i).padStart(2, '0')}:00Z`)
  }
  const names = entries(live).map((x) => x.manager)
  assert.equal(names.length, 10)
  assert.ok(names.includes('ancient-changes'))
  assert.ok(!names.includes('m0') && !names.includes('m1') && !names.includes('m2'))
  const ancient = entry(live, 'ancient-changes').fieldsV1['f:metadata'] as { 'f:labels': Obj }
  assert.ok('f:l1' in ancient['f:labels'] && 'f:l2' in ancient['f:labels'])
})

test('managerName: the field manager, else the User-Agent before its first slash', () => {
  assert.equal(managerName('helm', 'kubectl/v1.30.0 (linux/amd64) kubernetes/abc'), 'helm')
  assert.equal(managerName(undefined, 'kubectl/v1.30.0 (linux/amd64) kubernetes/abc'), 'kubectl')
  assert.equal(managerName('', 'kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:x'), 'kube-controller-manager')
  assert.equal(managerName(undefined, 'a\tb/1'), 'ab')
  assert.equal(managerName(undefined, 'x'.repeat(200)).length, 128)
})
