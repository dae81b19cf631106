import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ERR_FORMAT_WRONG, canonicalQuantity, compareQuantities, parseQuantity, tryParseQuantity } from './index.js'

void test('canonical spelling matches upstream Quantity.String()', () => {
  const cases: Array<[string | number, string]> = [
    ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'], ['1024Ki', '1Mi'],
    ['100Mi', '100Mi'], ['1Ki', '1Ki'], ['512', '512'], ['1023Ki', '1023Ki'],
    ['500m', '500m'], ['0.5', '500m'], ['1000m', '1'], ['1.1', '1100m'], ['2000', '2k'], ['1500', '1500'],
    ['1e3', '1e3'], ['1E3', '1e3'], ['1.5e3', '1500'], ['12e-1', '1200e-3'], ['1G', '1G'], ['1000M', '1G'],
    ['0', '0'], ['0Gi', '0'], ['-1', '-1'], ['-500m', '-500m'], ['+1', '1'], ['.5', '500m'],
    ['1n', '1n'], ['1u', '1u'], ['100k', '100k'], ['1E', '1E'], [3, '3'], [0.25, '250m'],
    ['10Gi', '10Gi'], ['0.1Ki', '102400m'],
  ]
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, String(input))
})

void test('parse errors carry upstream messages', () => {
  for (const bad of ['', 'abc', '1Gb', '1.2.3', 'Gi', '1 Gi']) {
    assert.throws(() => parseQuantity(bad), Error, bad)
  }
  assert.throws(() => parseQuantity('abc'), { message: ERR_FORMAT_WRONG })
  assert.throws(() => parseQuantity('1Mk'), { message: "unable to parse quantity's suffix" })
  assert.equal(tryParseQuantity('x'), undefined)
  assert.equal(tryParseQuantity({}), undefined)
})

void test('compare, value and rounding', () => {
  assert.equal(compareQuantities('1Gi', '1024Mi'), 0)
  assert.equal(compareQuantities('1G', '1Gi'), -1)
  assert.equal(compareQuantities('2', '1500m'), 1)
  assert.equal(parseQuantity('1500m').value(), 2n)
  assert.equal(parseQuantity('1500m').milliValue(), 1500n)
  assert.equal(parseQuantity('0.0001').roundUp(-3).toString(), '1m')
  assert.equal(parseQuantity('1Gi').value(), 1073741824n)
  assert.ok(parseQuantity('-1').sign() < 0)
  assert.ok(parseQuantity('0.0000000001').milliValue() === 1n)
})
