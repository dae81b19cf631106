import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RESOURCES, type KubeObject } from '../../api/index.js'
import { defaultPrinter, printerFor, toTable } from './index.js'

const NOW = Date.parse('2024-05-01T12:00:00Z')

const web0: KubeObject = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name: 'web-0', namespace: 'default', uid: 'u-1', resourceVersion: '103', creationTimestamp: '2024-05-01T11:59:55Z',
    labels: { app: 'nginx' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-2', controller: true }],
  },
  spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
  status: {
    phase: 'Running', podIPs: [{ ip: '10.244.0.5' }],
    containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: {} } }],
  },
}

void describe('toTable', () => {
  void it('builds the Table kubectl expects, with PartialObjectMetadata rows by default', () => {
    const t = toTable([web0], printerFor('', 'pods'), { now: NOW, includeObject: 'Metadata', resourceVersion: '105', apiVersion: 'meta.k8s.io/v1' })
    const json = JSON.parse(JSON.stringify(t)) as Record<string, unknown>
    assert.deepEqual(Object.keys(json), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows'])
    assert.equal(json['kind'], 'Table')
    assert.equal(json['apiVersion'], 'meta.k8s.io/v1')
    assert.deepEqual(json['metadata'], { resourceVersion: '105' })
    const cols = json['columnDefinitions'] as Record<string, unknown>[]
    assert.deepEqual(Object.keys(cols[0] ?? {}), ['name', 'type', 'format', 'description', 'priority'])
    assert.deepEqual(cols[0]?.['name'], 'Name')
    assert.deepEqual(json['rows'], [{
      cells: ['web-0', '1/1', 'Running', '0', '5s', '10.244.0.5', 'node-1', '<none>', '<none>'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: web0.metadata },
    }])
  })

  void it('embeds the full object for includeObject=Object and nothing for None', () => {
    const opts = { now: NOW, apiVersion: 'meta.k8s.io/v1' } as const
    const full = toTable([web0], printerFor('', 'pods'), { ...opts, includeObject: 'Object' }) as { rows: { object?: unknown }[] }
    assert.deepEqual(full.rows[0]?.object, web0)
    const none = toTable([web0], printerFor('', 'pods'), { ...opts, includeObject: 'None' }) as { rows: Record<string, unknown>[] }
    assert.deepEqual(Object.keys(none.rows[0] ?? {}), ['cells'])
  })

  void it('carries list metadata and the v1beta1 group-version', () => {
    const t = toTable([], printerFor('', 'pods'), {
      now: NOW, includeObject: 'Metadata', resourceVersion: '9', continue: 'abc', remainingItemCount: 0, apiVersion: 'meta.k8s.io/v1beta1',
    }) as Record<string, unknown>
    assert.equal(t['apiVersion'], 'meta.k8s.io/v1beta1')
    assert.deepEqual(t['metadata'], { resourceVersion: '9', continue: 'abc', remainingItemCount: 0 })
    assert.deepEqual(t['rows'], [])
    const partial = toTable([web0], printerFor('', 'pods'), { now: NOW, includeObject: 'Metadata', apiVersion: 'meta.k8s.io/v1beta1' }) as { metadata: unknown; rows: { object: { apiVersion: string } }[] }
    assert.deepEqual(partial.metadata, {})
    assert.equal(partial.rows[0]?.object.apiVersion, 'meta.k8s.io/v1beta1')
  })

  void it('omits column definitions on request (watch events)', () => {
    const t = toTable([web0], printerFor('', 'pods'), { now: NOW, includeObject: 'Metadata', omitColumns: true, apiVersion: 'meta.k8s.io/v1' }) as Record<string, unknown>
    assert.deepEqual(t['columnDefinitions'], [])
  })

  void it('adds row conditions for finished pods', () => {
    const done = { ...web0, status: { phase: 'Succeeded' } }
    const t = toTable([done], printerFor('', 'pods'), { now: NOW, includeObject: 'None', apiVersion: 'meta.k8s.io/v1' }) as { rows: Record<string, unknown>[] }
    assert.deepEqual(Object.keys(t.rows[0] ?? {}), ['cells', 'conditions'])
  })
})

void describe('printerFor', () => {
  void it('has a printer for every served resource, one cell per column', () => {
    for (const info of RESOURCES) {
      const p = printerFor(info.group, info.resource)
      assert.notEqual(p, defaultPrinter, `${info.resource}.${info.group} has no printer`)
      const empty: KubeObject = { apiVersion: info.version, kind: info.kind, metadata: { name: 'x' } }
      assert.equal(p.cells(empty, NOW).length, p.columns.length, `${info.resource}.${info.group}`)
      assert.equal(p.columns.filter((c) => c.format === 'name').length, 1, `${info.resource}.${info.group}`)
      for (const c of p.columns) assert.ok(c.description.length > 0, `${info.resource}.${info.group} ${c.name}`)
    }
  })

  void it('falls back to Name and Created At', () => {
    const p = printerFor('example.com', 'widgets')
    assert.equal(p, defaultPrinter)
    assert.deepEqual(p.columns.map((c) => [c.name, c.type, c.format, c.priority]), [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]])
    const w: KubeObject = { metadata: { name: 'w', creationTimestamp: '2024-05-01T11:00:00Z' } }
    assert.deepEqual(p.cells(w, NOW), ['w', '2024-05-01T11:00:00Z'])
    assert.deepEqual(p.cells({ metadata: {} }, NOW), ['', '0001-01-01T00:00:00Z'])
  })
})
