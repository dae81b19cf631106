import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatQuantity } from './quantity.js'

void describe('formatQuantity (Quantity.String canonical form)', () => {
  const table: [unknown, string][] = [
    ['1Gi', '1Gi'],
    ['10Gi', '10Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['8Gi', '8Gi'],
    ['1Ki', '1Ki'],
    ['512Ki', '512Ki'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['1500M', '1500M'],
    ['10G', '10G'],
    ['100m', '100m'],
    ['0.1', '100m'],
    ['1.5', '1500m'],
    ['500', '500'],
    ['1000', '1k'],
    ['1e3', '1e3'],
    ['1E6', '1e6'],
    ['1200e3', '1200e3'],
    ['0', '0'],
    ['0Gi', '0'],
    [1073741824, '1073741824'],
    ['1n', '1n'],
    ['0.1n', '1n'],
    ['-1Gi', '-1Gi'],
    [undefined, '0'],
    ['', '0'],
    ['bogus', 'bogus'],
  ]
  for (const [input, want] of table) {
    void it(`${String(input)} → ${want}`, () => assert.equal(formatQuantity(input), want))
  }
})
