import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../api/index.js'
import { printerFor } from './index.js'

const NOW = Date.parse('2024-05-01T12:00:00Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()

function obj(apiVersion: string, kind: string, name: string, body: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, creationTimestamp: ago(3 * 3_600_000), ...meta }, ...body }
}

void describe('endpointslice printer', () => {
  const p = printerFor('discovery.k8s.io', 'endpointslices')
  const slice = (body: Record<string, unknown>) => obj('discovery.k8s.io/v1', 'EndpointSlice', 'nginx-abc12', { addressType: 'IPv4', ...body })

  void it('prints address type, ports and endpoints', () => {
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'])
    const s = slice({
      ports: [{ name: 'web', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }, { addresses: ['10.244.1.3'] }],
    })
    assert.deepEqual(p.cells(s, NOW), ['nginx-abc12', 'IPv4', '80', '10.244.0.5,10.244.1.3', '3h'])
  })

  void it('prints <unset>, names, * and + N more...', () => {
    assert.deepEqual(p.cells(slice({ endpoints: [] }), NOW).slice(2, 4), ['<unset>', '<unset>'])
    assert.equal(p.cells(slice({ ports: [{ name: 'http' }, {}, { port: 1 }, { port: 2 }, { port: 3 }] }), NOW)[2], 'http,*,1 + 2 more...')
    const many = slice({ endpoints: [{ addresses: ['a', 'b'] }, { addresses: ['c', 'd', 'e'] }] })
    assert.equal(p.cells(many, NOW)[3], 'a,b,c + 2 more...')
  })
})

void describe('lease printer', () => {
  void it('prints the holder', () => {
    const p = printerFor('coordination.k8s.io', 'leases')
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'Holder', 'Age'])
    const lease = obj('coordination.k8s.io/v1', 'Lease', 'node-1', { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } })
    assert.deepEqual(p.cells(lease, NOW), ['node-1', 'node-1', '3h'])
    assert.deepEqual(p.cells(obj('coordination.k8s.io/v1', 'Lease', 'x', { spec: {} }), NOW), ['x', '', '3h'])
  })
})

void describe('storageclass printer', () => {
  const p = printerFor('storage.k8s.io', 'storageclasses')
  void it('prints provisioner, policies, a boolean expansion flag and marks the default', () => {
    assert.deepEqual(p.columns.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'])
    const sc = obj('storage.k8s.io/v1', 'StorageClass', 'standard', {
      provisioner: 'kubeling.io/hostpath', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true,
    }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } })
    assert.deepEqual(p.cells(sc, NOW), ['standard (default)', 'kubeling.io/hostpath', 'Retain', 'WaitForFirstConsumer', true, '3h'])
    const plain = obj('storage.k8s.io/v1', 'StorageClass', 'slow', { provisioner: 'x' }, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'false' } })
    assert.deepEqual(p.cells(plain, NOW), ['slow', 'x', 'Delete', 'Immediate', false, '3h'])
    const beta = obj('storage.k8s.io/v1', 'StorageClass', 'b', { provisioner: 'x' }, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } })
    assert.equal(p.cells(beta, NOW)[0], 'b (default)')
  })
})
