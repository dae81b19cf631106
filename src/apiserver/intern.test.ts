import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ObjectInterner } from './intern.js'
import type { KubeObject } from '../api/index.js'

const pod = (name: string, ip: string): KubeObject => JSON.parse(JSON.stringify({
  metadata: {
    name,
    managedFields: [
      { manager: 'a', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:nodeName': {} } } },
      { manager: 'b', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:podIPs': { [`k:{"ip":"${ip}"}`]: {} } } } },
    ],
  },
})) as KubeObject

test('identical managedFields trees are shared, different ones kept apart, contents unchanged', () => {
  const interner = new ObjectInterner()
  const a = interner.intern(pod('a', '10.0.0.1'))
  const b = interner.intern(pod('b', '10.0.0.2'))
  const before = JSON.stringify(pod('b', '10.0.0.2'))
  const [a0, a1] = a.metadata.managedFields as Array<{ fieldsV1: unknown }>
  const [b0, b1] = b.metadata.managedFields as Array<{ fieldsV1: unknown }>
  assert.equal(a0!.fieldsV1, b0!.fieldsV1)
  assert.notEqual(a1!.fieldsV1, b1!.fieldsV1)
  assert.equal(JSON.stringify(b), before)
})
