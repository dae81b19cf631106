import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiServerThread } from './api-server-thread.js'
import { Client } from '../client/index.js'
import { getResource } from '../api/index.js'

test('the API server thread serves, reports its heap, refuses a taken port and a locked store with their causes, and stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-thread-'))
  const storeUrl = `sqlite://${join(dir, 'state.db')}`
  const server = await ApiServerThread.start({ storeUrl, port: 0, address: '127.0.0.1' })
  try {
    const client = new Client({ server: server.url })
    const ns = await client.get(getResource('', 'namespaces'), undefined, 'default')
    assert.equal(ns.metadata.name, 'default')
    client.close()
    assert.ok((await server.heapUsed()) > 0)
    const port = Number(new URL(server.url).port)
    await assert.rejects(ApiServerThread.start({ storeUrl: 'memory://', port, address: '127.0.0.1' }), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE')
    await assert.rejects(ApiServerThread.start({ storeUrl, port: 0, address: '127.0.0.1' }), /in use by another process/)
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
