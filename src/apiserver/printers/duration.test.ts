import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { humanDuration, parseTimestamp, since } from './duration.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const Y = 365 * D

void describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  // upstream TestHumanDuration
  const table: [number, string][] = [
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * D, '367d'],
    [2 * Y + 25 * H, '2y1d'],
    [8 * Y + 2 * H, '8y'],
  ]
  for (const [ms, want] of table) void it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want))

  // upstream TestHumanDurationBoundaries (Go's 1ns steps become 1ms here)
  const boundaries: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-2 * S + 1, '0s'],
    [0, '0s'],
    [S - 1, '0s'],
    [59 * S, '59s'],
    [2 * M - 1, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [10 * M - 1, '9m59s'],
    [10 * M, '10m'],
    [10 * M + S, '10m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - 1, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [2 * D - 1, '47h'],
    [2 * D, '2d'],
    [2 * D + H, '2d1h'],
    [8 * D - 1, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * Y - 1, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 23 * H, '2y'],
    [2 * Y + 23 * H + 59 * M, '2y'],
    [2 * Y + 24 * H - 1, '2y'],
    [2 * Y + 24 * H, '2y1d'],
    [3 * Y, '3y'],
    [4 * Y, '4y'],
    [5 * Y, '5y'],
    [6 * Y, '6y'],
    [7 * Y, '7y'],
    [8 * Y - 1, '7y364d'],
    [8 * Y, '8y'],
    [8 * Y + 364 * D, '8y'],
    [9 * Y, '9y'],
  ]
  for (const [ms, want] of boundaries) void it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want))
})

void describe('since (translateTimestampSince)', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')
  void it('prints <unknown> for a missing timestamp', () => {
    assert.equal(since(undefined, now), '<unknown>')
    assert.equal(since(null, now), '<unknown>')
    assert.equal(since('', now), '<unknown>')
  })
  void it('prints the age of an RFC 3339 time', () => {
    assert.equal(since('2024-05-01T11:59:55Z', now), '5s')
    assert.equal(since('2024-05-01T11:56:40Z', now), '3m20s')
    assert.equal(since('2024-04-29T12:00:00Z', now), '2d')
  })
  void it('accepts micro-time fractions and offsets', () => {
    const t = parseTimestamp('2024-05-01T11:59:55.123456Z') ?? 0
    assert.ok(Math.abs(t - (Date.parse('2024-05-01T11:59:55Z') + 123.456)) < 1e-6)
    assert.equal(since('2024-05-01T13:59:50+02:00', now), '10s')
  })
  void it('tolerates clocks up to 2s ahead', () => {
    assert.equal(since('2024-05-01T12:00:01Z', now), '0s')
    assert.equal(since('2024-05-01T12:00:05Z', now), '<invalid>')
  })
})
