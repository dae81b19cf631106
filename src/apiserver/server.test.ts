/**
 * The API server in-process over the memory store, through real HTTP: the resourceVersion,
 * watch, pagination, concurrency, finalizer and graceful-deletion rules.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from './server.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { getResource, isConflict, isNotFound } from '../api/index.js'
import type { KubeObject, WatchEvent } from '../api/index.js'

const CM = getResource('', 'configmaps')
const PODS = getResource('', 'pods')
const STS = getResource('apps', 'statefulsets')
let server: ApiServer
let client: Client

before(async () => {
  server = new ApiServer({ store: new MemoryStore() })
  client = new Client({ server: await server.start(0) })
})
after(async () => {
  client.close()
  await server.stop()
})

const cm = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels }, data: { a: '1' } })

test('create sets uid, creationTimestamp and a resourceVersion; get returns it', async () => {
  const created = await client.create(CM, 'default', cm('one'))
  assert.ok(created.metadata.uid)
  assert.ok(created.metadata.creationTimestamp)
  assert.match(created.metadata.resourceVersion ?? '', /^\d+$/)
  const got = await client.get(CM, 'default', 'one')
  assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion)
})

test('update with a stale resourceVersion is a 409 Conflict', async () => {
  const obj = await client.create(CM, 'default', cm('stale'))
  await client.update(CM, { ...obj, data: { a: '2' } })
  await assert.rejects(client.update(CM, { ...obj, data: { a: '3' } }), isConflict)
})

test('a patch pinning a stale resourceVersion is still a 409', async () => {
  const obj = await client.create(CM, 'default', cm('pinned'))
  await client.patch(CM, 'default', 'pinned', { data: { a: '2' } }, { type: 'merge' })
  await assert.rejects(client.patch(CM, 'default', 'pinned', { metadata: { resourceVersion: obj.metadata.resourceVersion }, data: { a: '3' } }, { type: 'merge' }), isConflict)
})

test('generateName appends five random characters', async () => {
  const obj = await client.create(CM, 'default', { metadata: { generateName: 'gen-' } })
  assert.match(obj.metadata.name ?? '', /^gen-[a-z0-9]{5}$/)
})

test('creating in a missing namespace is a 404 naming the namespace', async () => {
  await assert.rejects(client.create(CM, 'nowhere', cm('x')), (e: unknown) => isNotFound(e) && /namespaces "nowhere" not found/.test((e as Error).message))
})

test('list pages with limit/continue and filters by label', async () => {
  for (let i = 0; i < 7; i++) await client.create(CM, 'default', cm(`page-${i}`, { page: 'yes', odd: String(i % 2) }))
  const names: string[] = []
  let cont: string | undefined
  let pages = 0
  do {
    const page = await client.list(CM, 'default', { labelSelector: 'page=yes', limit: 3, ...(cont ? { continue: cont } : {}) })
    names.push(...page.items.map((o) => o.metadata.name ?? ''))
    cont = page.metadata.continue
    pages++
  } while (cont)
  assert.equal(pages, 3)
  assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6'])
  const odd = await client.list(CM, 'default', { labelSelector: 'page=yes,odd=1' })
  assert.equal(odd.items.length, 3)
})

test('watch from a resourceVersion replays later changes in order, then streams live ones', async () => {
  const start = await client.create(CM, 'default', cm('w0', { w: 'yes' }))
  await client.create(CM, 'default', cm('w1', { w: 'yes' }))
  const ac = new AbortController()
  const seen: string[] = []
  const done = (async () => {
    for await (const ev of client.watch(CM, 'default', { resourceVersion: start.metadata.resourceVersion ?? '', labelSelector: 'w=yes' }, ac.signal)) {
      seen.push(`${ev.type} ${ev.object.metadata.name ?? ''}`)
      if (seen.length === 3) break
    }
  })()
  await new Promise((r) => setTimeout(r, 50))
  await client.delete(CM, 'default', 'w0')
  await client.create(CM, 'default', cm('w2', { other: 'label' }))
  await client.patch(CM, 'default', 'w1', { metadata: { labels: { w: 'no' } } })
  await done
  ac.abort()
  assert.deepEqual(seen, ['ADDED w1', 'DELETED w0', 'DELETED w1'], 'an object that stops matching is DELETED for this watcher')
})

test('watch with sendInitialEvents sends state then an initial-events-end bookmark', async () => {
  const res = await client.raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=page%3Dyes')
  const events = res.body.toString().trim().split('\n').map((l) => JSON.parse(l) as WatchEvent)
  assert.equal(events.filter((e) => e.type === 'ADDED').length, 7)
  const last = events[events.length - 1]!
  assert.equal(last.type, 'BOOKMARK')
  assert.equal(last.object.metadata.annotations?.['k8s.io/initial-events-end'], 'true')
})

test('finalizers hold a deleted object until the last one is removed', async () => {
  await client.create(CM, 'default', { metadata: { name: 'fin', finalizers: ['example.com/hold'] } })
  await client.delete(CM, 'default', 'fin')
  const held = await client.get(CM, 'default', 'fin')
  assert.ok(held.metadata.deletionTimestamp)
  await client.patch(CM, 'default', 'fin', { metadata: { finalizers: null } })
  await assert.rejects(client.get(CM, 'default', 'fin'), isNotFound)
})

test('a scheduled pod is deleted gracefully; gracePeriodSeconds=0 removes it', async () => {
  await client.create(PODS, 'default', { metadata: { name: 'p' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } })
  const deleting = await client.delete(PODS, 'default', 'p')
  assert.ok(deleting.metadata.deletionTimestamp)
  assert.equal(deleting.metadata.deletionGracePeriodSeconds, 30)
  await client.delete(PODS, 'default', 'p', { gracePeriodSeconds: 0 })
  await assert.rejects(client.get(PODS, 'default', 'p'), isNotFound)
})

test('spec changes bump generation; status writes do not', async () => {
  const sts = await client.create(STS, 'default', {
    metadata: { name: 'gen' },
    spec: { replicas: 1, serviceName: 'gen', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    status: { replicas: 99 },
  })
  assert.equal(sts.metadata.generation, 1)
  assert.deepEqual(sts['status'], {}, 'create clears status')
  const scaled = await client.patch(STS, 'default', 'gen', { spec: { replicas: 2 } })
  assert.equal(scaled.metadata.generation, 2)
  const withStatus = await client.patch(STS, 'default', 'gen', { status: { replicas: 2, observedGeneration: 2 } }, { subresource: 'status' })
  assert.equal(withStatus.metadata.generation, 2)
  assert.equal((withStatus['status'] as { replicas: number }).replicas, 2)
  const ignored = await client.patch(STS, 'default', 'gen', { status: { replicas: 5 } })
  assert.equal((ignored['status'] as { replicas: number }).replicas, 2, 'main resource ignores status')
})

test('after compaction an old continue token is 410 Expired', async () => {
  const first = await client.list(CM, 'default', { limit: 2 })
  assert.ok(first.metadata.continue)
  await client.create(CM, 'default', cm('after-token'))
  await server.compactor.round()
  await server.compactor.round() // compacts to the revision seen by the first round
  await assert.rejects(client.list(CM, 'default', { limit: 2, continue: first.metadata.continue }), (e: unknown) => (e as { code?: number }).code === 410)
})

test('a watch from before the cache window gets an ERROR event with 410', async () => {
  const small = new ApiServer({ store: new MemoryStore() })
  ;(small.cache as unknown as { windowSize: number }).windowSize = 3
  const c2 = new Client({ server: await small.start(0) })
  for (let i = 0; i < 6; i++) await c2.create(CM, 'default', cm(`win-${i}`))
  const res = await c2.raw('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1')
  const ev = JSON.parse(res.body.toString().trim()) as { type: string; object: { code: number; reason: string } }
  assert.equal(ev.type, 'ERROR')
  assert.equal(ev.object.code, 410)
  assert.equal(ev.object.reason, 'Expired')
  c2.close()
  await small.stop()
})

test('bad input gets the upstream reason and code', async () => {
  const post = (path: string, body: string | Buffer, type = 'application/json') => client.raw('POST', path, body, { 'Content-Type': type })
  const status = (r: { status: number; body: Buffer }) => ({ code: r.status, reason: (JSON.parse(r.body.toString()) as { reason: string }).reason })
  const cms = '/api/v1/namespaces/default/configmaps'
  assert.deepEqual(status(await post(cms, '{')), { code: 400, reason: 'BadRequest' })
  assert.deepEqual(status(await post(cms, 'a: b', 'text/plain')), { code: 415, reason: 'UnsupportedMediaType' })
  assert.deepEqual(status(await post(cms, Buffer.alloc(3 * 1024 * 1024 + 1, 32))), { code: 413, reason: 'RequestEntityTooLarge' })
  assert.deepEqual(status(await post(cms, JSON.stringify({ metadata: { name: 'x'.repeat(254) } }))), { code: 422, reason: 'Invalid' })
  assert.deepEqual(status(await post(cms, JSON.stringify({ metadata: { name: 'ns', namespace: 'kube-system' } }))), { code: 400, reason: 'BadRequest' })
  assert.deepEqual(status(await post('/api/v1/namespaces/default/widgets', '{}')), { code: 404, reason: 'NotFound' })
  assert.deepEqual(status(await client.raw('PUT', cms, '{}', { 'Content-Type': 'application/json' })), { code: 405, reason: 'MethodNotAllowed' })
  assert.deepEqual(status(await client.raw('GET', `${cms}?labelSelector=a%20in%20(`)), { code: 400, reason: 'BadRequest' })
  assert.deepEqual(status(await client.raw('GET', `${cms}?fieldSelector=spec.bogus%3D1`)), { code: 400, reason: 'BadRequest' })
  assert.deepEqual(status(await client.raw('GET', `${cms}?resourceVersion=abc`)), { code: 400, reason: 'BadRequest' })
})

test('fieldValidation: Strict rejects, Warn warns, Ignore drops unknown fields', async () => {
  const body = JSON.stringify({ metadata: { name: 'fv' }, bogus: 1 })
  const cms = '/api/v1/namespaces/default/configmaps'
  const strict = await client.raw('POST', `${cms}?fieldValidation=Strict`, body, { 'Content-Type': 'application/json' })
  assert.equal(strict.status, 400)
  assert.match(strict.body.toString(), /strict decoding error: unknown field \\"bogus\\"/)
  const warn = await new Promise<{ status: number; warning: string | string[] | undefined }>((resolve, reject) => {
    void import('node:http').then(({ request }) => {
      const req = request(`${client.server.href.replace(/\/$/, '')}${cms}?fieldValidation=Warn&dryRun=All`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume()
        resolve({ status: res.statusCode ?? 0, warning: res.headers['warning'] })
      })
      req.on('error', reject)
      req.end(body)
    })
  })
  assert.equal(warn.status, 201)
  assert.match(String(warn.warning), /299 - "unknown field \\"bogus\\""/)
  const ignored = await client.raw('POST', `${cms}?fieldValidation=Ignore`, body, { 'Content-Type': 'application/json' })
  assert.equal(ignored.status, 201)
  assert.ok(!('bogus' in (JSON.parse(ignored.body.toString()) as object)), 'unknown fields are dropped, not stored')
})

test('a status merge patch (copy-on-write, checked against the stored pod) still rejects and prunes unknown fields in what it adds', async () => {
  await client.create(PODS, 'default', { metadata: { name: 'cow' }, spec: { containers: [{ name: 'c', image: 'x' }] } })
  const path = '/api/v1/namespaces/default/pods/cow/status'
  const headers = { 'Content-Type': 'application/merge-patch+json' }
  const strict = await client.raw('PATCH', `${path}?fieldValidation=Strict`, JSON.stringify({ status: { phase: 'Running', bogus: 1, conditions: [{ type: 'Ready', status: 'True', extra: 'x' }] } }), headers)
  assert.equal(strict.status, 400)
  assert.match(strict.body.toString(), /unknown field \\"status.bogus\\", unknown field \\"status.conditions\[0\].extra\\"/)
  const typed = await client.raw('PATCH', path, JSON.stringify({ status: { phase: 1 } }), headers)
  assert.equal(typed.status, 400)
  const ok = await client.raw('PATCH', path, JSON.stringify({ status: { phase: 'Running', bogus: 1 } }), headers)
  assert.equal(ok.status, 200)
  const stored = await client.get(PODS, 'default', 'cow')
  assert.equal((stored['status'] as { phase?: string }).phase, 'Running')
  assert.ok(!('bogus' in (stored['status'] as object)))
  assert.equal((stored['spec'] as { containers: Array<{ image: string }> }).containers[0]?.image, 'x')
})
