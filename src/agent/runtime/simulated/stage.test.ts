import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseStages, StageError } from './stage.js'
import { lookup, matchStage, parseDuration, selects } from './match.js'
import type { StageView } from './match.js'
import { loadStages } from './load.js'

const doc = (spec: string): string => `apiVersion: kubeling.dev/v1alpha1\nkind: Stage\nmetadata: {name: s}\nspec:\n${spec}`

const bad: Array<{ name: string; text: string; want: string }> = [
  { name: 'a wrong apiVersion', text: 'apiVersion: v1\nkind: Stage\nmetadata: {name: s}\nspec: {}', want: 'f.yaml: apiVersion: must be kubeling.dev/v1alpha1, got "v1"' },
  { name: 'a missing name', text: 'apiVersion: kubeling.dev/v1alpha1\nkind: Stage\nmetadata: {}\nspec: {}', want: 'f.yaml: metadata.name: required' },
  { name: 'an unknown resource kind', text: doc('  resourceRef: {kind: Pod}\n  next: {}'), want: 'f.yaml: spec.resourceRef.kind: must be Container or Image, got "Pod"' },
  { name: 'a bad operator', text: doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: .state, operator: Equals, values: [x]}]}\n  next: {}'), want: 'f.yaml: spec.selector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got "Equals"' },
  { name: 'In without values', text: doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: .state, operator: In}]}\n  next: {}'), want: 'f.yaml: spec.selector.matchExpressions[0].values: required for operator In' },
  { name: 'a malformed key', text: doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: state, operator: Exists}]}\n  next: {}'), want: 'f.yaml: spec.selector.matchExpressions[0].key: must be a key like .state or .pod.annotations["x"], got "state"' },
  { name: 'a negative delay', text: doc('  resourceRef: {kind: Container}\n  delay: {durationMilliseconds: -5}\n  next: {}'), want: 'f.yaml: spec.delay.durationMilliseconds: must be a non-negative integer, got -5' },
  { name: 'a typo in next', text: doc('  resourceRef: {kind: Container}\n  next: {stat: Running}'), want: 'f.yaml: spec.next.stat: unknown field (allowed: state, ready, exitCode, exitCodeFrom, reason, message, messageFrom, error, errorFrom)' },
  { name: 'a bad next state', text: doc('  resourceRef: {kind: Container}\n  next: {state: Paused}'), want: 'f.yaml: spec.next.state: must be Running or Exited, got "Paused"' },
  { name: 'an image stage changing state', text: doc('  resourceRef: {kind: Image}\n  next: {state: Running}'), want: 'f.yaml: spec.next: Image stages take only error/errorFrom' },
  { name: 'YAML syntax errors', text: 'apiVersion: [', want: 'f.yaml: (document 0): ' },
]

for (const c of bad) {
  test(`parseStages() rejects ${c.name}, naming the file and field`, () => {
    assert.throws(() => parseStages(c.text, 'f.yaml'), (e: unknown) => e instanceof StageError && e.message.startsWith(c.want))
  })
}

test('parseStages() names the document of a multi-document file', () => {
  const text = `${doc('  resourceRef: {kind: Container}\n  next: {}')}\n---\n${doc('  resourceRef: {kind: Container}\n  next: {state: Nope}')}`
  assert.throws(() => parseStages(text, 'f.yaml'), /^StageError: f\.yaml#1: spec\.next\.state/)
})

test('loadStages() loads the shipped stages', () => {
  const names = loadStages().map((s) => s.name)
  for (const n of ['container-start', 'container-ready', 'container-complete', 'container-crash', 'container-stop', 'image-pull', 'image-pull-error']) assert.ok(names.includes(n), n)
})

test('lookup() resolves dotted and bracketed keys', () => {
  const obj = { state: 'Running', pod: { annotations: { 'kubeling.dev/x': '5s' } }, probes: { readiness: { initialDelay: '3s' } } }
  assert.equal(lookup(obj, '.state'), 'Running')
  assert.equal(lookup(obj, '.pod.annotations["kubeling.dev/x"]'), '5s')
  assert.equal(lookup(obj, '.probes.readiness.initialDelay'), '3s')
  assert.equal(lookup(obj, '.pod.labels["a"]'), undefined)
})

test('parseDuration() reads Go durations and bare milliseconds', () => {
  assert.deepEqual(['1s', '500ms', '1m30s', '1.5s', '250', 'x', '', '5 s'].map(parseDuration), [1000, 500, 90_000, 1500, 250, undefined, undefined, undefined])
})

const stages = parseStages([
  doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: .state, operator: In, values: [Created]}]}\n  delay: {durationMilliseconds: 1000, jitterDurationMilliseconds: 3000}\n  next: {state: Running}').replace('name: s', 'name: start'),
  doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: .state, operator: In, values: [Running]}, {key: \'.pod.annotations["crash"]\', operator: Exists}]}\n  delay: {durationFrom: {expressionFrom: \'.pod.annotations["crash"]\'}}\n  next: {state: Exited, exitCode: 1}').replace('name: s', 'name: crash'),
  doc('  resourceRef: {kind: Container}\n  weight: 5\n  selector: {matchExpressions: [{key: .state, operator: In, values: [Running]}, {key: \'.pod.annotations["crash"]\', operator: Exists}]}\n  delay: {durationMilliseconds: 10000}\n  next: {state: Exited, exitCode: 2}').replace('name: s', 'name: crash-heavy'),
].join('\n---\n'), 'cases.yaml')

const view = (fields: Record<string, unknown>, since = 0): StageView => ({ kind: 'Container', since, fields })

const matchCases: Array<{ name: string; view: StageView; now: number; random: number; want: { stage: string; delayMs: number } | undefined }> = [
  { name: 'jitter draws between the duration and the jitter bound', view: view({ state: 'Created' }), now: 0, random: 0.5, want: { stage: 'start', delayMs: 2000 } },
  { name: 'the delay counts from `since`', view: view({ state: 'Created' }, 0), now: 1500, random: 0, want: { stage: 'start', delayMs: 0 } },
  { name: 'nothing matches a running container without annotations', view: view({ state: 'Running', pod: { annotations: {} } }), now: 0, random: 0, want: undefined },
  { name: 'the stage due first wins', view: view({ state: 'Running', pod: { annotations: { crash: '3s' } } }), now: 0, random: 0, want: { stage: 'crash', delayMs: 3000 } },
  { name: 'at equal delays the higher weight wins', view: view({ state: 'Running', pod: { annotations: { crash: '10s' } } }), now: 0, random: 0, want: { stage: 'crash-heavy', delayMs: 10000 } },
  { name: 'an unparseable durationFrom falls back to durationMilliseconds (0)', view: view({ state: 'Running', pod: { annotations: { crash: 'soon' } } }), now: 0, random: 0, want: { stage: 'crash', delayMs: 0 } },
]

for (const c of matchCases) {
  test(`matchStage(): ${c.name}`, () => {
    const m = matchStage(c.view, stages, c.now, () => c.random)
    assert.deepEqual(m && { stage: m.stage.name, delayMs: m.delayMs }, c.want)
  })
}

test('selects() honours NotIn and DoesNotExist on absent keys', () => {
  const s = parseStages(doc('  resourceRef: {kind: Container}\n  selector: {matchExpressions: [{key: .ready, operator: NotIn, values: ["true"]}, {key: .x, operator: DoesNotExist}]}\n  next: {}'), 'f')[0]!
  assert.equal(selects(s, view({})), true)
  assert.equal(selects(s, view({ ready: true })), false)
  assert.equal(selects(s, view({ x: 1 })), false)
  assert.equal(selects(s, { kind: 'Image', since: 0, fields: {} }), false)
})
