import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseRequestPath } from './request-info.js'

test('parseRequestPath() splits group, namespace, resource, name and subresource', () => {
  assert.deepEqual(parseRequestPath('/api/v1/namespaces/default/pods/web-0/status'), {
    kind: 'resource', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web-0', subresource: 'status', watchPath: false,
  })
  assert.deepEqual(parseRequestPath('/apis/apps/v1/statefulsets'), {
    kind: 'resource', group: 'apps', version: 'v1', namespace: undefined, resource: 'statefulsets', name: undefined, subresource: undefined, watchPath: false,
  })
})

test('parseRequestPath() treats namespaces/NAME as the namespace object', () => {
  const r = parseRequestPath('/api/v1/namespaces/default')
  assert.equal(r.kind, 'resource')
  assert.equal(r.kind === 'resource' && r.resource, 'namespaces')
  assert.equal(r.kind === 'resource' && r.name, 'default')
  const f = parseRequestPath('/api/v1/namespaces/x/finalize')
  assert.equal(f.kind === 'resource' && f.subresource, 'finalize')
})

test('parseRequestPath() folds the legacy /watch/ prefix', () => {
  const r = parseRequestPath('/api/v1/watch/namespaces/default/pods')
  assert.equal(r.kind === 'resource' && r.watchPath, true)
  assert.equal(parseRequestPath('/version').kind, 'other')
})
