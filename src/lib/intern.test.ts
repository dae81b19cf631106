import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StringInterner } from './intern.js'

test('interning keeps values equal and makes equal short strings one', () => {
  const pool = new StringInterner()
  const make = (): { a: string; list: Array<string | { b: string }>; n: number; nul: null; long: string } =>
    JSON.parse(JSON.stringify({ a: 'Running', list: ['True', { b: 'True' }], n: 1, nul: null, long: 'x'.repeat(100) })) as never
  const one = pool.intern(make())
  const two = pool.intern(make())
  assert.deepEqual(two, make())
  assert.deepEqual(pool.intern(make(), new Set(['a'])), make())
  assert.equal(pool.string('Running'), one.a)
  assert.equal(pool.string(String(['Run', 'ning'].join(''))), two.a)
})

test('a full pool starts over instead of growing', () => {
  const pool = new StringInterner(3)
  for (let i = 0; i < 10; i++) pool.string(`s${i}`)
  assert.equal(pool.string('s9'), 's9')
})
