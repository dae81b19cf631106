import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { applyDefaults } from '../defaults/index.js'
import { upstreamFieldErrorText, validateCreate, validateStatusUpdate, validateUpdate } from './index.js'

type Mut = (o: any) => void

function pod(mut?: Mut): KubeObject {
  const o = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', resourceVersion: '1' },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
  }
  mut?.(o)
  applyDefaults('', 'pods', o)
  return o
}

const create = (mut?: Mut) => validateCreate('', 'pods', pod(mut)).map(upstreamFieldErrorText)
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

void test('pod create rules', () => {
  const cases: Array<[string, Mut, string[]]> = [
    ['valid', () => {}, []],
    ['no containers', (o) => { o.spec.containers = [] }, ['spec.containers: Required value']],
    ['container names and images', (o) => { o.spec.containers = [{ name: 'a_b' }, { name: 'c', image: 'x' }, { name: 'c', image: 'y' }] }, [
      `spec.containers[0].name: Invalid value: "a_b": ${LABEL_MSG}`,
      'spec.containers[0].image: Required value',
      'spec.containers[2].name: Duplicate value: "c"',
    ]],
    ['ports', (o) => { o.spec.containers[0].ports = [{ containerPort: 70000, protocol: 'FOO', name: 'http' }, { name: 'http', containerPort: 0 }] }, [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "FOO": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].containerPort: Required value',
    ]],
    ['restartPolicy', (o) => { o.spec.restartPolicy = 'Sometimes' },
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['dnsPolicy', (o) => { o.spec.dnsPolicy = 'Foo' },
      ['spec.dnsPolicy: Unsupported value: "Foo": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['volume mounts reference volumes', (o) => { o.spec.containers[0].volumeMounts = [{ name: 'www', mountPath: '/x' }, { name: 'data', mountPath: '/x' }]; o.spec.volumes = [{ name: 'data', emptyDir: {} }] }, [
      'spec.containers[0].volumeMounts[0].name: Not found: "www"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/x": must be unique',
    ]],
    ['volumes', (o) => { o.spec.volumes = [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'c', hostPath: { path: '' } }, { name: 'D' }] }, [
      'spec.volumes[1].name: Duplicate value: "a"',
      'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[3].hostPath.path: Required value',
      `spec.volumes[4].name: Invalid value: "D": ${LABEL_MSG}`,
    ]],
    ['resources', (o) => { o.spec.containers[0].resources = { requests: { cpu: '2', memory: 'abc' }, limits: { cpu: '1' } } }, [
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      "spec.containers[0].resources.requests[memory]: Invalid value: \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]],
    ['negative quantity and bad resource name', (o) => { o.spec.containers[0].resources = { limits: { memory: '-1Gi', gpu: '1' } } }, [
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
    ]],
    ['extended resources must be whole and not overcommitted', (o) => { o.spec.containers[0].resources = { limits: { 'example.com/gpu': '500m' }, requests: { 'example.com/gpu': '250m' } } }, [
      'spec.containers[0].resources.limits[example.com/gpu]: Invalid value: 500m: must be an integer',
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: 250m: must be an integer',
      'spec.containers[0].resources.requests: Invalid value: "250m": must be equal to example.com/gpu limit of 500m',
    ]],
    ['tolerations', (o) => { o.spec.tolerations = [{ key: 'a', operator: 'Exists', value: 'b' }, { operator: 'Equal' }, { key: 'k', operator: 'Bad', effect: 'Never' }, { key: 'k', tolerationSeconds: 3, effect: 'NoSchedule' }] }, [
      'spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"a", Operator:"Exists", Value:"b", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
      'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'spec.tolerations[2].operator: Unsupported value: "Bad": supported values: "Equal", "Exists"',
      'spec.tolerations[2].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]],
    ['nodeSelector', (o) => { o.spec.nodeSelector = { 'disk type': 'ssd' } }, [
      "spec.nodeSelector: Invalid value: \"disk type\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]],
    ['negative terminationGracePeriodSeconds is only a warning upstream', (o) => { o.spec.terminationGracePeriodSeconds = -1 }, []],
    ['hostname and subdomain', (o) => { o.spec.hostname = 'Web_0'; o.spec.subdomain = 'a.b' }, [
      `spec.hostname: Invalid value: "Web_0": ${LABEL_MSG}`,
      'spec.subdomain: Invalid value: "a.b": must not contain dots',
    ]],
    ['node affinity terms', (o) => { o.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Foo', values: ['x'] }] }] } } } }, [
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].operator: Invalid value: "Foo": not a valid selector operator',
    ]],
    ['empty node selector terms', (o) => { o.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
      ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term']],
    ['probe without handler', (o) => { o.spec.containers[0].livenessProbe = { successThreshold: 2 } }, [
      'spec.containers[0].livenessProbe: Required value: must specify a handler type',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ]],
    ['env', (o) => { o.spec.containers[0].env = [{ name: '' }, { name: 'A=B' }, { name: 'X', valueFrom: {} }] }, [
      'spec.containers[0].env[0].name: Required value',
      "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    ]],
    ['image whitespace (pods only)', (o) => { o.spec.containers[0].image = ' nginx' },
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']],
    ['hostNetwork hostPort', (o) => { o.spec.hostNetwork = true; o.spec.containers[0].ports = [{ containerPort: 80, hostPort: 81 }] },
      ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true']],
    ['pod names are subdomains', (o) => { o.metadata.name = 'web-0.cluster' }, []],
    ['ephemeral containers on create', (o) => { o.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }] },
      ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
  ]
  for (const [name, mut, want] of cases) assert.deepEqual(create(mut), want, name)
})

void test('pod update: only images, activeDeadlineSeconds and added tolerations may change', () => {
  const old = pod((o) => { o.spec.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] })
  const upd = (mut: Mut) => validateUpdate('', 'pods', pod((o) => { o.spec.tolerations = [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }]; mut(o) }), old).map(upstreamFieldErrorText)
  assert.deepEqual(upd((o) => { o.spec.containers[0].image = 'nginx:1.26'; o.spec.activeDeadlineSeconds = 30 }), [])
  assert.deepEqual(upd((o) => { o.spec.tolerations[0].tolerationSeconds = 5; o.spec.tolerations.push({ key: 'b', operator: 'Exists' }) }), [])
  assert.deepEqual(upd((o) => { o.spec.tolerations = [] }), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'])
  assert.deepEqual(upd((o) => { o.spec.containers.push({ name: 'b', image: 'b:1' }) }), ['spec.containers: Forbidden: pod updates may not add or remove containers'])
  const [msg, ...rest] = upd((o) => { o.spec.dnsPolicy = 'Default' })
  assert.deepEqual(rest, [])
  assert.ok(msg!.startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), msg)
  assert.ok(msg!.includes('- \tDNSPolicy: "ClusterFirst",\n+ \tDNSPolicy: "Default",'), msg)
  const withDeadline = pod((o) => { o.spec.activeDeadlineSeconds = 10 })
  assert.deepEqual(validateUpdate('', 'pods', pod((o) => { o.spec.activeDeadlineSeconds = 20 }), withDeadline).map(upstreamFieldErrorText), [
    'spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value',
  ])
})

void test('pod status update', () => {
  const old = pod((o) => { o.spec.restartPolicy = 'Never'; o.status = { containerStatuses: [{ name: 'nginx', state: { terminated: { exitCode: 0 } } }] } })
  const upd = pod((o) => {
    o.spec.restartPolicy = 'Never'
    o.status = { phase: 'Running', containerStatuses: [{ name: 'nginx', state: { running: {} } }], podIPs: [{ ip: 'x' }] }
  })
  assert.deepEqual(validateStatusUpdate('', 'pods', upd, old).map(upstreamFieldErrorText), [
    'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
    'status.podIPs[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ])
  const moved = pod((o) => { o.spec.nodeName = 'n1' })
  assert.deepEqual(validateStatusUpdate('', 'pods', moved, pod()).map(upstreamFieldErrorText), ['status.nodeName: Forbidden: may not be changed directly'])
})
