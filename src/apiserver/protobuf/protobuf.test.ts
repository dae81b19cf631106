import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canDecode, decodeProtobufObject, goDuration, PROTOBUF_MAGIC, protobufTypeMeta } from './index.js'

// ---- a tiny test-only protobuf encoder --------------------------------------------------------

function varint(v: bigint): number[] {
  let u = BigInt.asUintN(64, v)
  const out: number[] = []
  while (u > 0x7fn) {
    out.push(Number(u & 0x7fn) | 0x80)
    u >>= 7n
  }
  out.push(Number(u))
  return out
}

class Enc {
  private readonly parts: Buffer[] = []

  raw(b: Buffer | number[]): this {
    this.parts.push(Buffer.from(b))
    return this
  }

  private key(n: number, wire: number): void {
    this.raw(varint(BigInt(n * 8 + wire)))
  }

  int(n: number, v: number | bigint): this {
    this.key(n, 0)
    return this.raw(varint(BigInt(v)))
  }

  bool(n: number, v: boolean): this {
    return this.int(n, v ? 1 : 0)
  }

  bytes(n: number, b: Buffer): this {
    this.key(n, 2)
    this.raw(varint(BigInt(b.length)))
    return this.raw(b)
  }

  str(n: number, s: string): this {
    return this.bytes(n, Buffer.from(s, 'utf8'))
  }

  msg(n: number, m: Enc): this {
    return this.bytes(n, m.build())
  }

  /** A map entry {key = 1; value = 2}. */
  entry(n: number, key: string, value: string | Buffer | Enc): this {
    const e = new Enc().str(1, key)
    if (typeof value === 'string') e.str(2, value)
    else if (Buffer.isBuffer(value)) e.bytes(2, value)
    else e.msg(2, value)
    return this.msg(n, e)
  }

  packed(n: number, values: readonly number[]): this {
    return this.bytes(n, Buffer.from(values.flatMap((v) => varint(BigInt(v)))))
  }

  build(): Buffer {
    return Buffer.concat(this.parts)
  }
}

const E = (): Enc => new Enc()

/** The k8s protobuf envelope: magic + runtime.Unknown {typeMeta, raw, contentEncoding, contentType}. */
function envelope(apiVersion: string, kind: string, raw: Enc, extra?: (u: Enc) => void): Buffer {
  const u = E().msg(1, E().str(1, apiVersion).str(2, kind)).msg(2, raw)
  extra?.(u)
  u.str(4, 'application/vnd.kubernetes.protobuf')
  return Buffer.concat([PROTOBUF_MAGIC, u.build()])
}

const meta = (name: string, namespace?: string): Enc => {
  const m = E().str(1, name)
  if (namespace !== undefined) m.str(3, namespace)
  return m
}
const time = (seconds: number): Enc => E().int(1, seconds)
const quantity = (s: string): Enc => E().str(1, s)
const intOrString = (v: number | string): Enc => (typeof v === 'number' ? E().int(1, 0).int(2, v) : E().int(1, 1).str(3, v))

// ---- objects ----------------------------------------------------------------------------------

test('decodes a Pod: metadata, volumes (inlined VolumeSource), probes, quantities, times', () => {
  const metadata = meta('web-0', 'default')
    .entry(11, 'app', 'web')
    .msg(8, time(1700000000))
    .msg(13, E().str(5, 'apps/v1').str(1, 'StatefulSet').str(3, 'web').str(4, 'uid-1').bool(6, true))
    .str(14, 'example.com/f')
    .msg(
      17,
      E()
        .str(1, 'kubectl')
        .str(2, 'Update')
        .str(3, 'v1')
        .msg(4, time(1700000001))
        .str(6, 'FieldsV1')
        .msg(7, E().bytes(1, Buffer.from('{"f:metadata":{"f:labels":{}}}'))),
    )
  const container = E()
    .str(1, 'nginx')
    .str(2, 'nginx:1.27')
    .str(3, 'nginx')
    .str(3, '-g')
    .msg(6, E().str(1, 'http').int(3, 80).str(4, 'TCP'))
    .msg(7, E().str(1, 'MODE').str(2, 'prod'))
    .msg(8, E().entry(1, 'cpu', quantity('500m')).entry(2, 'memory', quantity('128Mi')))
    .msg(10, E().msg(1, E().msg(2, E().str(1, '/healthz').msg(2, intOrString('http')))).int(4, 10))
    .msg(11, E().msg(1, E().msg(3, E().msg(1, intOrString(8080)))))
    .str(14, 'IfNotPresent')
  const spec = E()
    .msg(1, E().str(1, 'data').msg(2, E().msg(2, E().msg(2, quantity('1Gi')))))
    .msg(1, E().str(1, 'cfg').msg(2, E().msg(19, E().msg(1, E().str(1, 'web-config')).int(3, 420))))
    .msg(2, container)
    .str(3, 'Always')
    .int(4, 0)
    .entry(7, 'disk', 'ssd')
    .msg(14, E().int(2, 1000).packed(4, [10, 20]).int(4, 30))
    .msg(22, E().str(1, 'node.kubernetes.io/not-ready').str(2, 'Exists').str(4, 'NoExecute').int(5, 300))
    .int(25, -5)
  const status = E().str(1, 'Running').msg(7, time(1700000002)).str(6, '10.0.0.5')
  const obj = decodeProtobufObject(envelope('v1', 'Pod', E().msg(1, metadata).msg(2, spec).msg(3, status)))
  assert.deepEqual(obj, {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'web-0',
      namespace: 'default',
      creationTimestamp: '2023-11-14T22:13:20Z',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'uid-1', controller: true }],
      finalizers: ['example.com/f'],
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2023-11-14T22:13:21Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:metadata': { 'f:labels': {} } },
        },
      ],
    },
    spec: {
      volumes: [
        { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'cfg', configMap: { name: 'web-config', defaultMode: 420 } },
      ],
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27',
          command: ['nginx', '-g'],
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'prod' }],
          resources: { limits: { cpu: '500m' }, requests: { memory: '128Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
          readinessProbe: { tcpSocket: { port: 8080 } },
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      nodeSelector: { disk: 'ssd' },
      securityContext: { runAsUser: 1000, supplementalGroups: [10, 20, 30] },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      priority: -5,
    },
    status: { phase: 'Running', podIP: '10.0.0.5', startTime: '2023-11-14T22:13:22Z' },
  })
})

test('absent non-pointer structs decode to their zero JSON, like encoding/json of the Go struct', () => {
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'Pod', E().msg(1, meta('p')))), {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'p' },
    spec: { containers: null },
    status: {},
  })
  // events/v1 Event: metadata and eventTime have no omitempty; the zero MicroTime is null
  assert.deepEqual(decodeProtobufObject(envelope('events.k8s.io/v1', 'Event', E())), {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: {},
    eventTime: null,
    regarding: {},
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  })
})

test('pointer fields keep explicit zero values; absent ones are omitted', () => {
  const dep = (spec: Enc): Record<string, unknown> =>
    decodeProtobufObject(envelope('apps/v1', 'Deployment', E().msg(1, meta('web')).msg(2, spec)))
  const zero = dep(E().int(1, 0).msg(2, E().entry(1, 'app', 'web')).msg(3, E().msg(2, E().msg(2, E().str(1, 'c').str(2, 'nginx')))))
  assert.deepEqual(zero['spec'], {
    replicas: 0,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'nginx', resources: {} }] } },
    strategy: {},
  })
  // DeploymentSpec.selector is a pointer without omitempty: nil marshals as null
  const absent = dep(E())
  assert.deepEqual(absent['spec'], { selector: null, template: { metadata: {}, spec: { containers: null } }, strategy: {} })
  assert.deepEqual(absent['status'], {})
})

test('decodes an Eviction with DeleteOptions, and DeleteOptions in any group version', () => {
  const opts = E().int(1, 0).msg(2, E().str(1, 'uid-9')).str(4, 'Foreground').str(5, 'All')
  assert.deepEqual(decodeProtobufObject(envelope('policy/v1', 'Eviction', E().msg(1, meta('p2', 'default')).msg(2, opts))), {
    kind: 'Eviction',
    apiVersion: 'policy/v1',
    metadata: { name: 'p2', namespace: 'default' },
    deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-9' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
  })
  for (const av of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
    assert.deepEqual(decodeProtobufObject(envelope(av, 'DeleteOptions', E().bool(3, false))), {
      kind: 'DeleteOptions',
      apiVersion: av,
      orphanDependents: false,
    })
  }
})

test('decodes MicroTime (Lease, events/v1 Event) with microsecond precision', () => {
  const lease = E()
    .msg(1, meta('node-a', 'kube-node-lease'))
    .msg(2, E().str(1, 'node-a').int(2, 40).msg(4, E().int(1, 1700000000).int(2, 123456789)).int(5, 0))
  assert.deepEqual(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease)), {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name: 'node-a', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: '2023-11-14T22:13:20.123456Z', leaseTransitions: 0 },
  })
  const ev = E()
    .msg(1, meta('e1', 'default'))
    .msg(2, E().int(1, 1700000000).int(2, 5000))
    .msg(3, E().int(1, 2).msg(2, E().int(1, 1700000060)))
    .str(4, 'kubelet')
    .str(7, 'Pulled')
    .msg(8, E().str(1, 'Pod').str(3, 'p'))
    .str(11, 'Normal')
  assert.deepEqual(decodeProtobufObject(envelope('events.k8s.io/v1', 'Event', ev)), {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: { name: 'e1', namespace: 'default' },
    eventTime: '2023-11-14T22:13:20.000005Z',
    series: { count: 2, lastObservedTime: '2023-11-14T22:14:20.000000Z' },
    reportingController: 'kubelet',
    reason: 'Pulled',
    regarding: { kind: 'Pod', name: 'p' },
    type: 'Normal',
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  })
})

test('decodes core Event, Binding, Scale and ControllerRevision (RawExtension)', () => {
  const ev = E()
    .msg(1, meta('p.1', 'default'))
    .msg(2, E().str(1, 'Pod').str(3, 'p'))
    .str(3, 'Scheduled')
    .msg(6, time(0))
    .int(8, 1)
    .str(9, 'Normal')
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'Event', ev)), {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'p.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Scheduled',
    source: {},
    firstTimestamp: '1970-01-01T00:00:00Z',
    lastTimestamp: null,
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  })
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'Binding', E().msg(1, meta('p')).msg(2, E().str(1, 'Node').str(3, 'n1')))), {
    kind: 'Binding',
    apiVersion: 'v1',
    metadata: { name: 'p' },
    target: { kind: 'Node', name: 'n1' },
  })
  assert.deepEqual(decodeProtobufObject(envelope('autoscaling/v1', 'Scale', E().msg(1, meta('web')).msg(2, E().int(1, 3)))), {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'web' },
    spec: { replicas: 3 },
    status: { replicas: 0 },
  })
  const cr = E().msg(1, meta('web-abc')).msg(2, E().bytes(1, Buffer.from('{"spec":{"template":{"$patch":"replace"}}}'))).int(3, 2)
  assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', cr)), {
    kind: 'ControllerRevision',
    apiVersion: 'apps/v1',
    metadata: { name: 'web-abc' },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 2,
  })
  assert.equal(decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', E()))['data'], null)
})

test('decodes PersistentVolume (inlined PersistentVolumeSource), EndpointSlice, StorageClass, Secret', () => {
  const pv = E()
    .msg(1, meta('pv1'))
    .msg(2, E().entry(1, 'storage', quantity('10Gi')).msg(2, E().msg(3, E().str(1, '/data'))).str(3, 'ReadWriteOnce').str(5, 'Retain'))
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'PersistentVolume', pv)), {
    kind: 'PersistentVolume',
    apiVersion: 'v1',
    metadata: { name: 'pv1' },
    spec: { capacity: { storage: '10Gi' }, hostPath: { path: '/data' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain' },
    status: {},
  })
  const slice = E()
    .msg(1, meta('web-x', 'default'))
    .str(4, 'IPv4')
    .msg(2, E().str(1, '10.0.0.1').msg(2, E().bool(1, true)).str(6, 'n1'))
    .msg(3, E().str(1, 'http').str(2, 'TCP').int(3, 80))
  assert.deepEqual(decodeProtobufObject(envelope('discovery.k8s.io/v1', 'EndpointSlice', slice)), {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    metadata: { name: 'web-x', namespace: 'default' },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, nodeName: 'n1' }],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  })
  const sc = E().msg(1, meta('fast')).str(2, 'example.com/csi').entry(3, 'type', 'ssd').str(4, 'Delete').bool(6, false)
  assert.deepEqual(decodeProtobufObject(envelope('storage.k8s.io/v1', 'StorageClass', sc)), {
    kind: 'StorageClass',
    apiVersion: 'storage.k8s.io/v1',
    metadata: { name: 'fast' },
    provisioner: 'example.com/csi',
    parameters: { type: 'ssd' },
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: false,
  })
  const secret = E().msg(1, meta('s')).entry(2, 'bin', Buffer.from([0, 1, 255])).entry(2, 'empty', Buffer.alloc(0)).str(3, 'Opaque')
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'Secret', secret)), {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name: 's' },
    data: { bin: 'AAH/', empty: '' },
    type: 'Opaque',
  })
})

test('decodes extensions/v1beta1 DaemonSet', () => {
  const ds = E()
    .msg(1, meta('agent', 'kube-system'))
    .msg(2, E().msg(2, E().msg(1, meta('')).msg(2, E().msg(2, E().str(1, 'a').str(2, 'agent:1')))))
  assert.deepEqual(decodeProtobufObject(envelope('extensions/v1beta1', 'DaemonSet', ds)), {
    kind: 'DaemonSet',
    apiVersion: 'extensions/v1beta1',
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: { template: { metadata: {}, spec: { containers: [{ name: 'a', image: 'agent:1', resources: {} }] } }, updateStrategy: {} },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  })
})

test('wire details: unknown fields skipped, singular messages merged, large and negative integers', () => {
  const metaA = E().str(1, 'x')
  const metaB = E().str(3, 'ns').int(7, 9007199254740991n)
  const cm = E()
    .msg(1, metaA)
    .int(99, 5) // unknown varint
    .raw([...varint(BigInt((100 << 3) | 3)), 0x08, 1, ...varint(BigInt((100 << 3) | 4))]) // unknown group
    .msg(1, metaB) // a second occurrence merges into the first
    .entry(2, 'k', 'v1')
    .entry(2, 'k', 'v2') // a repeated map key: the last wins
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', cm)), {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'x', namespace: 'ns', generation: 9007199254740991 },
    data: { k: 'v2' },
  })
  // the zero time.Time (0001-01-01) is null
  assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', E().msg(1, E().msg(9, time(-62135596800)))))['metadata'], {
    deletionTimestamp: null,
  })
})

test('rejects malformed or undecodable bodies with clear errors', () => {
  const ok = envelope('v1', 'ConfigMap', E().msg(1, meta('x')))
  assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}')), /does not start with the Kubernetes protobuf prefix/)
  assert.throws(() => decodeProtobufObject(ok.subarray(0, ok.length - 2)), /unexpected end of data|runs past the end/)
  assert.throws(() => decodeProtobufObject(envelope('v1', 'Frobnicator', E())), /no kind "Frobnicator" is registered for version "v1"/)
  assert.throws(() => decodeProtobufObject(envelope('', 'ConfigMap', E())), /apiVersion/)
  assert.throws(() => decodeProtobufObject(envelope('v1', 'ConfigMap', E().msg(1, E().int(1, 7)))), /wrong wire type 0 for meta\/v1\.ObjectMeta\.name/)
  assert.throws(
    () => decodeProtobufObject(envelope('v1', 'Service', E().msg(2, E().msg(1, E().str(1, 'p').msg(4, E().int(1, 2)))))),
    /impossible IntOrString type 2/,
  )
  assert.throws(() => decodeProtobufObject(envelope('v1', 'ConfigMap', E(), (u) => u.str(3, 'gzip'))), /content encoding "gzip"/)
  assert.throws(() => decodeProtobufObject(envelope('v1', 'Pod', E().msg(2, E().entry(32, 'cpu', quantity(''))))), /quantities/)
  assert.throws(() => decodeProtobufObject(Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])])), /varint/)
})

test('canDecode() covers the listed kinds and nothing unknown', () => {
  const kinds: [string, string][] = [
    ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Namespace'], ['v1', 'ServiceAccount'], ['v1', 'Service'],
    ['v1', 'Endpoints'], ['v1', 'Pod'], ['v1', 'PodTemplate'], ['v1', 'Node'], ['v1', 'PersistentVolume'],
    ['v1', 'PersistentVolumeClaim'], ['v1', 'Event'], ['v1', 'Binding'], ['v1', 'DeleteOptions'],
    ['apps/v1', 'DaemonSet'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'],
    ['apps/v1', 'ControllerRevision'], ['apps/v1beta1', 'Deployment'], ['apps/v1beta2', 'StatefulSet'],
    ['extensions/v1beta1', 'DaemonSet'], ['autoscaling/v1', 'Scale'], ['policy/v1', 'Eviction'],
    ['meta.k8s.io/v1', 'DeleteOptions'], ['coordination.k8s.io/v1', 'Lease'], ['discovery.k8s.io/v1', 'EndpointSlice'],
    ['storage.k8s.io/v1', 'StorageClass'], ['events.k8s.io/v1', 'Event'],
    ['batch/v1', 'Job'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['networking.k8s.io/v1', 'Ingress'],
    ['authentication.k8s.io/v1', 'TokenRequest'], ['authorization.k8s.io/v1', 'SelfSubjectAccessReview'],
  ]
  for (const [av, k] of kinds) assert.ok(canDecode(av, k), `${av} ${k}`)
  assert.equal(canDecode('v1', 'Deployment'), false)
  assert.equal(canDecode('v1', 'constructor'), false)
  assert.equal(canDecode('toString', 'Pod'), false)
  assert.equal(canDecode('example.com/v1', 'Widget'), false)
})

test('protobufTypeMeta() reads the envelope only', () => {
  assert.deepEqual(protobufTypeMeta(envelope('apps/v1', 'Deployment', E().int(1, 1))), { apiVersion: 'apps/v1', kind: 'Deployment' })
  assert.equal(protobufTypeMeta(Buffer.from('{}')), undefined)
})

test('goDuration() formats like Go time.Duration.String()', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'], [100n, '100ns'], [1500n, '1.5µs'], [1_500_000n, '1.5ms'], [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'], [3_600_000_000_000n, '1h0m0s'], [-2_000_000_000n, '-2s'], [3_723_000_000_001n, '1h2m3.000000001s'],
  ]
  for (const [d, s] of cases) assert.equal(goDuration(d), s)
})
