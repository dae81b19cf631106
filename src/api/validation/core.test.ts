import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults, prepareForUpdate } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate, validateStatusUpdate, validateUpdate } from './index.js'

type Mut = (o: any) => void

function make(group: string, resource: string, base: object, mut?: Mut): KubeObject {
  const o = structuredClone(base) as KubeObject
  mut?.(o)
  applyDefaults(group, resource, o)
  return o
}
const texts = (errs: ReturnType<typeof validateCreate>) => errs.map(upstreamFieldErrorText)
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

const SVC = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', resourceVersion: '1' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }
const svc = (mut?: Mut) => make('', 'services', SVC, mut)

void test('Service create rules', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['valid', () => {}, []],
    ['headless without ports', (o) => { o.spec.ports = []; o.spec.clusterIP = 'None' }, []],
    ['name is a DNS-1035 label', (o) => { o.metadata.name = '1web' }, [
      "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]],
    ['ports required', (o) => { o.spec.ports = [] }, ['spec.ports: Required value']],
    ['port range, protocol, names', (o) => { o.spec.ports = [{ port: 70000, protocol: 'ICMP', targetPort: 80 }, { port: 81, name: 'web' }] }, [
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]],
    ['duplicate port', (o) => { o.spec.ports = [{ port: 80, name: 'a' }, { port: 80, name: 'b' }] },
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}']],
    ['type', (o) => { o.spec.type = 'Foo' }, ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['nodePort on ClusterIP', (o) => { o.spec.ports[0].nodePort = 30080 }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['bad clusterIP', (o) => { o.spec.clusterIP = '10.0.0.300' }, ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['headless LoadBalancer', (o) => { o.spec.type = 'LoadBalancer'; o.spec.clusterIP = 'None' }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"]],
    ['sessionAffinity', (o) => { o.spec.sessionAffinity = 'Sticky' }, ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
    ['ExternalName', (o) => { o.spec = { type: 'ExternalName', externalName: 'Example.COM' } }, [
      "spec.externalName: Invalid value: \"Example.COM\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(texts(validateCreate('', 'services', svc(mut))), want, name)
})

void test('Service update: clusterIP is immutable, omitted allocations are carried over', () => {
  const old = svc((o) => { o.spec.clusterIP = '10.0.0.10' })
  assert.deepEqual(old.spec, { ...(old.spec as object), clusterIPs: ['10.0.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' })
  const moved = svc((o) => { o.spec.clusterIP = '10.0.0.11' })
  prepareForUpdate('', 'services', moved, old)
  assert.deepEqual(texts(validateUpdate('', 'services', moved, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.11"}: may not change once set'])
  const omitted = svc()
  prepareForUpdate('', 'services', omitted, old)
  applyDefaults('', 'services', omitted)
  assert.equal((omitted.spec as { clusterIP?: string }).clusterIP, '10.0.0.10')
  assert.deepEqual(texts(validateUpdate('', 'services', omitted, old)), [])
})

void test('Service status update validates load balancer ingress', () => {
  const old = svc()
  const upd = svc((o) => { o.status = { loadBalancer: { ingress: [{ ip: 'nope' }] } } })
  assert.deepEqual(texts(validateStatusUpdate('', 'services', upd, old)), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ])
})

void test('Endpoints and EndpointSlices', () => {
  const ep = make('', 'endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }, { ip: '10.1.0.5' }], ports: [{ port: 80 }, { port: 81 }] }, {}] })
  assert.deepEqual(texts(validateCreate('', 'endpoints', ep)), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].name: Required value',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
  ])
  const es = make('discovery.k8s.io', 'endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: [] }, { addresses: ['10.1.0.999'] }], ports: [{ port: 80 }] })
  assert.deepEqual(es['ports'], [{ port: 80, name: '', protocol: 'TCP' }])
  assert.deepEqual(texts(validateCreate('discovery.k8s.io', 'endpointslices', es)), [
    'endpoints[0].addresses: Required value: must contain at least 1 address',
    'endpoints[1].addresses[0]: Invalid value: "10.1.0.999": must be a valid IPv4 address',
  ])
  const es2 = structuredClone(es)
  es2['addressType'] = 'IPv6'
  es2['endpoints'] = []
  es2.metadata.resourceVersion = '1'
  assert.deepEqual(texts(validateUpdate('discovery.k8s.io', 'endpointslices', es2, { ...es, endpoints: [] })), ['addressType: Invalid value: "IPv6": field is immutable'])
})

void test('Node, Namespace', () => {
  const node = make('', 'nodes', { metadata: { name: 'node-1' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Bad' }] }, status: { capacity: { cpu: '4', memory: '8Gi' } } })
  assert.deepEqual(node['status'], { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '8Gi' } })
  assert.deepEqual(texts(validateCreate('', 'nodes', node)), [
    'metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Unsupported value: "Bad": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ])
  const withNs = make('', 'nodes', { metadata: { name: 'n', namespace: 'default' } })
  assert.deepEqual(texts(validateCreate('', 'nodes', withNs)), ['metadata.namespace: Forbidden: not allowed on this type'])
  const ns = (name: string) => make('', 'namespaces', { metadata: { name, resourceVersion: '1' } })
  assert.deepEqual(texts(validateCreate('', 'namespaces', ns('dev'))), [])
  assert.deepEqual(texts(validateCreate('', 'namespaces', ns('dev.team'))), ['metadata.name: Invalid value: "dev.team": must not contain dots'])
  const terminating = ns('dev')
  terminating['status'] = { phase: 'Terminating' }
  assert.deepEqual(texts(validateStatusUpdate('', 'namespaces', terminating, ns('dev'))), [
    "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
  ])
  const badFinalizer = ns('dev')
  badFinalizer['spec'] = { finalizers: ['foo'] }
  assert.deepEqual(texts(validateCreate('', 'namespaces', badFinalizer)), [
    'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  ])
})

void test('ConfigMap and Secret keys, sizes and immutability', () => {
  const cm = make('', 'configmaps', { metadata: { name: 'cfg', namespace: 'default', resourceVersion: '1' }, data: { 'a b': 'x', '..c': 'y', ok: 'z' } })
  assert.deepEqual(texts(validateCreate('', 'configmaps', cm)), [
    "data[..c]: Invalid value: \"..c\": must not start with '..'",
    `data[a b]: Invalid value: "a b": ${CONFIG_KEY_MSG}`,
  ])
  const big = make('', 'configmaps', { metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } })
  assert.deepEqual(texts(validateCreate('', 'configmaps', big)), [': Too long: must have at most 1048576 bytes'])
  const frozen = make('', 'configmaps', { metadata: { name: 'cfg', namespace: 'default', resourceVersion: '1' }, immutable: true, data: { a: '1' } })
  const thawed = make('', 'configmaps', { metadata: { name: 'cfg', namespace: 'default', resourceVersion: '1' }, data: { a: '2' } })
  assert.deepEqual(texts(validateUpdate('', 'configmaps', thawed, frozen)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ])
  const secret = make('', 'secrets', { metadata: { name: 's', namespace: 'default', resourceVersion: '1' }, type: 'kubernetes.io/tls', stringData: { 'x y': 'z' } })
  assert.deepEqual(secret['data'], { 'x y': 'eg==' })
  assert.equal(secret['stringData'], undefined)
  assert.deepEqual(texts(validateCreate('', 'secrets', secret)), [
    `data[x y]: Invalid value: "x y": ${CONFIG_KEY_MSG}`,
    'data[tls.crt]: Required value',
    'data[tls.key]: Required value',
  ])
  const opaque = make('', 'secrets', { metadata: { name: 's', namespace: 'default', resourceVersion: '1' }, data: { a: 'YQ==' } })
  assert.equal(opaque['type'], 'Opaque')
  assert.deepEqual(texts(validateUpdate('', 'secrets', { ...secret, data: { 'tls.crt': '', 'tls.key': '' } } as KubeObject, opaque)), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
  ])
})

void test('ServiceAccount, Event, Lease', () => {
  assert.deepEqual(texts(validateCreate('', 'serviceaccounts', make('', 'serviceaccounts', { metadata: { name: 'Default', namespace: 'default' } }))), [
    "metadata.name: Invalid value: \"Default\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ])
  const ev = { metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { namespace: 'other' }, reason: 'Created' } as unknown as KubeObject
  assert.deepEqual(texts(validateCreate('', 'events', ev)), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'])
  const newEv = { metadata: { name: 'web.2', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z', regarding: { namespace: 'default' }, reportingController: 'kubeling/sts', reportingInstance: 'x', action: 'Create', reason: 'Created', type: 'Bad' } as unknown as KubeObject
  assert.deepEqual(texts(validateCreate('events.k8s.io', 'events', newEv)), ['type: Invalid value: "": has invalid value: Bad'])
  const lease = { metadata: { name: 'l', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } } as unknown as KubeObject
  assert.deepEqual(texts(validateCreate('coordination.k8s.io', 'leases', lease)), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ])
})
