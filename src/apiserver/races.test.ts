/**
 * Lost write races: between the API server reading an object and its store write, another
 * writer commits. A store wrapper makes that happen on demand, so the retry rules are tested
 * deterministically (over real HTTP) rather than by hoping for a race.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from './server.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { getResource, isConflict } from '../api/index.js'
import type { Entry } from '../storage/index.js'
import { objectKey } from './codec.js'

const CM = getResource('', 'configmaps')

/** A store whose next `update` of an armed key is preceded by a competing write of the same value. */
class RacingStore extends MemoryStore {
  armed = new Set<string>()
  override async update(key: string, value: Uint8Array, expectedRevision: number): Promise<Entry> {
    if (this.armed.delete(key)) {
      const current = await this.get(key)
      if (current) await super.update(key, current.value, current.modRevision)
    }
    return super.update(key, value, expectedRevision)
  }
}

const store = new RacingStore()
let server: ApiServer
let client: Client

before(async () => {
  server = new ApiServer({ store })
  client = new Client({ server: await server.start(0) })
})
after(async () => {
  client.close()
  await server.stop()
})

test('a patch without a resourceVersion that loses a race is retried against the newer object', async () => {
  await client.create(CM, 'default', { metadata: { name: 'raced-patch' }, data: { a: '1' } })
  store.armed.add(objectKey(CM, 'default', 'raced-patch'))
  const patched = await client.patch(CM, 'default', 'raced-patch', { data: { b: '2' } }, { type: 'merge' })
  assert.deepEqual(patched.data, { a: '1', b: '2' })
  assert.equal(store.armed.size, 0, 'the race happened')
})

test('an update without a resourceVersion that loses a race is retried', async () => {
  await client.create(CM, 'default', { metadata: { name: 'raced-put' }, data: { a: '1' } })
  store.armed.add(objectKey(CM, 'default', 'raced-put'))
  const { resourceVersion: _rv, ...meta } = (await client.get(CM, 'default', 'raced-put')).metadata
  const updated = await client.update(CM, { metadata: meta, data: { a: '2' } })
  assert.deepEqual(updated.data, { a: '2' })
})

test('a patch pinning the resourceVersion that loses a race is a 409', async () => {
  const obj = await client.create(CM, 'default', { metadata: { name: 'raced-pinned' }, data: { a: '1' } })
  store.armed.add(objectKey(CM, 'default', 'raced-pinned'))
  await assert.rejects(
    client.patch(CM, 'default', 'raced-pinned', { metadata: { resourceVersion: obj.metadata.resourceVersion }, data: { a: '3' } }, { type: 'merge' }),
    isConflict)
})
