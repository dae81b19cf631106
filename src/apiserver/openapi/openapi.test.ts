import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkFields, openapiV2, openapiV3, openapiV3Index } from './index.js'
import { generateCatalog } from './catalog.js'

type Json = Record<string, any>

function doc(path: string): Json {
  const d = openapiV3(path)
  assert.ok(d, `no document for ${path}`)
  return d as Json
}

/** every $ref in `node` names a schema of `schemas` */
function assertRefsResolve(node: unknown, schemas: Json, prefix: string, where = '$'): void {
  if (Array.isArray(node)) return node.forEach((n, i) => assertRefsResolve(n, schemas, prefix, `${where}[${i}]`))
  if (typeof node !== 'object' || node === null) return
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref') {
      assert.ok(typeof v === 'string' && v.startsWith(prefix), `${where}: bad $ref ${String(v)}`)
      assert.ok(schemas[v.slice(prefix.length)], `${where}: dangling $ref ${v}`)
    } else {
      assertRefsResolve(v, schemas, prefix, `${where}.${k}`)
    }
  }
}

void test('catalogue generation from the installed packages is fast and complete', () => {
  const t0 = performance.now()
  const cat = generateCatalog()
  const ms = performance.now() - t0
  assert.ok(ms < 2000, `generation took ${ms} ms`)
  for (const name of ['io.k8s.api.apps.v1.StatefulSet', 'io.k8s.api.core.v1.Pod', 'io.k8s.api.autoscaling.v1.Scale',
    'io.k8s.api.discovery.v1.EndpointSlice', 'io.k8s.api.events.v1.Event', 'io.k8s.api.core.v1.Event',
    'io.k8s.api.apps.v1beta1.StatefulSet', 'io.k8s.api.apps.v1beta2.DaemonSet', 'io.k8s.api.extensions.v1beta1.DaemonSet',
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']) {
    assert.ok(cat.types[name], `missing ${name}`)
  }
  assert.ok(cat.types['io.k8s.apimachinery.pkg.api.resource.Quantity']?.description, 'Quantity has a description')
})

void test('openapiV3Index() lists every served group-version with a hashed URL', () => {
  const index = openapiV3Index() as { paths: Record<string, { serverRelativeURL: string }> }
  for (const p of ['api/v1', 'apis/apps/v1', 'apis/apps/v1beta1', 'apis/apps/v1beta2', 'apis/extensions/v1beta1',
    'apis/discovery.k8s.io/v1', 'apis/coordination.k8s.io/v1', 'apis/storage.k8s.io/v1', 'apis/events.k8s.io/v1']) {
    const entry = index.paths[p]
    assert.ok(entry, `index lacks ${p}`)
    assert.match(entry.serverRelativeURL, new RegExp(`^/openapi/v3/${p.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`))
  }
  assert.equal(openapiV3('apis/nope/v1'), undefined)
  assert.equal(openapiV3('apis/apps/v1?hash=abc'), openapiV3('apis/apps/v1'))
})

void test('v3 documents are well-formed: refs resolve, kinds carry their GVK, operations theirs', () => {
  for (const p of Object.keys((openapiV3Index() as { paths: Json }).paths)) {
    const d = doc(p)
    assert.equal(d['openapi'], '3.0.0')
    const schemas = d['components']['schemas'] as Json
    assertRefsResolve(d, schemas, '#/components/schemas/', p)
    for (const [path, item] of Object.entries(d['paths'] as Json)) {
      for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
        const op = item[method]
        if (!op) continue
        const gvk = op['x-kubernetes-group-version-kind']
        assert.ok(gvk && typeof gvk.kind === 'string', `${path} ${method} lacks a GVK`)
        if (method === 'patch' || method === 'post' || method === 'put') {
          assert.ok(op.parameters.some((x: Json) => x['name'] === 'fieldValidation' && x['in'] === 'query'), `${path} ${method} lacks fieldValidation`)
        }
      }
    }
  }
})

void test('apps/v1: StatefulSet schema as kubectl explain and apply need it', () => {
  const d = doc('apis/apps/v1')
  const schemas = d['components']['schemas']
  const sts = schemas['io.k8s.api.apps.v1.StatefulSet']
  assert.deepEqual(sts['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'StatefulSet', version: 'v1' }])
  assert.match(sts.description, /StatefulSet represents a set of pods/)
  assert.deepEqual(sts.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.StatefulSetSpec' }])
  assert.match(sts.properties.spec.description, /desired identities/)
  assert.match(sts.properties.apiVersion.description, /^APIVersion defines/)
  const spec = schemas['io.k8s.api.apps.v1.StatefulSetSpec']
  assert.deepEqual([...spec.required].sort(), ['selector', 'template'])
  assert.deepEqual(spec.properties.replicas, { type: 'integer', format: 'int32', description: spec.properties.replicas.description })
  assert.deepEqual(spec.properties.podManagementPolicy.enum, ['OrderedReady', 'Parallel'])
  assert.equal(spec.properties.volumeClaimTemplates.items.$ref, '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaim')
  assert.equal(spec.properties.volumeClaimTemplates['x-kubernetes-list-type'], 'atomic')
  // explain finds the kind through the resource's list path
  const list = d['paths']['/apis/apps/v1/namespaces/{namespace}/statefulsets']
  assert.deepEqual(list.get['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'StatefulSet', version: 'v1' })
  assert.deepEqual(d['paths']['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}/scale'].patch['x-kubernetes-group-version-kind'],
    { group: 'autoscaling', kind: 'Scale', version: 'v1' })
  const status = schemas['io.k8s.api.apps.v1.StatefulSetStatus']
  assert.equal(status.properties.conditions['x-kubernetes-patch-merge-key'], 'type')
  assert.deepEqual(status.properties.conditions['x-kubernetes-list-map-keys'], ['type'])
})

void test('api/v1: patch and list markers, int-or-string, quantity, time', () => {
  const schemas = doc('api/v1')['components']['schemas']
  const podSpec = schemas['io.k8s.api.core.v1.PodSpec']
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-merge-key'], 'name')
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-strategy'], 'merge')
  assert.equal(podSpec.properties.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys')
  assert.deepEqual(podSpec.required, ['containers'])
  const container = schemas['io.k8s.api.core.v1.Container']
  assert.deepEqual(container.properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol'])
  assert.deepEqual(container.properties.imagePullPolicy.enum, ['Always', 'IfNotPresent', 'Never'])
  assert.match(container.properties.imagePullPolicy.description, /Possible enum values/)
  const meta = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']
  assert.equal(meta.properties.ownerReferences['x-kubernetes-patch-merge-key'], 'uid')
  assert.equal(meta.properties.finalizers['x-kubernetes-list-type'], 'set')
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic')
  const ios = schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']
  assert.equal(ios.format, 'int-or-string')
  assert.deepEqual(ios.oneOf, [{ type: 'integer' }, { type: 'string' }])
  assert.deepEqual(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }])
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time')
  assert.equal(schemas['io.k8s.api.core.v1.Secret'].properties.data.additionalProperties.format, 'byte')
  assert.equal(schemas['io.k8s.api.core.v1.PodSecurityContext'].properties.runAsUser.format, 'int64')
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }])
  assert.ok(schemas['io.k8s.api.core.v1.Binding'], 'pods/binding body')
  assert.ok(!schemas['io.k8s.api.apps.v1.StatefulSet'], 'api/v1 only holds what it refers to')
})

void test('legacy group-versions have their own documents and kinds', () => {
  const b1 = doc('apis/apps/v1beta1')['components']['schemas']
  assert.deepEqual(b1['io.k8s.api.apps.v1beta1.StatefulSet']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'StatefulSet', version: 'v1beta1' }])
  const b2 = doc('apis/apps/v1beta2')['components']['schemas']
  assert.deepEqual(b2['io.k8s.api.apps.v1beta2.DaemonSet']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'DaemonSet', version: 'v1beta2' }])
  assert.ok(b2['io.k8s.api.apps.v1beta2.StatefulSet'])
  const ext = doc('apis/extensions/v1beta1')
  assert.deepEqual(ext['components']['schemas']['io.k8s.api.extensions.v1beta1.DaemonSet']['x-kubernetes-group-version-kind'],
    [{ group: 'extensions', kind: 'DaemonSet', version: 'v1beta1' }])
  assert.ok(ext['paths']['/apis/extensions/v1beta1/namespaces/{namespace}/daemonsets'])
})

// ---- v2 ------------------------------------------------------------------------------------

/** a minimal protobuf reader: field number → list of raw values (numbers or byte slices) */
function readFields(buf: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>()
  let i = 0
  const varint = (): number => {
    let n = 0
    let mul = 1
    for (;;) {
      const b = buf[i++]!
      n += (b & 0x7f) * mul
      if (b < 0x80) return n
      mul *= 128
    }
  }
  while (i < buf.length) {
    const key = varint()
    const field = Math.floor(key / 8)
    const wire = key % 8
    let value: Buffer | number
    if (wire === 0) value = varint()
    else if (wire === 2) { const len = varint(); value = buf.subarray(i, i + len); i += len }
    else if (wire === 1) { value = buf.subarray(i, i + 8); i += 8 }
    else throw new Error(`wire type ${wire}`)
    const list = out.get(field) ?? []
    list.push(value)
    out.set(field, list)
  }
  return out
}

void test('openapiV2() answers kubectl with a protobuf gnostic Document', () => {
  const { contentType, body } = openapiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
  assert.equal(contentType, 'application/octet-stream')
  const docFields = readFields(body)
  assert.equal((docFields.get(1)![0] as Buffer).toString(), '2.0')
  const definitions = readFields(docFields.get(9)![0] as Buffer).get(1)!
  const named = new Map(definitions.map((d) => {
    const f = readFields(d as Buffer)
    return [(f.get(1)![0] as Buffer).toString(), f.get(2)![0] as Buffer]
  }))
  const sts = readFields(named.get('io.k8s.api.apps.v1.StatefulSet')!)
  const ext = sts.get(31)!.map((e) => readFields(e as Buffer))
  const gvk = ext.find((e) => (e.get(1)![0] as Buffer).toString() === 'x-kubernetes-group-version-kind')!
  const yaml = (readFields(gvk.get(2)![0] as Buffer).get(2)![0] as Buffer).toString()
  assert.deepEqual(JSON.parse(yaml), [{ group: 'apps', kind: 'StatefulSet', version: 'v1' }])
  const paths = readFields(docFields.get(8)![0] as Buffer).get(2)!
  assert.ok(paths.length > 50)
})

void test('openapiV2() as JSON: swagger 2.0 with $ref siblings instead of allOf', () => {
  const { contentType, body } = openapiV2('application/json')
  assert.equal(contentType, 'application/json')
  const d = JSON.parse(body.toString()) as Json
  assert.equal(d['swagger'], '2.0')
  assertRefsResolve(d, d['definitions'], '#/definitions/')
  const spec = d['definitions']['io.k8s.api.apps.v1.StatefulSet'].properties.spec
  assert.equal(spec.$ref, '#/definitions/io.k8s.api.apps.v1.StatefulSetSpec')
  assert.equal(d['definitions']['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string')
  const patch = d['paths']['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'].patch
  assert.ok(patch.parameters.some((p: Json) => p['name'] === 'fieldValidation'))
})

// ---- checkFields ------------------------------------------------------------------------------

function sts(spec: Json = {}, extra: Json = {}): Json {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', labels: { a: 'b' } },
    spec: {
      serviceName: 'web', replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, name: 'web' }], resources: { limits: { cpu: '100m', memory: 1024 } } }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
    ...extra,
  }
}

void test('checkFields() accepts a valid object', () => {
  assert.deepEqual(checkFields('apps/v1', 'StatefulSet', sts()), { unknown: [], typeErrors: [] })
  assert.deepEqual(checkFields('apps/v1', 'StatefulSet', sts({}, { status: { replicas: 1, conditions: [] } })), { unknown: [], typeErrors: [] })
})

void test('checkFields() reports unknown fields with the strict decoder paths', () => {
  const obj = sts({ foo: 1, bar: { x: 1 } }, { metadata: { name: 'x', nope: true }, status: { what: 1 }, extra: 1 })
  ;(obj['spec'].template.spec.containers[0] as Json)['bogus'] = 'x'
  ;(obj['spec'].template.spec.containers[0].ports[0] as Json)['hostport'] = 1 // case-sensitive: hostPort
  assert.deepEqual(checkFields('apps/v1', 'StatefulSet', obj).unknown, [
    'metadata.nope', 'spec.template.spec.containers[0].ports[0].hostport', 'spec.template.spec.containers[0].bogus',
    'spec.foo', 'spec.bar', 'status.what', 'extra',
  ])
})

void test('checkFields() reports the first type error in upstream decoder words', () => {
  const first = (o: Json, kind = 'StatefulSet', av = 'apps/v1'): string | undefined => checkFields(av, kind, o).typeErrors[0]
  assert.equal(first(sts({ replicas: '3' })), 'json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32')
  assert.equal(first(sts({ replicas: 1.5 })), 'json: cannot unmarshal number 1.5 into Go struct field StatefulSetSpec.spec.replicas of type int32')
  assert.equal(first(sts({ replicas: 2 ** 31 })), 'json: cannot unmarshal number 2147483648 into Go struct field StatefulSetSpec.spec.replicas of type int32')
  assert.equal(first(sts({ serviceName: 5 })), 'json: cannot unmarshal number into Go struct field StatefulSetSpec.spec.serviceName of type string')
  assert.equal(first({ ...sts(), spec: 'x' }), 'json: cannot unmarshal string into Go struct field StatefulSet.spec of type v1.StatefulSetSpec')
  assert.equal(first({ ...sts(), metadata: { labels: { a: 1 } } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string')
  assert.equal(first(sts({ template: { spec: { containers: {} } } })), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container')
  assert.equal(first(sts({ template: { spec: { containers: [{ name: 'c', args: [1] }] } } })), 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string')
  assert.equal(first(sts({ template: { spec: { containers: [{ name: 'c', stdin: 'yes' }] } } })), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.stdin of type bool')
  assert.equal(first(sts({ template: { spec: { securityContext: { runAsUser: 'root' } } } })), 'json: cannot unmarshal string into Go struct field PodSecurityContext.spec.template.spec.securityContext.runAsUser of type int64')
  // only the first is reported, as upstream's decoder does
  assert.equal(checkFields('apps/v1', 'StatefulSet', sts({ replicas: '1', minReadySeconds: 'x' })).typeErrors.length, 1)
  assert.deepEqual(checkFields('apps/v1', 'StatefulSet', []).typeErrors, ['json: cannot unmarshal array into Go value of type v1.StatefulSet'])
})

void test('checkFields(): int-or-string, quantities, times, bytes, raw extensions, nulls', () => {
  const svc = (targetPort: unknown): Json => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort }] } })
  assert.deepEqual(checkFields('v1', 'Service', svc(8080)).typeErrors, [])
  assert.deepEqual(checkFields('v1', 'Service', svc('http')).typeErrors, [])
  assert.deepEqual(checkFields('v1', 'Service', svc(true)).typeErrors, ['json: cannot unmarshal bool into Go value of type int32'])
  const quantity = (q: unknown): string[] => checkFields('apps/v1', 'StatefulSet',
    sts({ template: { spec: { containers: [{ name: 'c', resources: { requests: { cpu: q } } }] } } })).typeErrors
  assert.deepEqual(quantity('250m'), [])
  assert.deepEqual(quantity(0.5), [])
  assert.deepEqual(quantity('1.5Gi'), [])
  assert.deepEqual(quantity('lots'), ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"])
  assert.deepEqual(quantity({}), ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"])
  const withTime = (t: unknown): string[] => checkFields('v1', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: t } }).typeErrors
  assert.deepEqual(withTime('2024-01-02T03:04:05Z'), [])
  assert.deepEqual(withTime(null), [])
  assert.deepEqual(withTime(5), ['json: cannot unmarshal number into Go value of type string'])
  const secret = (v: string): string[] => checkFields('v1', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: v } }).typeErrors
  assert.deepEqual(secret('aGVsbG8='), [])
  assert.deepEqual(secret('hello!'), ['illegal base64 data at input byte 5'])
  // RawExtension and FieldsV1 take anything
  const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r', managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { '.': {} } } }] }, revision: 1, data: { spec: { anything: [1, 'x'] } } }
  assert.deepEqual(checkFields('apps/v1', 'ControllerRevision', rev), { unknown: [], typeErrors: [] })
  // null is accepted anywhere
  assert.deepEqual(checkFields('apps/v1', 'StatefulSet', sts({ replicas: null, template: null })), { unknown: [], typeErrors: [] })
})

void test('checkFields() follows the legacy versions\' own schemas; unknown kinds pass', () => {
  const ds = (apiVersion: string): Json => ({
    apiVersion, kind: 'DaemonSet', metadata: { name: 'd' },
    spec: { templateGeneration: 1, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  })
  assert.deepEqual(checkFields('extensions/v1beta1', 'DaemonSet', ds('extensions/v1beta1')).unknown, [])
  assert.deepEqual(checkFields('apps/v1', 'DaemonSet', ds('apps/v1')).unknown, ['spec.templateGeneration'])
  const legacySts = { apiVersion: 'apps/v1beta1', kind: 'StatefulSet', metadata: { name: 'w' }, spec: { serviceName: 'w', replicas: 2, template: { spec: { containers: [{ name: 'c' }] } }, foo: 1 } }
  assert.deepEqual(checkFields('apps/v1beta1', 'StatefulSet', legacySts).unknown, ['spec.foo'])
  assert.deepEqual(checkFields('example.com/v1', 'Widget', { spec: { x: 1 } }), { unknown: [], typeErrors: [] })
})
