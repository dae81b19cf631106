import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import { activeFilters, DEFAULT_FILTERS, preFilter, runFilters } from './filters.js'
import { podInfo } from './pod-info.js'
import { allocatable, labels, makeNode, makePod, onNode, requests, snapshotOf } from './testing.js'
import type { Mut } from './testing.js'

interface Case {
  name: string
  pod: Mut<Pod>[]
  node?: Mut<Node>[]
  /** pods already on node "n1" */
  existing?: Pod[]
  /** undefined = fits */
  want?: { plugin: string; code: string; reasons: string[] }
}

const taint = (key: string, effect: string, value?: string): Mut<Node> => (n) => {
  n.spec = { ...n.spec, taints: [...(n.spec?.taints ?? []), { key, effect, ...(value !== undefined ? { value } : {}) }] }
}
const toleration = (t: NonNullable<NonNullable<Pod['spec']>['tolerations']>[number]): Mut<Pod> => (p) => {
  p.spec!.tolerations = [...(p.spec!.tolerations ?? []), t]
}
const nodeSelector = (s: Record<string, string>): Mut<Pod> => (p) => {
  p.spec!.nodeSelector = s
}
const requiredAffinity = (...terms: NonNullable<NonNullable<NonNullable<Pod['spec']>['affinity']>['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution'] extends infer S ? S extends { nodeSelectorTerms: infer T } ? T : never : never): Mut<Pod> => (p) => {
  p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }
}
const antiAffinity = (match: Record<string, string>, topologyKey = 'kubernetes.io/hostname'): Mut<Pod> => (p) => {
  p.spec!.affinity = { ...p.spec!.affinity, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: match }, topologyKey }] } }
}
const podAffinity = (match: Record<string, string>, topologyKey = 'kubernetes.io/hostname'): Mut<Pod> => (p) => {
  p.spec!.affinity = { ...p.spec!.affinity, podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: match }, topologyKey }] } }
}
const hostPort = (port: number, hostIP?: string): Mut<Pod> => (p) => {
  p.spec!.containers[0]!.ports = [{ containerPort: port, hostPort: port, protocol: 'TCP', ...(hostIP ? { hostIP } : {}) }]
}
const unschedulable: Mut<Node> = (n) => {
  n.spec = { ...n.spec, unschedulable: true }
}

const NOT_HELPFUL = 'UnschedulableAndUnresolvable'

const cases: Case[] = [
  { name: 'a plain pod fits an empty node', pod: [] },
  // NodeName
  { name: 'nodeName set to another node does not fit', pod: [onNode('other')], want: { plugin: 'NodeName', code: NOT_HELPFUL, reasons: ["node(s) didn't match the requested node name"] } },
  { name: 'nodeName set to this node fits', pod: [onNode('n1')] },
  // NodeUnschedulable
  { name: 'a cordoned node rejects pods', pod: [], node: [unschedulable], want: { plugin: 'NodeUnschedulable', code: NOT_HELPFUL, reasons: ['node(s) were unschedulable'] } },
  { name: 'a cordoned node accepts pods tolerating node.kubernetes.io/unschedulable', pod: [toleration({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' })], node: [unschedulable] },
  // TaintToleration
  { name: 'a NoSchedule taint rejects untolerating pods', pod: [], node: [taint('dedicated', 'NoSchedule', 'gpu')], want: { plugin: 'TaintToleration', code: NOT_HELPFUL, reasons: ['node(s) had untolerated taint {dedicated: gpu}'] } },
  { name: 'a NoExecute taint rejects untolerating pods', pod: [], node: [taint('node.kubernetes.io/unreachable', 'NoExecute')], want: { plugin: 'TaintToleration', code: NOT_HELPFUL, reasons: ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }'] } },
  { name: 'a PreferNoSchedule taint does not filter', pod: [], node: [taint('soft', 'PreferNoSchedule')] },
  { name: 'Equal toleration with the right value tolerates', pod: [toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' })], node: [taint('dedicated', 'NoSchedule', 'gpu')] },
  { name: 'Equal toleration with another value does not', pod: [toleration({ key: 'dedicated', value: 'db' })], node: [taint('dedicated', 'NoSchedule', 'gpu')], want: { plugin: 'TaintToleration', code: NOT_HELPFUL, reasons: ['node(s) had untolerated taint {dedicated: gpu}'] } },
  { name: 'an empty-key Exists toleration tolerates everything', pod: [toleration({ operator: 'Exists' })], node: [taint('a', 'NoSchedule'), taint('b', 'NoExecute')] },
  { name: 'a toleration for another effect does not tolerate', pod: [toleration({ key: 'a', operator: 'Exists', effect: 'NoExecute' })], node: [taint('a', 'NoSchedule')], want: { plugin: 'TaintToleration', code: NOT_HELPFUL, reasons: ['node(s) had untolerated taint {a: }'] } },
  // NodeAffinity
  { name: 'nodeSelector matching all pairs fits', pod: [nodeSelector({ disk: 'ssd', zone: 'a' })], node: [labels({ disk: 'ssd', zone: 'a' })] },
  { name: 'nodeSelector missing a pair does not fit', pod: [nodeSelector({ disk: 'ssd', zone: 'a' })], node: [labels({ disk: 'ssd' })], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  { name: 'required affinity: terms are OR-ed', pod: [requiredAffinity({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] })], node: [labels({ disk: 'ssd' })] },
  { name: 'required affinity: expressions in a term are AND-ed', pod: [requiredAffinity({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'Exists' }] })], node: [labels({ disk: 'ssd' })], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  { name: 'required affinity: NotIn and DoesNotExist', pod: [requiredAffinity({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['hdd'] }, { key: 'gpu', operator: 'DoesNotExist' }] })], node: [labels({ disk: 'ssd' })] },
  { name: 'required affinity: Gt compares integers', pod: [requiredAffinity({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] })], node: [labels({ cores: '16' })] },
  { name: 'required affinity: Lt fails for larger values', pod: [requiredAffinity({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] })], node: [labels({ cores: '16' })], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  { name: 'matchFields metadata.name In [this node] fits (DaemonSet pods)', pod: [requiredAffinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] })] },
  { name: 'matchFields metadata.name In [another node] does not fit', pod: [requiredAffinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] })], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  { name: 'matchFields metadata.name NotIn [this node] does not fit', pod: [requiredAffinity({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] })], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  { name: 'an empty term matches nothing', pod: [requiredAffinity({})], want: { plugin: 'NodeAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match Pod's node affinity/selector"] } },
  // NodePorts
  { name: 'a free host port fits', pod: [hostPort(80)], existing: [makePod('e', onNode('n1'), hostPort(81))] },
  { name: 'a used host port does not fit', pod: [hostPort(80)], existing: [makePod('e', onNode('n1'), hostPort(80))], want: { plugin: 'NodePorts', code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] } },
  { name: 'the same host port on different host IPs fits', pod: [hostPort(80, '10.0.0.1')], existing: [makePod('e', onNode('n1'), hostPort(80, '10.0.0.2'))] },
  // NodeResourcesFit
  { name: 'requests within allocatable fit', pod: [requests({ cpu: '3', memory: '4Gi' })], existing: [makePod('e', onNode('n1'), requests({ cpu: '1' }))] },
  { name: 'cpu beyond what is left is insufficient', pod: [requests({ cpu: '3500m' })], existing: [makePod('e', onNode('n1'), requests({ cpu: '1' }))], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] } },
  { name: 'cpu and memory both insufficient are both reported', pod: [requests({ cpu: '5', memory: '9Gi' })], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] } },
  { name: 'an extended resource the node lacks is insufficient', pod: [requests({ 'example.com/gpu': '1' })], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] } },
  { name: 'a full node has too many pods', pod: [], node: [allocatable({ pods: '1' })], existing: [makePod('e', onNode('n1'))], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Too many pods'] } },
  { name: 'init containers count as the max, not the sum', pod: [requests({ cpu: '1' }), (p) => { p.spec!.initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '4' } } }] }] },
  { name: 'an init container above allocatable does not fit', pod: [(p) => { p.spec!.initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '5' } } }] }], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] } },
  { name: 'pod overhead is added', pod: [requests({ cpu: '3500m' }), (p) => { p.spec!.overhead = { cpu: '600m' } }], want: { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] } },
  // InterPodAffinity
  { name: 'anti-affinity on hostname rejects a node running a matching pod', pod: [labels({ app: 'web' }), antiAffinity({ app: 'web' })], existing: [makePod('e', onNode('n1'), labels({ app: 'web' }))], want: { plugin: 'InterPodAffinity', code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] } },
  { name: 'anti-affinity ignores pods in other namespaces', pod: [antiAffinity({ app: 'web' })], existing: [makePod('e', onNode('n1'), labels({ app: 'web' }), (p) => { p.metadata!.namespace = 'other' })] },
  { name: "an existing pod's anti-affinity rejects a matching newcomer", pod: [labels({ app: 'web' })], existing: [makePod('e', onNode('n1'), antiAffinity({ app: 'web' }))], want: { plugin: 'InterPodAffinity', code: 'Unschedulable', reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] } },
  { name: 'pod affinity is satisfied by a matching pod on the node', pod: [podAffinity({ app: 'db' })], existing: [makePod('e', onNode('n1'), labels({ app: 'db' }))] },
  { name: 'pod affinity without any matching pod does not fit', pod: [podAffinity({ app: 'db' })], want: { plugin: 'InterPodAffinity', code: NOT_HELPFUL, reasons: ["node(s) didn't match pod affinity rules"] } },
  { name: 'the first pod of a self-affine group fits', pod: [labels({ app: 'db' }), podAffinity({ app: 'db' })] },
]

for (const c of cases) {
  test(`filters: ${c.name}`, () => {
    const node = makeNode('n1', ...(c.node ?? []))
    const snap = snapshotOf([node, makeNode('n2')], c.existing ?? [])
    const pod = podInfo(makePod('p', ...c.pod))
    const nodeInfo = snap.byName.get('n1')!
    const state = preFilter(pod, snap)
    const got = runFilters(pod, nodeInfo, state)
    assert.deepEqual(got && { plugin: got.plugin, code: got.code, reasons: [...got.reasons] }, c.want)
    // PreFilter Skip only drops filters that cannot fail: same verdict with the active ones
    const active = activeFilters(pod, state)
    assert.deepEqual(runFilters(pod, nodeInfo, state, active), got)
    if (c.want) assert.ok(active.some((f) => f.name === c.want?.plugin), `${c.want.plugin} must not be skipped`)
  })
}

test('filters: a plain pod skips NodeName, NodeAffinity, NodePorts and InterPodAffinity', () => {
  const snap = snapshotOf([makeNode('n1')])
  const pod = podInfo(makePod('p'))
  assert.deepEqual(activeFilters(pod, preFilter(pod, snap)).map((f) => f.name), ['NodeUnschedulable', 'TaintToleration', 'NodeResourcesFit'])
  assert.equal(DEFAULT_FILTERS.length, 7)
})
