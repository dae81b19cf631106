import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ApiError, KubeObject } from '../../api/index.js'
import { applyMergePatch } from './index.js'

const wrap = (v: unknown): KubeObject => ({ metadata: { name: 'x' }, v })

// The examples of RFC 7386 appendix A, under a `v` member of an object.
const rfc: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
]

rfc.forEach(([target, patch, want], i) => {
  test(`merge patch: RFC 7386 example ${i + 1}`, () => {
    const doc = wrap(target)
    const before = structuredClone(doc)
    const out = applyMergePatch(doc, { v: patch })
    assert.deepEqual(out.v, want)
    assert.deepEqual(doc, before)
  })
})

test('merge patch: labels and replicas as kubectl patch --type merge sends them', () => {
  const dep: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { a: '1', b: '2' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'v1' }, { name: 's', image: 'x' }] } } },
  }
  const out = applyMergePatch(dep, { metadata: { labels: { b: null, c: '3' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'v2' }] } } } })
  assert.deepEqual(out.metadata.labels, { a: '1', c: '3' })
  assert.deepEqual(out.spec, { replicas: 3, template: { spec: { containers: [{ name: 'c', image: 'v2' }] } } })
})

test('merge patch: a patch that is not an object is 400 Invalid JSON Patch', () => {
  for (const p of [null, 'x', 3]) {
    try {
      applyMergePatch(wrap({}), p)
      assert.fail('expected an error')
    } catch (e) {
      assert.equal((e as ApiError).code, 400)
      assert.equal((e as ApiError).message, 'Invalid JSON Patch')
    }
  }
})

test('merge patch: an array replaces the whole document, which no longer decodes (422)', () => {
  assert.throws(() => applyMergePatch(wrap({}), [1]), (e: ApiError) => e.code === 422)
})
