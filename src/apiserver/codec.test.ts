import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEntry, encodeObject, encodeText, withResourceVersion } from './codec.js'
import type { KubeObject } from '../api/index.js'

const entry = (obj: KubeObject, rev: number) => ({ key: 'k', value: encodeObject(obj), createRevision: 1, modRevision: rev })

test('stored text drops resourceVersion and puts apiVersion, kind, metadata first', () => {
  const text = encodeText({ spec: { a: 1 }, metadata: { name: 'x', resourceVersion: '5' }, kind: 'Pod', apiVersion: 'v1' })
  assert.equal(text, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"a":1}}')
})

test('withResourceVersion splices text that parses to what decodeEntry gives', () => {
  const objs: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [] } },
    { metadata: { name: 'no-type-meta' }, data: { '"metadata":{': 'tricky' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
  ]
  for (const obj of objs) {
    const e = entry(obj, 42)
    const text = withResourceVersion(Buffer.from(e.value).toString(), 42)
    assert.ok(text !== undefined)
    assert.deepEqual(JSON.parse(text), decodeEntry(e))
  }
})

test('withResourceVersion declines text laid out otherwise', () => {
  assert.equal(withResourceVersion('{"spec":{"metadata":{}},"metadata":{"name":"x"}}', 3), undefined)
  assert.equal(withResourceVersion('{"apiVersion":"v\\"1","metadata":{}}', 3), undefined)
})
