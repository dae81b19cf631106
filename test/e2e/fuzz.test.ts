/**
 * Bad input never crashes and never corrupts: thousands of generated bad requests against
 * a real `kubeling up`; each must get a metav1.Status with a 4xx code, the server must keep
 * serving, and the objects stored before must come back byte-identical afterwards.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { removeDir, startCluster } from './harness.js'
import type { Cluster } from './harness.js'

let c: Cluster
before(async () => { c = await startCluster({ args: ['--nodes', '0'] }) })
after(async () => {
  await c.stop()
  removeDir(c.dataDir)
  removeDir(c.home)
})

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const PATHS = [
  '/api/v1/namespaces/default/configmaps', '/api/v1/namespaces/default/configmaps/keep',
  '/apis/apps/v1/namespaces/default/statefulsets', '/apis/apps/v1/namespaces/default/statefulsets/keep',
  '/apis/apps/v1/namespaces/default/statefulsets/keep/scale', '/apis/apps/v1/namespaces/default/statefulsets/keep/status',
  '/api/v1/namespaces/default/pods', '/api/v1/nodes', '/api/v1/namespaces/nope/configmaps', '/apis/apps/v1beta1/namespaces/default/statefulsets',
  '/api/v1/namespaces/default/bogus', '/apis/nogroup/v1/things', '/api/v1/namespaces/default/pods/x/binding',
]
const CONTENT_TYPES = ['application/json', 'application/yaml', 'text/plain', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'application/vnd.kubernetes.protobuf', '']
const QUERIES = ['', '?labelSelector=a%20in%20(', '?fieldSelector=nope=1', '?limit=-1', '?resourceVersion=abc', '?continue=garbage', '?fieldValidation=Bogus', '?watch=true&resourceVersion=1&timeoutSeconds=1', '?dryRun=All', '?fieldValidation=Strict']

function badBody(r: () => number): string | Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const long = 'x'.repeat(300)
  const bodies: Array<() => string | Buffer> = [
    () => '{',
    () => 'null',
    () => '[]',
    () => '"string"',
    () => '{"apiVersion":"v1","kind":"ConfigMap","metadata":"nope"}',
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: long } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'UPPER_case' } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'other' }, data: { a: 'changed' } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', resourceVersion: '1' }, data: { a: 'changed' } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: 5 } }),
    () => JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'keep' }, spec: { replicas: -1 } }),
    () => JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'keep' }, spec: { replicas: 'three' } }),
    () => JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'keep' }, spec: { serviceName: 'changed', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }),
    () => JSON.stringify([{ op: 'replace', path: '/metadata/name', value: 'other' }]),
    () => JSON.stringify([{ op: 'test', path: '/data/a', value: 'zzz' }]),
    () => JSON.stringify([{ op: 'bogus' }]),
    () => JSON.stringify({ spec: { replicas: -5 } }),
    () => JSON.stringify({ metadata: { name: 'renamed' } }),
    () => JSON.stringify({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'keep' } }),
    () => 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n',
    () => Buffer.from([0xff, 0xfe, 0x00, 0x01]),
    () => Buffer.alloc(3 * 1024 * 1024 + 10, 'a'),
    () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: JSON.parse('{"a":' + '['.repeat(200) + ']'.repeat(200) + '}') as unknown }),
  ]
  return pick(bodies)()
}

test('thousands of bad requests: every answer is a 4xx Status, nothing stored changes', async () => {
  const cm = await c.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: '1' } })
  assert.equal(cm.status, 201)
  const sts = await c.request('POST', '/apis/apps/v1/namespaces/default/statefulsets', {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'keep' },
    spec: { serviceName: 'keep', replicas: 1, selector: { matchLabels: { app: 'keep' } }, template: { metadata: { labels: { app: 'keep' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  })
  assert.equal(sts.status, 201)
  // What a client wrote (controllers may legitimately update status meanwhile).
  const snapshot = async (): Promise<string> => {
    const strip = (o: { metadata: Record<string, unknown>; status?: unknown }): unknown => {
      const { managedFields: _m, resourceVersion: _r, ...meta } = o.metadata
      return { ...o, metadata: meta, status: undefined }
    }
    const a = await c.request('GET', '/api/v1/namespaces/default/configmaps/keep')
    const b = await c.request('GET', '/apis/apps/v1/namespaces/default/statefulsets/keep')
    return JSON.stringify([strip(a.body as never), strip(b.body as never)])
  }
  const before = await snapshot()
  const r = rng(Number(process.env['FUZZ_SEED'] ?? 42))
  const methods = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'OPTIONS', 'HEAD']
  const n = Number(process.env['FUZZ_COUNT'] ?? 3000)
  for (let i = 0; i < n; i++) {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
    const method = pick(methods)
    let path = pick(PATHS) + pick(QUERIES)
    // DELETE and GET of the kept objects would legitimately change or read them; aim elsewhere.
    if (method === 'DELETE' || method === 'GET' || method === 'HEAD') path = path.replace('/keep', '/missing')
    // A DELETE on a collection is a legitimate deletecollection: aim it at one missing object.
    if (method === 'DELETE' && /\/(configmaps|statefulsets|pods|nodes)(\?|$)/.test(path)) path = path.replace(/\/(configmaps|statefulsets|pods|nodes)(\?|$)/, '/$1/missing$2')
    const ct = pick(CONTENT_TYPES)
    const body = method === 'GET' || method === 'HEAD' ? undefined : badBody(r)
    const res = await c.request(method, path, body, ct ? { 'Content-Type': ct } : {})
    const label = `#${i} ${method} ${path} (${ct}): ${res.status} ${res.text.slice(0, 200)}`
    assert.ok(res.status < 500, `server error: ${label}`)
    if (res.status >= 400 && method !== 'HEAD') {
      const status = res.body as { kind?: string; code?: number; reason?: string }
      assert.equal(status.kind, 'Status', label)
      assert.equal(status.code, res.status, label)
      assert.ok(status.reason, label)
    }
    // Only patches that happen to be valid may change things; those are not generated for the kept objects.
    // (/status and /scale ignore the fields these bodies carry, so there a no-op success is fine.)
    if (res.status < 300 && method !== 'GET' && method !== 'HEAD' && /\/keep(\?|$)/.test(path) && !path.includes('dryRun')) {
      assert.fail(`a bad request succeeded: ${label}`)
    }
  }
  assert.equal(await snapshot(), before)
  const ready = await c.request('GET', '/readyz')
  assert.equal(ready.status, 200)
})
