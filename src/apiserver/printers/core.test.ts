import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../api/index.js'
import { printerFor } from './index.js'

const NOW = Date.parse('2024-05-01T12:00:00Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()
const MIN = 60_000

function obj(kind: string, name: string, body: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name, creationTimestamp: ago(10 * MIN), ...meta }, ...body }
}

const names = (group: string, resource: string) => printerFor(group, resource).columns.map((c) => c.name)
const wide = (group: string, resource: string) =>
  printerFor(group, resource).columns.filter((c) => c.priority === 1).map((c) => c.name)
const print = (group: string, resource: string, o: KubeObject) => printerFor(group, resource).cells(o, NOW)

void describe('node printer', () => {
  const node = (spec: Record<string, unknown>, ready: string | undefined, labels: Record<string, string> = {}) => obj('Node', 'node-1', {
    spec,
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        ...(ready ? [{ type: 'Ready', status: ready }] : []),
      ],
      addresses: [{ type: 'InternalIP', address: '10.0.0.4' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: {
        kubeletVersion: 'v1.29.0-kubeling', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64',
        containerRuntimeVersion: 'containerd://1.7.13',
      },
    },
  }, { labels })

  void it('has upstream columns', () => {
    assert.deepEqual(names('', 'nodes'), [
      'Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime',
    ])
    assert.deepEqual(wide('', 'nodes'), ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'])
  })

  void it('prints a ready node', () => {
    assert.deepEqual(print('', 'nodes', node({}, 'True')), [
      'node-1', 'Ready', '<none>', '10m', 'v1.29.0-kubeling', '10.0.0.4', '<none>',
      'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'containerd://1.7.13',
    ])
  })

  void it('prints a cordoned node as Ready,SchedulingDisabled', () => {
    assert.equal(print('', 'nodes', node({ unschedulable: true }, 'True'))[1], 'Ready,SchedulingDisabled')
  })

  void it('prints NotReady and Unknown', () => {
    assert.equal(print('', 'nodes', node({}, 'False'))[1], 'NotReady')
    assert.equal(print('', 'nodes', node({}, 'Unknown'))[1], 'NotReady')
    assert.equal(print('', 'nodes', node({ unschedulable: true }, undefined))[1], 'Unknown,SchedulingDisabled')
  })

  void it('derives sorted roles from labels', () => {
    const labels = {
      'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '',
      'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'infra', 'kubernetes.io/hostname': 'node-1',
    }
    assert.equal(print('', 'nodes', node({}, 'True', labels))[2], 'control-plane,infra,worker')
  })

  void it('prints <unknown> for missing node info', () => {
    const n = obj('Node', 'bare', { status: {} })
    assert.deepEqual(print('', 'nodes', n).slice(1), ['Unknown', '<none>', '10m', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'])
  })
})

void describe('namespace printer', () => {
  void it('prints the phase (Active by default)', () => {
    assert.deepEqual(names('', 'namespaces'), ['Name', 'Status', 'Age'])
    assert.deepEqual(print('', 'namespaces', obj('Namespace', 'default', { status: { phase: 'Active' } })), ['default', 'Active', '10m'])
    assert.deepEqual(print('', 'namespaces', obj('Namespace', 'x', { status: { phase: 'Terminating' } }))[1], 'Terminating')
    assert.deepEqual(print('', 'namespaces', obj('Namespace', 'y'))[1], 'Active')
  })
})

void describe('service printer', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj('Service', 'nginx', { spec, status })

  void it('has upstream columns', () => {
    assert.deepEqual(names('', 'services'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector'])
    assert.deepEqual(wide('', 'services'), ['Selector'])
  })

  void it('prints a headless service as None and 80/TCP', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'nginx' } })
    assert.deepEqual(print('', 'services', s), ['nginx', 'ClusterIP', 'None', '<none>', '80/TCP', '10m', 'app=nginx'])
  })

  void it('prints node ports and several ports', () => {
    const s = svc({
      type: 'NodePort', clusterIPs: ['10.96.0.12'],
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP', nodePort: 30053 }],
      selector: { tier: 'web', app: 'nginx' },
    })
    assert.deepEqual(print('', 'services', s), ['nginx', 'NodePort', '10.96.0.12', '<none>', '80:30080/TCP,53:30053/UDP', '10m', 'app=nginx,tier=web'])
  })

  void it('prints external IPs, LoadBalancer <pending> and ingress addresses', () => {
    assert.equal(print('', 'services', svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.1'], externalIPs: ['1.2.3.4', '5.6.7.8'] }))[3], '1.2.3.4,5.6.7.8')
    assert.equal(print('', 'services', svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.1'] }))[3], '<pending>')
    const lb = svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.1'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }, { hostname: 'lb.example.com' }, { ip: '9.9.9.9' }] } })
    assert.equal(print('', 'services', lb)[3], '9.9.9.9,lb.example.com')
    const lbExt = svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.1'], externalIPs: ['1.1.1.1'] }, { loadBalancer: { ingress: [{ ip: '9.9.9.9' }] } })
    assert.equal(print('', 'services', lbExt)[3], '9.9.9.9,1.1.1.1')
  })

  void it('prints ExternalName services and defaults', () => {
    assert.deepEqual(print('', 'services', svc({ type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>'])
    // defaulting: type ClusterIP, protocol TCP; clusterIP alone is accepted
    assert.deepEqual(print('', 'services', svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] })).slice(1, 5), ['ClusterIP', '10.96.0.10', '<none>', '53/TCP'])
    assert.equal(print('', 'services', svc({}))[6], '<none>')
  })
})

void describe('endpoints printer', () => {
  const ep = (subsets: unknown) => obj('Endpoints', 'nginx', subsets === undefined ? {} : { subsets })
  void it('prints ip:port lists capped at 3', () => {
    assert.deepEqual(names('', 'endpoints'), ['Name', 'Endpoints', 'Age'])
    assert.deepEqual(print('', 'endpoints', ep(undefined)), ['nginx', '<none>', '10m'])
    assert.equal(print('', 'endpoints', ep([{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.1.3' }], ports: [{ port: 80, protocol: 'TCP' }] }]))[1], '10.244.0.5:80,10.244.1.3:80')
    const many = [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }, { port: 443 }] }]
    assert.equal(print('', 'endpoints', ep(many))[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...')
  })
  void it('prints bare IPs for subsets without ports and brackets IPv6', () => {
    assert.equal(print('', 'endpoints', ep([{ addresses: [{ ip: '10.0.0.1' }] }]))[1], '10.0.0.1')
    assert.equal(print('', 'endpoints', ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]))[1], '[fd00::1]:80')
    assert.equal(print('', 'endpoints', ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]))[1], '')
  })
})

void describe('persistent volume printer', () => {
  const pv = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    obj('PersistentVolume', 'pv001', { spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/tmp/pv001' }, ...spec }, status }, meta)

  void it('has upstream columns', () => {
    assert.deepEqual(names('', 'persistentvolumes'), [
      'Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode',
    ])
    assert.deepEqual(wide('', 'persistentvolumes'), ['VolumeMode'])
  })

  void it('prints an Available volume with no claim', () => {
    assert.deepEqual(print('', 'persistentvolumes', pv({}, { phase: 'Available' })), [
      'pv001', '1Gi', 'RWO', 'Retain', 'Available', '', '', '<unset>', '', '10m', 'Filesystem',
    ])
  })

  void it('prints a Bound volume with its claim', () => {
    const bound = pv({
      claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'www-web-0', uid: 'c1' },
      storageClassName: 'manual', accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce', 'ReadOnlyMany'],
      capacity: { storage: '1024Mi' }, volumeMode: 'Block', persistentVolumeReclaimPolicy: 'Delete', volumeAttributesClassName: 'gold',
    }, { phase: 'Bound' })
    assert.deepEqual(print('', 'persistentvolumes', bound), [
      'pv001', '1Gi', 'RWO,ROX,RWX', 'Delete', 'Bound', 'default/www-web-0', 'manual', 'gold', '', '10m', 'Block',
    ])
  })

  void it('prints Released/Failed reasons, Terminating, the beta class annotation and defaults', () => {
    assert.deepEqual(print('', 'persistentvolumes', pv({}, { phase: 'Failed', reason: 'VolumeFailedRecycle' })).slice(4, 9), ['Failed', '', '', '<unset>', 'VolumeFailedRecycle'])
    assert.equal(print('', 'persistentvolumes', pv({}, { phase: 'Bound' }, { deletionTimestamp: ago(1000) }))[4], 'Terminating')
    assert.equal(print('', 'persistentvolumes', pv({ storageClassName: 'b' }, {}, { annotations: { 'volume.beta.kubernetes.io/storage-class': 'a' } }))[6], 'a')
    const bare = obj('PersistentVolume', 'bare', { spec: {} })
    assert.deepEqual(print('', 'persistentvolumes', bare), ['bare', '0', '', 'Retain', 'Pending', '', '', '<unset>', '', '10m', 'Filesystem'])
  })
})

void describe('persistent volume claim printer', () => {
  const pvc = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    obj('PersistentVolumeClaim', 'www-web-0', { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec }, status }, meta)

  void it('has upstream columns', () => {
    assert.deepEqual(names('', 'persistentvolumeclaims'), [
      'Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode',
    ])
  })

  void it('prints a Pending claim with empty volume columns', () => {
    assert.deepEqual(print('', 'persistentvolumeclaims', pvc({ storageClassName: 'standard' }, { phase: 'Pending' })), [
      'www-web-0', 'Pending', '', '', '', 'standard', '<unset>', '10m', 'Filesystem',
    ])
  })

  void it('prints a Bound claim with the volume capacity and modes', () => {
    const bound = pvc({ volumeName: 'pv001', storageClassName: '', volumeMode: 'Filesystem' }, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } })
    assert.deepEqual(print('', 'persistentvolumeclaims', bound), [
      'www-web-0', 'Bound', 'pv001', '2Gi', 'RWO', '', '<unset>', '10m', 'Filesystem',
    ])
    assert.equal(print('', 'persistentvolumeclaims', pvc({}, {}, { deletionTimestamp: ago(1) }))[1], 'Terminating')
    assert.equal(print('', 'persistentvolumeclaims', pvc({}, {}))[1], 'Pending')
  })
})

void describe('event printers', () => {
  const coreEvent = (body: Record<string, unknown>) => obj('Event', 'web-0.17c1', {
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled', message: ' Container image "nginx" already present on machine\n', type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' }, ...body,
  })

  void it('has the upstream column order', () => {
    const expected = ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']
    assert.deepEqual(names('', 'events'), expected)
    assert.deepEqual(names('events.k8s.io', 'events'), expected)
    assert.deepEqual(wide('', 'events'), ['Subobject', 'Source', 'First Seen', 'Count', 'Name'])
    assert.equal(printerFor('', 'events').columns.find((c) => c.name === 'Name')?.format, 'name')
  })

  void it('prints a core/v1 event', () => {
    const e = coreEvent({ firstTimestamp: ago(5 * MIN), lastTimestamp: ago(30_000), count: 3 })
    assert.deepEqual(print('', 'events', e), [
      '30s', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, node-1',
      'Container image "nginx" already present on machine', '5m', 3, 'web-0.17c1',
    ])
  })

  void it('falls back to eventTime, series and a count of 1', () => {
    const e = coreEvent({ eventTime: '2024-05-01T11:58:00.000000Z', reportingComponent: 'default-scheduler', reportingInstance: 'sched-1', source: {} })
    assert.deepEqual(print('', 'events', e).slice(0, 9), [
      '2m', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'default-scheduler, sched-1',
      'Container image "nginx" already present on machine', '2m', 1,
    ])
    const s = coreEvent({ eventTime: '2024-05-01T11:50:00.000000Z', series: { count: 7, lastObservedTime: '2024-05-01T11:59:50.000000Z' } })
    const cells = print('', 'events', s)
    assert.deepEqual([cells[0], cells[7], cells[8]], ['10s', '10m', 7])
    const none = coreEvent({ involvedObject: { kind: 'Node' } })
    assert.deepEqual([print('', 'events', none)[0], print('', 'events', none)[3]], ['<unknown>', 'node'])
  })

  void it('prints an events.k8s.io/v1 event like the core one', () => {
    const e: KubeObject = {
      apiVersion: 'events.k8s.io/v1', kind: 'Event',
      metadata: { name: 'web.17c2', namespace: 'default', creationTimestamp: ago(MIN) },
      eventTime: '2024-05-01T11:59:00.000000Z', reportingController: 'statefulset-controller', reportingInstance: '',
      action: 'Create', reason: 'SuccessfulCreate', type: 'Normal',
      regarding: { kind: 'StatefulSet', namespace: 'default', name: 'web', apiVersion: 'apps/v1' },
      note: 'create Pod web-0 in StatefulSet web successful',
    }
    assert.deepEqual(print('events.k8s.io', 'events', e), [
      '60s', 'Normal', 'SuccessfulCreate', 'statefulset/web', '', 'statefulset-controller',
      'create Pod web-0 in StatefulSet web successful', '60s', 1, 'web.17c2',
    ])
    const legacy = { ...e, deprecatedFirstTimestamp: ago(3 * MIN), deprecatedLastTimestamp: ago(MIN), deprecatedCount: 4, deprecatedSource: { component: 'kubelet', host: 'node-1' } }
    assert.deepEqual(print('events.k8s.io', 'events', legacy).slice(0, 9), [
      '60s', 'Normal', 'SuccessfulCreate', 'statefulset/web', '', 'kubelet, node-1',
      'create Pod web-0 in StatefulSet web successful', '3m', 4,
    ])
  })
})

void describe('configmap, secret and serviceaccount printers', () => {
  void it('counts data keys as integers', () => {
    assert.deepEqual(names('', 'configmaps'), ['Name', 'Data', 'Age'])
    assert.deepEqual(print('', 'configmaps', obj('ConfigMap', 'kube-root-ca.crt', { data: { 'ca.crt': 'x' }, binaryData: { b: 'AA==' } })), ['kube-root-ca.crt', 2, '10m'])
    assert.deepEqual(print('', 'configmaps', obj('ConfigMap', 'empty')), ['empty', 0, '10m'])
    assert.deepEqual(names('', 'secrets'), ['Name', 'Type', 'Data', 'Age'])
    assert.deepEqual(print('', 'secrets', obj('Secret', 'tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } })), ['tls', 'kubernetes.io/tls', 2, '10m'])
    assert.deepEqual(print('', 'secrets', obj('Secret', 's'))[1], 'Opaque')
    assert.deepEqual(names('', 'serviceaccounts'), ['Name', 'Secrets', 'Age'])
    assert.deepEqual(print('', 'serviceaccounts', obj('ServiceAccount', 'default')), ['default', 0, '10m'])
    assert.deepEqual(print('', 'serviceaccounts', obj('ServiceAccount', 'builder', { secrets: [{ name: 'a' }] }))[1], 1)
  })
})
