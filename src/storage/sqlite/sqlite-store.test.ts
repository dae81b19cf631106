import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { runStoreContract } from '../contract.js'
import { isStoreError } from '../store.js'
import { SqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'kubeling-sqlite-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
let n = 0
const freshPath = (): string => join(dir, `store-${++n}.db`)
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

runStoreContract('SqliteStore', () => SqliteStore.open(freshPath()))

void test('SqliteStore: reopening resumes the revision counter, values and history', async () => {
  const path = freshPath()
  const s1 = await SqliteStore.open(path)
  const a = await s1.create('/a', bytes('1'))
  await s1.update('/a', bytes('2'), a.modRevision)
  await s1.create('/b', bytes('1'))
  const last = await s1.delete('/b')
  await s1.close()

  const s2 = await SqliteStore.open(path)
  try {
    assert.equal(await s2.revision(), last.modRevision)
    assert.equal(new TextDecoder().decode((await s2.get('/a'))?.value), '2')
    const next = await s2.create('/c', bytes('1'))
    assert.equal(next.modRevision, last.modRevision + 1)
    const past = await s2.list('', { revision: a.modRevision })
    assert.deepEqual(past.entries.map((e) => e.key), ['/a'])
  } finally {
    await s2.close()
  }
})

void test('SqliteStore: reopening keeps the compacted revision, and never reuses compacted revisions', async () => {
  const path = freshPath()
  const s1 = await SqliteStore.open(path)
  await s1.create('/a', bytes('1'))
  const del = await s1.delete('/a') // the newest row is a tombstone, which compaction removes
  await s1.compact(del.modRevision)
  await s1.close()

  const s2 = await SqliteStore.open(path)
  try {
    assert.equal(await s2.compactedRevision(), del.modRevision)
    assert.equal(await s2.revision(), del.modRevision)
    const again = await s2.create('/a', bytes('2'))
    assert.equal(again.modRevision, del.modRevision + 1)
    await assert.rejects(s2.list('', { revision: del.modRevision - 1 }), (e) => isStoreError(e, 'Compacted'))
  } finally {
    await s2.close()
  }
})

void test('SqliteStore: a second open of the same file is refused while the first is open', async () => {
  const path = freshPath()
  const s1 = await SqliteStore.open(path)
  try {
    await assert.rejects(SqliteStore.open(path, { busyTimeoutMs: 50 }), /in use by another process/)
  } finally {
    await s1.close()
  }
  const s2 = await SqliteStore.open(path) // released on close
  await s2.close()
})

void test('SqliteStore: compaction in several chunks leaves only the live rows on disk', async () => {
  const path = freshPath()
  const s = await SqliteStore.open(path, { compactChunk: 3 })
  let e = await s.create('/a', bytes('0'))
  for (let i = 1; i <= 10; i++) e = await s.update('/a', bytes(String(i)), e.modRevision)
  await s.create('/b', bytes('x'))
  await s.delete('/b')
  const rev = await s.revision()
  await Promise.all([s.compact(rev - 5), s.compact(rev)]) // concurrent calls run one after the other
  assert.equal(await s.compactedRevision(), rev)
  assert.deepEqual((await s.list('')).entries.map((x) => [x.key, new TextDecoder().decode(x.value)]), [['/a', '10']])
  await s.close()

  const db = new Database(path, { readonly: true })
  try {
    assert.deepEqual(db.prepare('SELECT name, id FROM kv').all(), [{ name: '/a', id: e.modRevision }])
  } finally {
    db.close()
  }
})
