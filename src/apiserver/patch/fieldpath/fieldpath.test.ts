import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fieldPE, keyPE, pathString, serializePE, type Path } from './element.js'
import { fromFieldsV1, toFieldsV1 } from './fields-v1.js'
import { FieldSet } from './set.js'

const f = fieldPE
const k = (fields: Record<string, unknown>) => keyPE(Object.entries(fields).map(([name, value]) => ({ name, value })))

test('path elements serialize as FieldsV1 keys (key fields sorted)', () => {
  assert.equal(serializePE(f('spec')), 'f:spec')
  assert.equal(serializePE(k({ protocol: 'TCP', containerPort: 80 })), 'k:{"containerPort":80,"protocol":"TCP"}')
  assert.equal(serializePE({ value: 'a.io/x' }), 'v:"a.io/x"')
  assert.equal(serializePE({ index: 3 }), 'i:3')
})

test('paths print as in conflict messages', () => {
  const p: Path = [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'nginx' }), f('image')]
  assert.equal(pathString(p), '.spec.template.spec.containers[name="nginx"].image')
  assert.equal(pathString([f('spec'), f('ports'), k({ port: 443, protocol: 'TCP' })]), '.spec.ports[port=443,protocol="TCP"]')
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]')
})

test('FieldsV1 round trip: members, "." for members with children, upstream key order', () => {
  const s = FieldSet.of(
    [f('spec'), f('replicas')],
    [f('metadata'), f('labels'), f('app')],
    [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'c' })],
    [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'c' }), f('image')],
    [f('metadata'), f('finalizers'), { value: 'b' }],
    [f('metadata'), f('finalizers'), { value: 'a' }],
  )
  const fields = toFieldsV1(s)
  assert.equal(
    JSON.stringify(fields),
    JSON.stringify({
      'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } } },
    }),
  )
  assert.ok(fromFieldsV1(fields).equals(s))
})

test('set operations follow structured-merge-diff', () => {
  const a = FieldSet.of([f('a')], [f('b'), f('c')], [f('b'), f('d')])
  const b = FieldSet.of([f('b')], [f('b'), f('c')])
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.a', '.b.d'])
  assert.deepEqual(a.recursiveDifference(b).paths().map(pathString), ['.a'])
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.b.c'])
  assert.deepEqual(a.union(b).paths().map(pathString), ['.a', '.b', '.b.c', '.b.d'])
  assert.ok(a.has([f('b'), f('d')]))
  assert.ok(!a.has([f('b')]))
})

test('unknown element kinds in FieldsV1 are dropped; malformed ones throw', () => {
  assert.ok(fromFieldsV1({ 'f:a': {}, 'z:zz': {} }).equals(FieldSet.of([f('a')])))
  assert.throws(() => fromFieldsV1({ 'k:{bad': {} }))
})
