import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from '../apiserver/index.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { getResource } from '../api/index.js'
import { Client } from './client.js'
import { Informer, stripManagedFields } from './informer.js'

const CM = getResource('', 'configmaps')
let server: ApiServer
let client: Client
const ac = new AbortController()

before(async () => {
  server = new ApiServer({ store: new MemoryStore() })
  client = new Client({ server: await server.start(0) })
})
after(async () => {
  ac.abort()
  client.close()
  await server.stop()
})

test('an informer with stripManagedFields caches listed and watched objects without managedFields', async () => {
  await client.create(CM, 'default', { metadata: { name: 'listed' }, data: { a: '1' } })
  const inf = new Informer(client, CM, { namespace: 'default', transform: stripManagedFields })
  const seen: string[] = []
  inf.on({ add: (o) => seen.push(o.metadata.name ?? '') })
  void inf.run(ac.signal)
  await inf.synced()
  await client.create(CM, 'default', { metadata: { name: 'watched' }, data: { a: '1' } })
  for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10))
  assert.deepEqual(seen, ['listed', 'watched'])
  for (const name of seen) {
    assert.equal(inf.get('default', name)?.metadata.managedFields, undefined)
    assert.deepEqual(inf.get('default', name)?.['data'], { a: '1' })
    assert.ok((await client.get(CM, 'default', name)).metadata.managedFields?.length, 'the server keeps them')
  }
})
