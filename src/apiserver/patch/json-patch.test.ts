import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ApiError, KubeObject } from '../../api/index.js'
import { applyJsonPatch } from './index.js'

const cm = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'default', labels: { a: '1' }, finalizers: ['x', 'y'] },
  data: { k: 'v' },
})

function apiError(fn: () => unknown): ApiError {
  try {
    fn()
  } catch (e) {
    return e as ApiError
  }
  assert.fail('expected an error')
}

const ok: { name: string; patch: unknown[]; check: (o: KubeObject) => void }[] = [
  { name: 'add member', patch: [{ op: 'add', path: '/data/k2', value: 'v2' }], check: (o) => assert.deepEqual(o.data, { k: 'v', k2: 'v2' }) },
  { name: 'add replaces an existing member', patch: [{ op: 'add', path: '/data/k', value: 'w' }], check: (o) => assert.deepEqual(o.data, { k: 'w' }) },
  { name: 'add to list end', patch: [{ op: 'add', path: '/metadata/finalizers/-', value: 'z' }], check: (o) => assert.deepEqual(o.metadata.finalizers, ['x', 'y', 'z']) },
  { name: 'add at index', patch: [{ op: 'add', path: '/metadata/finalizers/0', value: 'w' }], check: (o) => assert.deepEqual(o.metadata.finalizers, ['w', 'x', 'y']) },
  { name: 'negative index counts from the end', patch: [{ op: 'remove', path: '/metadata/finalizers/-1' }], check: (o) => assert.deepEqual(o.metadata.finalizers, ['x']) },
  { name: 'remove member', patch: [{ op: 'remove', path: '/metadata/labels/a' }], check: (o) => assert.deepEqual(o.metadata.labels, {}) },
  { name: 'replace', patch: [{ op: 'replace', path: '/data/k', value: 'r' }], check: (o) => assert.equal((o.data as Record<string, string>).k, 'r') },
  { name: 'replace of a missing member adds it (json-patch v4)', patch: [{ op: 'replace', path: '/data/new', value: 'n' }], check: (o) => assert.equal((o.data as Record<string, string>).new, 'n') },
  { name: 'move', patch: [{ op: 'move', from: '/data/k', path: '/data/moved' }], check: (o) => assert.deepEqual(o.data, { moved: 'v' }) },
  { name: 'copy', patch: [{ op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' }], check: (o) => assert.deepEqual(o.metadata.annotations, { a: '1' }) },
  { name: 'test that passes', patch: [{ op: 'test', path: '/data/k', value: 'v' }, { op: 'remove', path: '/data' }], check: (o) => assert.equal(o.data, undefined) },
  { name: 'test of a missing member against null passes', patch: [{ op: 'test', path: '/data/none', value: null }], check: (o) => assert.deepEqual(o.data, { k: 'v' }) },
  { name: 'escaped tokens', patch: [{ op: 'add', path: '/metadata/annotations', value: {} }, { op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'x' }], check: (o) => assert.deepEqual(o.metadata.annotations, { 'example.com/a~b': 'x' }) },
  { name: 'null patch is a no-op', patch: null as unknown as unknown[], check: (o) => assert.deepEqual(o, cm()) },
]

for (const c of ok) {
  test(`json patch: ${c.name}`, () => {
    const doc = cm()
    const before = structuredClone(doc)
    c.check(applyJsonPatch(doc, c.patch))
    assert.deepEqual(doc, before, 'input untouched')
  })
}

test('json patch: a failed test is upstream\'s generic 422', () => {
  const e = apiError(() => applyJsonPatch(cm(), [{ op: 'test', path: '/data/k', value: 'nope' }]))
  assert.equal(e.code, 422)
  assert.equal(e.reason, 'Invalid')
  assert.equal(e.message, 'the server rejected our request due to an error in our request')
  assert.deepEqual(e.status.details, {})
  assert.match(String((e.cause as Error).message), /testing value \/data\/k failed: test failed/)
})

test('json patch: paths that do not apply are 422', () => {
  for (const op of [
    { op: 'add', path: '/spec/x/y', value: 1 },
    { op: 'remove', path: '/data/none' },
    { op: 'replace', path: '/metadata/finalizers/5', value: 'a' },
    { op: 'move', from: '/nope', path: '/data/a' },
    { op: 'frobnicate', path: '/data' },
  ]) {
    const e = apiError(() => applyJsonPatch(cm(), [op]))
    assert.equal(e.code, 422, JSON.stringify(op))
  }
})

test('json patch: malformed patches are 400', () => {
  const e = apiError(() => applyJsonPatch(cm(), { op: 'add' }))
  assert.equal(e.code, 400)
  assert.equal(e.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch')
  assert.equal(apiError(() => applyJsonPatch(cm(), ['add'])).code, 400)
})

test('json patch: more than 10000 operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }))
  const e = apiError(() => applyJsonPatch(cm(), ops))
  assert.equal(e.code, 413)
  assert.equal(e.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001')
})

test('json patch: replacing the whole document with a non-object fails to decode (422)', () => {
  const e = apiError(() => applyJsonPatch(cm(), [{ op: 'replace', path: '', value: [1] }]))
  assert.equal(e.code, 422)
})

test('json patch: rollout undo replaces spec.template', () => {
  const dep: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'v2', env: [{ name: 'E', value: '1' }] }] } } },
  }
  const tmpl = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } }
  const out = applyJsonPatch(dep, [
    { op: 'replace', path: '/spec/template', value: tmpl },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
  ])
  assert.deepEqual((out.spec as { template: unknown }).template, tmpl)
  assert.deepEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '1' })
})
