import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { openStore } from './open-store.js'
import { MemoryStore } from './memory/memory-store.js'
import { SqliteStore } from './sqlite/sqlite-store.js'

void test('openStore() opens memory:// as a MemoryStore', async () => {
  const s = await openStore('memory://')
  assert.ok(s instanceof MemoryStore)
  await s.close()
})

void test('openStore() opens sqlite:// with absolute and relative paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-open-'))
  try {
    const abs = join(dir, 'abs', 'state.db')
    const s1 = await openStore(`sqlite://${abs}`)
    assert.ok(s1 instanceof SqliteStore)
    await s1.close()
    assert.ok(existsSync(abs))
    const rel = relative(process.cwd(), join(dir, 'rel.db'))
    const s2 = await openStore(`sqlite://${rel}`)
    await s2.close()
    assert.ok(existsSync(join(dir, 'rel.db')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

void test('openStore() refuses etcd:// (not yet), unknown schemes and a missing path', async () => {
  await assert.rejects(openStore('etcd://127.0.0.1:2379'), /etcd store: not yet implemented \(see roadmap\)/)
  await assert.rejects(openStore('postgres://db'), /unsupported/)
  await assert.rejects(openStore('/var/lib/state.db'), /unsupported/)
  await assert.rejects(openStore('sqlite://'), /missing the database path/)
})
