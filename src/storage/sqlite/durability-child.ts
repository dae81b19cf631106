/**
 * Child process of durability.test.ts: `node durability-child.js DBPATH RUN`.
 * Creates keys `/durability/RUN/W-I` with 16 concurrent writers, as fast as it can,
 * and prints `KEY REVISION` on stdout the moment each create is acknowledged; it runs
 * until killed. Whatever it printed, the parent expects to find in the database.
 */
import { writeSync } from 'node:fs'
import { SqliteStore } from './sqlite-store.js'

const [path, run] = process.argv.slice(2)
if (!path || !run) throw new Error('usage: durability-child DBPATH RUN')
const store = await SqliteStore.open(path)
const value = new TextEncoder().encode('x'.repeat(200))

async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const key = `/durability/${run}/${w}-${i}`
    const entry = await store.create(key, value)
    // a synchronous write: once it returns, the line is in the pipe even if we die next
    writeSync(1, `${key} ${entry.modRevision}\n`)
  }
}

await Promise.all(Array.from({ length: 16 }, (_, w) => writer(w)))
