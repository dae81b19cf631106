import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatSelector, fromLabelSelector, matches, matchesFields, parseFieldSelector, parseLabelSelector } from './selectors.js'

test('parseLabelSelector() understands every operator', () => {
  const sel = parseLabelSelector('a=b,c==d,e!=f,g in (x, y),h notin (z),i,!j')
  assert.deepEqual(sel.map((r) => r.op), ['=', '=', '!=', 'in', 'notin', 'exists', '!'])
  assert.ok(matches(sel, { a: 'b', c: 'd', e: 'q', g: 'y', h: 'w', i: '' }))
  assert.ok(!matches(sel, { a: 'b', c: 'd', e: 'f', g: 'y', i: '' }))
  assert.ok(!matches(sel, { a: 'b', c: 'd', g: 'y', i: '', j: '1' }))
})

test('parseLabelSelector() rejects malformed selectors', () => {
  for (const bad of ['a=b=c', 'a in (b', '-bad=x', 'a=(b)', ',']) assert.throws(() => parseLabelSelector(bad), bad)
})

test('an empty selector matches everything', () => {
  assert.ok(matches(parseLabelSelector(''), undefined))
  assert.ok(matches(fromLabelSelector({}), { x: 'y' }))
})

test('formatSelector() renders a metav1.LabelSelector as upstream sorts it', () => {
  assert.equal(formatSelector(fromLabelSelector({ matchLabels: { role: 'stateful', app: 'nginx' } })), 'app=nginx,role=stateful')
})

test('field selectors match on equality and inequality', () => {
  const reqs = parseFieldSelector('metadata.name=web-0,spec.nodeName!=')
  assert.ok(matchesFields(reqs, { 'metadata.name': 'web-0', 'spec.nodeName': 'node-1' }))
  assert.ok(!matchesFields(reqs, { 'metadata.name': 'web-0', 'spec.nodeName': '' }))
  assert.throws(() => parseFieldSelector('nonsense'))
})
