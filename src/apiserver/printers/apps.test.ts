import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../api/index.js'
import { printerFor } from './index.js'

const NOW = Date.parse('2024-05-01T12:00:00Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()

function obj(kind: string, name: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default', creationTimestamp: ago(90_000), ...meta }, ...body }
}

const template = {
  metadata: { labels: { app: 'nginx' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'sidecar', image: 'busybox' }] },
}
const names = (resource: string) => printerFor('apps', resource).columns.map((c) => `${c.name}${c.priority ? '*' : ''}`)
const print = (resource: string, o: KubeObject) => printerFor('apps', resource).cells(o, NOW)

void describe('statefulset printer', () => {
  void it('prints READY as ready/desired', () => {
    assert.deepEqual(names('statefulsets'), ['Name', 'Ready', 'Age', 'Containers*', 'Images*'])
    const sts = obj('StatefulSet', 'web', {
      spec: { replicas: 2, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } }, template },
      status: { replicas: 2, readyReplicas: 2, currentReplicas: 2 },
    })
    assert.deepEqual(print('statefulsets', sts), ['web', '2/2', '90s', 'nginx,sidecar', 'nginx:1.25,busybox'])
  })
  void it('defaults replicas to 1 and ready to 0', () => {
    const sts = obj('StatefulSet', 'db', { spec: { selector: {}, template: { spec: { containers: [] } } }, status: {} })
    assert.deepEqual(print('statefulsets', sts), ['db', '0/1', '90s', '', ''])
    const scaledDown = obj('StatefulSet', 'db', { spec: { replicas: 0, template }, status: { replicas: 0 } })
    assert.equal(print('statefulsets', scaledDown)[1], '0/0')
  })
})

void describe('daemonset printer', () => {
  void it('prints counts as integers, the node selector and the wide columns', () => {
    assert.deepEqual(names('daemonsets'), [
      'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*',
    ])
    const ds = obj('DaemonSet', 'nginx-ds', {
      spec: {
        selector: { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'edge'] }] },
        template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' } } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    })
    assert.deepEqual(print('daemonsets', ds), [
      'nginx-ds', 3, 3, 2, 3, 2, 'disk=ssd,kubernetes.io/os=linux', '90s', 'nginx,sidecar', 'nginx:1.25,busybox', 'app=nginx,tier in (edge,web)',
    ])
  })
  void it('prints <none> for no node selector and zeros for a missing status', () => {
    const ds = obj('DaemonSet', 'd', { spec: { selector: { matchLabels: { app: 'd' } }, template } })
    assert.deepEqual(print('daemonsets', ds), ['d', 0, 0, 0, 0, 0, '<none>', '90s', 'nginx,sidecar', 'nginx:1.25,busybox', 'app=d'])
  })
})

void describe('controllerrevision printer', () => {
  void it('prints the controller as kind.group/name and the revision number', () => {
    assert.deepEqual(names('controllerrevisions'), ['Name', 'Controller', 'Revision', 'Age'])
    const cr = obj('ControllerRevision', 'web-7d9f8c6b5', { revision: 2, data: {} }, {
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Pod', name: 'not-controller', uid: 'x' },
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true, blockOwnerDeletion: true },
      ],
    })
    assert.deepEqual(print('controllerrevisions', cr), ['web-7d9f8c6b5', 'statefulset.apps/web', 2, '90s'])
    const orphan = obj('ControllerRevision', 'old', { revision: 1 })
    assert.deepEqual(print('controllerrevisions', orphan), ['old', '<none>', 1, '90s'])
    const core = obj('ControllerRevision', 'c', { revision: 3 }, { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u', controller: true }] })
    assert.equal(print('controllerrevisions', core)[1], 'node/n')
  })
})

void describe('deployment printer', () => {
  void it('prints ready/desired, up-to-date, available and the raw selector', () => {
    assert.deepEqual(names('deployments'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*'])
    const d = obj('Deployment', 'nginx', {
      spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template },
      status: { replicas: 3, readyReplicas: 1, updatedReplicas: 3, availableReplicas: 1 },
    })
    assert.deepEqual(print('deployments', d), ['nginx', '1/3', 3, 1, '90s', 'nginx,sidecar', 'nginx:1.25,busybox', 'app=nginx'])
    const empty = obj('Deployment', 'e', { spec: { selector: {}, template } })
    assert.deepEqual(print('deployments', empty).slice(1, 4), ['0/1', 0, 0])
    assert.equal(print('deployments', empty)[7], '')
  })
})

void describe('replicaset printer', () => {
  void it('prints desired/current/ready as integers', () => {
    assert.deepEqual(names('replicasets'), ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*'])
    const rs = obj('ReplicaSet', 'nginx-5d8f', {
      spec: { replicas: 2, selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '5d8f' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, template },
      status: { replicas: 2, readyReplicas: 1 },
    })
    assert.deepEqual(print('replicasets', rs), ['nginx-5d8f', 2, 2, 1, '90s', 'nginx,sidecar', 'nginx:1.25,busybox', 'app=nginx,!canary,pod-template-hash=5d8f'])
  })
})
