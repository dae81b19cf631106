import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { SqliteStore } from './sqlite-store.js'

const child = fileURLToPath(new URL('./durability-child.js', import.meta.url))

/**
 * Runs the child writer against `path`, kills it with SIGKILL ~1 s after its first
 * acknowledged write, and returns every `key → revision` it acknowledged.
 */
async function writeUntilKilled(path: string, run: number): Promise<Map<string, number>> {
  const proc = spawn(process.execPath, [child, path, String(run)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const acked = new Map<string, number>()
  let partial = ''
  let timer: NodeJS.Timeout | undefined
  proc.stdout.setEncoding('utf8')
  proc.stdout.on('data', (chunk: string) => {
    timer ??= setTimeout(() => proc.kill('SIGKILL'), 1000)
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? '' // a line cut by the kill was never fully acknowledged
    for (const line of lines) {
      const [key, rev] = line.split(' ')
      if (key && rev) acked.set(key, Number(rev))
    }
  })
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    proc.on('close', (c, s) => resolve([c, s])),
  )
  clearTimeout(timer)
  assert.equal(signal, 'SIGKILL', `child exited on its own (code ${code})`)
  return acked
}

void test('SqliteStore: every acknowledged create survives kill -9, three times over', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-durability-'))
  const path = join(dir, 'state.db')
  try {
    let total = 0
    for (let run = 1; run <= 3; run++) {
      const acked = await writeUntilKilled(path, run)
      assert.ok(acked.size > 100, `run ${run}: only ${acked.size} writes acknowledged`)
      total += acked.size
      t.diagnostic(`run ${run}: ${acked.size} creates acknowledged before kill -9`)

      const store = await SqliteStore.open(path)
      try {
        const stored = new Map((await store.list('/durability/')).entries.map((e) => [e.key, e.modRevision]))
        const missing = [...acked].filter(([key, rev]) => stored.get(key) !== rev)
        assert.deepEqual(missing.slice(0, 5), [], `run ${run}: ${missing.length} acknowledged writes lost`)
        assert.ok(stored.size >= total)
        assert.ok((await store.revision()) >= Math.max(...acked.values()))
      } finally {
        await store.close()
      }

      const db = new Database(path, { readonly: true })
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok')
      } finally {
        db.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
