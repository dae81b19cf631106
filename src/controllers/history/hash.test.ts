import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalJson, fnv32, fnv32a, safeEncodeString, utf8 } from './hash.js'
import { controllerRevisionName, hashDaemonSetTemplate, hashStatefulSetRevision, planStatefulSetRevisions, revisionsToTruncate, templatePatch } from './revisions.js'
import type { ControllerRevision } from './revisions.js'

test('fnv32() and fnv32a() match the reference vectors', () => {
  assert.equal(fnv32(utf8('')), 0x811c9dc5)
  assert.equal(fnv32(utf8('a')), 0x050c5d7e)
  assert.equal(fnv32a(utf8('a')), 0xe40c292c)
  assert.equal(fnv32a(utf8('foobar')), 0xbf9cf968)
  assert.equal(fnv32(utf8('foo'), utf8('bar')), fnv32(utf8('foobar')), 'chunks hash as one stream')
})

test('safeEncodeString() maps digits to the alphabet of upstream revision hashes', () => {
  assert.equal(safeEncodeString('0123456789'), '456789bcdf')
})

test('canonicalJson() sorts keys at every level and escapes as Go does', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: '<&>' } }), '{"a":{"c":"\\u003c\\u0026\\u003e","d":[{"x":2,"y":1}]},"b":1}')
  assert.equal(canonicalJson(templatePatch({ metadata: { labels: { a: 'b' } } })), '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"b"}}}}}')
})

test('revision hashes are stable, at most 10 characters, and move with the collision count', () => {
  const data = templatePatch({ spec: { containers: [{ name: 'c', image: 'x' }] } })
  const h = hashStatefulSetRevision(data, 0)
  assert.match(h, /^[456789bcdf]{1,10}$/)
  assert.equal(hashStatefulSetRevision(structuredClone(data), 0), h)
  assert.notEqual(hashStatefulSetRevision(data, 1), h)
  const d = hashDaemonSetTemplate({ spec: { containers: [] } }, undefined)
  assert.notEqual(hashDaemonSetTemplate({ spec: { containers: [] } }, 0), d, 'a set collisionCount changes the hash')
  assert.equal(controllerRevisionName('x'.repeat(300), 'abc').length, 227)
})

const rev = (name: string, revision: number, image: string): ControllerRevision => ({
  metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' }, revision, data: templatePatch({ spec: { containers: [{ name: 'c', image }] } }),
})
const owner = (image: string) => ({ metadata: { name: 'web', namespace: 'default', uid: 'u' }, template: { spec: { containers: [{ name: 'c', image }] } }, ownerRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u' } })

test('planStatefulSetRevisions() creates, keeps, or renumbers the update revision', () => {
  const created = planStatefulSetRevisions(owner('a'), [], {})
  assert.equal(created.actions[0]?.type, 'createRevision')
  assert.equal(created.update.revision, 1)
  assert.equal(created.current, created.update)
  const same = planStatefulSetRevisions(owner('b'), [rev('r1', 1, 'a'), rev('r2', 2, 'b')], { currentRevision: 'r1' })
  assert.deepEqual(same.actions, [])
  assert.equal(same.update.metadata.name, 'r2')
  assert.equal(same.current.metadata.name, 'r1')
  const back = planStatefulSetRevisions(owner('a'), [rev('r1', 1, 'a'), rev('r2', 2, 'b')], { currentRevision: 'r2' })
  assert.deepEqual(back.actions, [{ type: 'updateRevisionNumber', name: 'r1', revision: 3 }])
})

test('revisionsToTruncate() deletes the oldest non-live revisions beyond the limit', () => {
  const revs = [rev('r1', 1, 'a'), rev('r2', 2, 'b'), rev('r3', 3, 'c'), rev('r4', 4, 'd')]
  assert.deepEqual(revisionsToTruncate(revs, new Set(['r4', 'r1']), 1), ['r2'])
  assert.deepEqual(revisionsToTruncate(revs, new Set(['r4']), 0), ['r1', 'r2', 'r3'])
  assert.deepEqual(revisionsToTruncate(revs, new Set(['r4']), 10), [])
})
