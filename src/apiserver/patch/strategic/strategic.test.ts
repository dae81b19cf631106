import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ApiError, KubeObject } from '../../../api/index.js'
import { applyStrategicMergePatch, LAST_APPLIED, type Gvk } from '../index.js'

const DEPLOYMENT: Gvk = { group: 'apps', version: 'v1', kind: 'Deployment' }
const POD: Gvk = { group: '', version: 'v1', kind: 'Pod' }

type Obj = Record<string, unknown>

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a.io/x'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app', image: 'app:v1',
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'sidecar', image: 'side:v1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'k', operator: 'Exists' }],
        },
      },
    },
  }
}

const podSpec = (o: KubeObject): Obj => ((o.spec as Obj).template as Obj).spec as Obj
const containers = (o: KubeObject): Obj[] => podSpec(o).containers as Obj[]

function smp(patch: unknown, gvk: Gvk = DEPLOYMENT, doc: KubeObject = deployment()): KubeObject {
  const before = structuredClone(doc)
  const out = applyStrategicMergePatch(doc, patch, gvk)
  assert.deepEqual(doc, before, 'input untouched')
  return out
}

function smpError(patch: unknown, gvk: Gvk = DEPLOYMENT, doc: KubeObject = deployment()): ApiError {
  try {
    applyStrategicMergePatch(doc, patch, gvk)
  } catch (e) {
    return e as ApiError
  }
  assert.fail('expected an error')
}

const cases: { name: string; patch: unknown; check: (o: KubeObject) => void }[] = [
  {
    name: 'containers merge by name',
    patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:v2' }] } } } },
    check: (o) => {
      assert.deepEqual(containers(o).map((c) => [c.name, c.image]), [['app', 'app:v2'], ['sidecar', 'side:v1']])
      assert.equal((containers(o)[0]?.env as Obj[]).length, 2, 'untouched members of the item stay')
    },
  },
  {
    // upstream places items the live list doesn't have ahead of it (no $setElementOrder)
    name: 'a new container goes first',
    patch: { spec: { template: { spec: { containers: [{ name: 'extra', image: 'e', args: null }] } } } },
    check: (o) => {
      assert.deepEqual(containers(o).map((c) => c.name), ['extra', 'app', 'sidecar'])
      assert.deepEqual(containers(o)[0], { name: 'extra', image: 'e' })
    },
  },
  {
    name: 'env merges by name, null deletes a member',
    patch: { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: null, valueFrom: { fieldRef: { fieldPath: 'x' } } }, { name: 'C', value: '3' }] }] } } } },
    check: (o) => assert.deepEqual(containers(o)[0]?.env, [
      { name: 'A', value: '1' },
      { name: 'B', valueFrom: { fieldRef: { fieldPath: 'x' } } },
      { name: 'C', value: '3' },
    ]),
  },
  {
    name: 'ports merge by containerPort',
    patch: { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } },
    check: (o) => assert.deepEqual(containers(o)[0]?.ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]),
  },
  {
    name: '$patch: delete removes a list item',
    patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
    check: (o) => assert.deepEqual(containers(o).map((c) => c.name), ['app']),
  },
  {
    name: '$patch: replace in a list replaces the list',
    patch: { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } } },
    check: (o) => assert.deepEqual(containers(o), [{ name: 'only', image: 'o' }]),
  },
  {
    name: '$patch: replace on an object (rollout undo) replaces it whole',
    patch: {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web', v: '1' } }, spec: { containers: [{ name: 'app', image: 'app:v0' }] } } },
    },
    check: (o) => {
      assert.deepEqual((o.spec as Obj).template, { metadata: { labels: { app: 'web', v: '1' } }, spec: { containers: [{ name: 'app', image: 'app:v0' }] } })
      assert.equal((o.spec as Obj).replicas, 2)
      assert.equal(o.metadata.annotations?.['deployment.kubernetes.io/revision'], '1')
    },
  },
  {
    name: '$patch: delete on an object empties it',
    patch: { spec: { strategy: { $patch: 'delete' } } },
    check: (o) => assert.deepEqual((o.spec as Obj).strategy, {}),
  },
  {
    name: 'null deletes a field',
    patch: { spec: { strategy: { rollingUpdate: null } }, metadata: { labels: { app: null } } },
    check: (o) => {
      assert.deepEqual((o.spec as Obj).strategy, { type: 'RollingUpdate' })
      assert.deepEqual(o.metadata.labels, {})
    },
  },
  {
    name: '$retainKeys drops members not listed (kubectl apply of strategy type Recreate)',
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    check: (o) => assert.deepEqual((o.spec as Obj).strategy, { type: 'Recreate' }),
  },
  {
    name: 'finalizers merge as a set, in the patch\'s order',
    patch: { metadata: { finalizers: ['b.io/y', 'a.io/x'] } },
    check: (o) => assert.deepEqual(o.metadata.finalizers, ['b.io/y', 'a.io/x']),
  },
  {
    name: '$deleteFromPrimitiveList removes from a merged scalar list',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } },
    check: (o) => assert.deepEqual(o.metadata.finalizers, []),
  },
  {
    name: '$setElementOrder orders the merged list',
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'app:v3' }] } } } },
    check: (o) => assert.deepEqual(containers(o).map((c) => [c.name, c.image]), [['sidecar', 'side:v1'], ['app', 'app:v3']]),
  },
  {
    name: 'lists without a strategy (tolerations) are replaced',
    patch: { spec: { template: { spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } } } },
    check: (o) => assert.deepEqual(podSpec(o).tolerations, [{ key: 'other', operator: 'Exists' }]),
  },
  {
    name: 'volumes merge by name, volumeMounts by mountPath',
    patch: { spec: { template: { spec: { volumes: [{ name: 'cfg', configMap: { name: 'c' } }], containers: [{ name: 'app', volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } } } },
    check: (o) => {
      assert.deepEqual((podSpec(o).volumes as Obj[]).map((v) => v.name), ['cfg', 'data'])
      assert.deepEqual(containers(o)[0]?.volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }])
    },
  },
  {
    name: 'the selector (no strategy, a map) merges member by member',
    patch: { spec: { selector: { matchLabels: { tier: 'fe' } } } },
    check: (o) => assert.deepEqual((o.spec as Obj).selector, { matchLabels: { app: 'web', tier: 'fe' } }),
  },
]

for (const c of cases) {
  test(`strategic merge patch: ${c.name}`, () => c.check(smp(c.patch)))
}

test('strategic merge patch: kubectl client-side apply patch with last-applied, apiVersion and kind', () => {
  const lastApplied = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } }) + '\n'
  const out = smp({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { annotations: { [LAST_APPLIED]: lastApplied } },
    spec: {
      replicas: 3,
      template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }], containers: [{ name: 'app', image: 'app:v4' }] } },
    },
  })
  assert.equal(out.metadata.annotations?.[LAST_APPLIED], lastApplied)
  assert.equal((out.spec as Obj).replicas, 3)
  assert.deepEqual(containers(out).map((c) => c.image), ['app:v4', 'side:v1'])
  assert.equal(out.kind, 'Deployment')
})

test('strategic merge patch: kubelet status patch merges conditions by type, replaces containerStatuses', () => {
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', ready: false, restartCount: 0 }, { name: 'd', ready: false }],
    },
  }
  const out = smp({
    status: {
      '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }, { type: 'Initialized' }],
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0 }],
      phase: 'Running',
    },
  }, POD, pod)
  const status = out.status as Obj
  assert.deepEqual(status.conditions, [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }])
  assert.deepEqual(status.containerStatuses, [{ name: 'c', ready: true, restartCount: 0 }])
  assert.equal(status.phase, 'Running')
})

test('strategic merge patch: service ports merge by port, node addresses by type', () => {
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { a: 'b' } } }
  const s = smp({ spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }] } }, { group: '', version: 'v1', kind: 'Service' }, svc)
  assert.deepEqual((s.spec as Obj).ports, [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }])
  const node: KubeObject = {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' },
    spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] },
    status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'n' }] },
  }
  const n = smp({ spec: { taints: [{ key: 'b', effect: 'NoExecute' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } }, { group: '', version: 'v1', kind: 'Node' }, node)
  assert.deepEqual((n.status as Obj).addresses, [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'n' }])
  assert.deepEqual((n.spec as Obj).taints, [{ key: 'b', effect: 'NoExecute' }], 'taints have no strategy: replaced')
})

test('strategic merge patch: ownerReferences merge by uid', () => {
  const doc = deployment()
  doc.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: '1' }]
  const out = smp({ metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'b', uid: '2' }] } }, DEPLOYMENT, doc)
  assert.deepEqual(out.metadata.ownerReferences?.map((r) => r.uid), ['2', '1'])
})

test('strategic merge patch: errors map to upstream status codes', () => {
  assert.equal(smpError(['x']).code, 400)
  assert.equal(smpError(['x']).message, 'json: cannot unmarshal array into Go value of type map[string]interface {}')
  const retain = smpError({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } })
  assert.deepEqual([retain.code, retain.message], [400, 'invalid patch format of retainKeys'])
  const order = smpError({ spec: { template: { spec: { '$setElementOrder/containers': 'x' } } } })
  assert.equal(order.code, 500)
  const noFinalizers = deployment()
  noFinalizers.metadata.finalizers = []
  const lol = smpError({ metadata: { finalizers: [['a']] } }, DEPLOYMENT, noFinalizers)
  assert.deepEqual([lol.code, lol.reason], [422, 'Invalid'])
  const noKey = smpError({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } })
  assert.equal(noKey.code, 500)
  assert.equal(noKey.message, 'map: map[image:x] does not contain declared merge key: name')
  const badType = smpError({ spec: { strategy: { $patch: 'merge' } } })
  assert.equal(badType.message, 'unknown patch type: merge in map: map[$patch:merge]')
  const mergeList = smpError({ spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } })
  assert.equal(mergeList.message, 'merging lists cannot yet be specified in the patch')
})

test('strategic merge patch: directives never land in the object', () => {
  const doc = deployment()
  delete (doc.spec as Obj).strategy
  const out = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' }, template: { spec: { initContainers: [{ name: 'i', image: 'x', env: [{ $patch: 'delete', name: 'Z' }] }] } } } }, DEPLOYMENT, doc)
  assert.deepEqual((out.spec as Obj).strategy, { type: 'Recreate' })
  assert.deepEqual(podSpec(out).initContainers, [{ name: 'i', image: 'x', env: [] }])
})

test('strategic merge patch: delete + add with $setElementOrder keeps server-only items in live order', () => {
  // kubectl apply after removing container "a" and adding "c", while the server added "x"
  const doc = deployment()
  podSpec(doc).containers = [{ name: 'a', image: '1' }, { name: 'b', image: '1' }, { name: 'x', image: '1' }]
  const out = smp({
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }], containers: [{ name: 'c', image: '2' }, { name: 'a', $patch: 'delete' }] } } },
  }, DEPLOYMENT, doc)
  assert.deepEqual(containers(out).map((c) => c.name), ['b', 'x', 'c'])
})
