import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalJson, sameJson } from './object.js'

test('sameJson agrees with comparing canonicalJson texts', () => {
  const values: unknown[] = [
    null, 0, 1, '1', true, [], {}, [1, 2], [2, 1], { a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 },
    { a: 1, b: undefined }, { a: 1 }, { a: [1] }, { a: { 0: 1 } }, { a: null }, { a: 1, b: 2 }, [{}], [[]],
  ]
  for (const a of values) {
    for (const b of values) assert.equal(sameJson(a, b), canonicalJson(a) === canonicalJson(b), `${canonicalJson(a)} vs ${canonicalJson(b)}`)
  }
})
