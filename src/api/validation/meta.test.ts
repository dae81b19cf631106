import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { KubeObject } from '../object.js'
import { formatFieldError } from '../errors.js'
import { goValue, upstreamFieldErrorText, validateCreate, validateUpdate } from './index.js'
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js'

const cm = (metadata: object): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata } as KubeObject)
const texts = (errs: ReturnType<typeof validateCreate>) => errs.map(upstreamFieldErrorText)
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

void test('name format checks', () => {
  assert.deepEqual(isDNS1123Label('web-0'), [])
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters'])
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots'])
  assert.deepEqual(isDNS1123Subdomain('a.b-c'), [])
  assert.deepEqual(isDNS1123Subdomain(`${'a'.repeat(250)}.bcd`), ['must be no more than 253 characters'])
  assert.deepEqual(isDNS1035Label('0ab'), ["a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"])
  assert.deepEqual(isQualifiedName('example.com/Name_1'), [])
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty'])
  assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${SUBDOMAIN_MSG}`])
  assert.deepEqual(isQualifiedName(`x/${'a'.repeat(64)}`), ['name part must be no more than 63 characters'])
  assert.deepEqual(isValidLabelValue(''), [])
  assert.deepEqual(isValidLabelValue('-x'), ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"])
})

void test('object meta on create', () => {
  const cases: Array<[string, object, string[]]> = [
    ['valid', { name: 'cfg', namespace: 'default' }, []],
    ['name required', { namespace: 'default' }, ['metadata.name: Required value: name or generateName is required']],
    ['generateName checked as a prefix', { generateName: 'Web-', namespace: 'default' }, [
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
      'metadata.name: Required value: name or generateName is required',
    ]],
    ['namespace required', { name: 'cfg' }, ['metadata.namespace: Required value']],
    ['namespace format', { name: 'cfg', namespace: 'Dev' }, ["metadata.namespace: Invalid value: \"Dev\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['labels', { name: 'cfg', namespace: 'default', labels: { 'bad key': 'v', ok: 'bad value!' } }, [
      `metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`,
      "metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
    ['annotation keys (case-insensitive)', { name: 'cfg', namespace: 'default', annotations: { 'Example.COM/Key': 'x', 'a b': 'y' } }, [
      `metadata.annotations: Invalid value: "a b": ${NAME_PART_MSG}`,
    ]],
    ['annotation size', { name: 'cfg', namespace: 'default', annotations: { a: 'x'.repeat(256 * 1024) } }, ['metadata.annotations: Too long: must have at most 262144 bytes']],
    ['finalizers', { name: 'cfg', namespace: 'default', finalizers: ['foo', 'orphan', 'foregroundDeletion', 'example.com/ok'] }, [
      'metadata.finalizers: Invalid value: []string{"foo", "orphan", "foregroundDeletion", "example.com/ok"}: finalizer orphan and foregroundDeletion cannot be both set',
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]],
    ['owner references', { name: 'cfg', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: '', controller: true }, { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, [
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ]],
    ['generic path-segment rules run last', { name: 'a%b', namespace: 'default' }, [`metadata.name: Invalid value: "a%b": ${SUBDOMAIN_MSG}`]],
  ]
  for (const [name, meta, want] of cases) assert.deepEqual(texts(validateCreate('', 'configmaps', cm(meta))), want, name)
  // a cluster-scoped resource rejects a namespace
  assert.deepEqual(texts(validateCreate('', 'persistentvolumes', { metadata: { name: 'x', namespace: 'default' } } as KubeObject)).slice(0, 1), ['metadata.namespace: Forbidden: not allowed on this type'])
})

void test('object meta on update', () => {
  const old = cm({ name: 'cfg', namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-02T03:04:05Z', generation: 3, resourceVersion: '5' })
  const upd = cm({ name: 'cfg', namespace: 'default', uid: 'u2', creationTimestamp: '2024-01-03T03:04:05Z', generation: 2, resourceVersion: '5' })
  assert.deepEqual(texts(validateUpdate('', 'configmaps', upd, old)), [
    'metadata.generation: Invalid value: 2: must not be decremented',
    'metadata.uid: Invalid value: "u2": field is immutable',
    'metadata.creationTimestamp: Invalid value: 2024-01-03 03:04:05 +0000 UTC: field is immutable',
  ])
  const deleting = cm({ name: 'cfg', namespace: 'default', deletionTimestamp: '2024-01-02T03:04:05Z', finalizers: ['a.io/x'] })
  const more = cm({ name: 'cfg', namespace: 'default', deletionTimestamp: '2024-01-02T03:04:05Z', finalizers: ['a.io/x', 'b.io/y'] })
  assert.deepEqual(texts(validateUpdate('', 'configmaps', more, deleting)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
  ])
})

void test('Go-rendered values print verbatim through errors.ts', () => {
  assert.equal(formatFieldError({ field: 'spec.x', type: 'FieldValueInvalid', value: goValue('map[string]string{"a":"b"}'), detail: 'bad' }), 'spec.x: Invalid value: map[string]string{"a":"b"}: bad')
  assert.equal(JSON.stringify({ v: goValue('x') }), '{"v":"x"}')
})
