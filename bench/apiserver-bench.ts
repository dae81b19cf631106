/**
 * API server benchmarks (issue 3): `up` → /readyz, create / get / list / watch fan-out
 * through HTTPS at 1/16/64 concurrent clients, and beside them a bare node:https server
 * returning the same bytes (the floor).
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { ApiServer } from '../src/apiserver/index.js'
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js'
import { Client } from '../src/client/index.js'
import { getResource } from '../src/api/index.js'
import { generatePki } from '../src/lib/pki.js'
import { median, round, runConcurrent } from './stats.js'
import type { RunStats } from './stats.js'

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../..')
const CONFIGMAPS = getResource('', 'configmaps')

export interface Row { name: string; concurrency: number | ''; opsPerSec: number | ''; p50Ms: number | ''; p99Ms: number | ''; note: string }

/** Time from spawning `kubeling up` to the first 200 from /readyz (fresh data dir each run). */
async function upToReady(runs: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-up-'))
    const t0 = performance.now()
    const child = spawn(process.execPath, [join(REPO, 'bin/kubeling'), 'up', '--data-dir', dir, '--port', '0', '--nodes', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const url = await new Promise<string>((res, rej) => {
      const check = (): void => {
        const m = /listening on (\S+)/.exec(out)
        if (m) res(m[1]!)
      }
      child.stdout.on('data', check)
      child.on('exit', () => rej(new Error(out)))
    })
    const client = new Client({ server: url })
    // Poll /readyz over TLS without verification cost dominating: use the CA-less raw path.
    for (;;) {
      try {
        const r = await fetchReadyz(url)
        if (r === 200) break
      } catch { /* not yet */ }
    }
    times.push(performance.now() - t0)
    client.close()
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
  return times
}

async function fetchReadyz(url: string): Promise<number> {
  const { request } = await import('node:https')
  return new Promise((res, rej) => {
    const req = request(new URL('/readyz', url), { rejectUnauthorized: false }, (r) => { r.resume(); res(r.statusCode ?? 0) })
    req.on('error', rej)
    req.end()
  })
}

export async function benchApiServer(opts: { objects: number; quick: boolean }): Promise<{ rows: Row[]; extra: Record<string, number> }> {
  const rows: Row[] = []
  const extra: Record<string, number> = {}
  const ups = await upToReady(opts.quick ? 3 : 5)
  extra['upToReadyzMedianMs'] = round(median(ups))
  rows.push({ name: 'up → /readyz (median)', concurrency: '', opsPerSec: '', p50Ms: round(median(ups)), p99Ms: '', note: `${ups.length} runs, target < 1000 ms` })

  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'))
  const pki = await generatePki({ dns: ['localhost'], ips: ['127.0.0.1'] })
  const store = await SqliteStore.open(join(dir, 'state.db'))
  const server = new ApiServer({ store, tls: { cert: pki.serverCert, key: pki.serverKey }, token: 'bench' })
  const url = await server.start(0)
  const client = new Client({ server: url, token: 'bench', ca: pki.caCert, maxSockets: 64 })
  const heapBefore = process.memoryUsage().heapUsed

  // Creates: durable writes through the full API path.
  let created = 0
  for (const conc of [1, 16, 64]) {
    const n = conc === 1 ? Math.min(500, opts.objects) : Math.floor(opts.objects / 2)
    const base = created
    const s = await runConcurrent(n, conc, (i) => client.create(CONFIGMAPS, 'default', { metadata: { name: `cm-${base + i}`, labels: { bench: 'yes', n: String((base + i) % 10) } }, data: { payload: 'x'.repeat(200) } }))
    created += n
    rows.push(row('create configmap', conc, s, 'sqlite, synchronous=FULL'))
  }
  extra['objects'] = created
  global.gc?.()
  extra['heapBytesPerObject'] = Math.round((process.memoryUsage().heapUsed - heapBefore) / created)

  // GET one object, and the floor: a bare https server returning the same bytes.
  const sample = await client.raw('GET', '/api/v1/namespaces/default/configmaps/cm-1')
  const floor = createServer({ cert: pki.serverCert, key: pki.serverKey }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': sample.body.length })
    res.end(sample.body)
  })
  await new Promise<void>((r) => floor.listen(0, '127.0.0.1', () => r()))
  const floorUrl = `https://127.0.0.1:${(floor.address() as AddressInfo).port}`
  const floorClient = new Client({ server: floorUrl, token: 'bench', ca: pki.caCert, maxSockets: 64 })
  const getN = opts.quick ? 2000 : 10000
  for (const conc of [1, 16, 64]) {
    const g = await runConcurrent(getN, conc, (i) => client.raw('GET', `/api/v1/namespaces/default/configmaps/cm-${i % created}`))
    const f = await runConcurrent(getN, conc, () => floorClient.raw('GET', '/x'))
    rows.push(row('get configmap', conc, g, `p99 ${round(g.p99Ms / Math.max(f.p99Ms, 0.001), 2)}× floor`))
    rows.push(row('  floor: bare node:https', conc, f, 'same bytes'))
    extra[`getP99OverFloor_c${conc}`] = round(g.p99Ms / Math.max(f.p99Ms, 0.001), 2)
  }

  // LIST all objects, paginated 500 at a time (what kubectl and informers do).
  for (const conc of [1, 16]) {
    const n = conc === 1 ? 5 : 16
    const s = await runConcurrent(n, conc, async () => {
      let cont: string | undefined
      let count = 0
      do {
        const page = await client.list(CONFIGMAPS, 'default', { limit: 500, ...(cont ? { continue: cont } : {}) })
        count += page.items.length
        cont = page.metadata.continue
      } while (cont)
      if (count < created) throw new Error(`list returned ${count} of ${created}`)
    })
    rows.push(row(`list ${created} (limit 500)`, conc, s, 'full paginated list'))
  }

  // Watch fan-out: 100 watchers, each must see every one of M updates.
  const watchers = 100
  const updates = opts.quick ? 100 : 300
  const ac = new AbortController()
  const rv = (await client.list(CONFIGMAPS, 'default', { limit: 1 })).metadata.resourceVersion ?? '0'
  let seen = 0
  const done = new Promise<void>((resolveAll) => {
    for (let w = 0; w < watchers; w++) {
      const watchClient = new Client({ server: url, token: 'bench', ca: pki.caCert, maxSockets: 2 })
      void (async () => {
        let mine = 0
        for await (const ev of watchClient.watch(CONFIGMAPS, 'default', { resourceVersion: rv, labelSelector: 'fanout=yes' }, ac.signal)) {
          void ev
          mine++
          seen++
          if (seen === watchers * updates) resolveAll()
          if (mine === updates) break
        }
        watchClient.close()
      })()
    }
  })
  await new Promise((r) => setTimeout(r, 300))
  const t0 = performance.now()
  await runConcurrent(updates, 16, (i) => client.create(CONFIGMAPS, 'default', { metadata: { name: `fan-${i}`, labels: { fanout: 'yes' } }, data: { a: 'b' } }))
  await done
  const secs = (performance.now() - t0) / 1000
  rows.push({ name: `watch fan-out (${watchers} watchers)`, concurrency: watchers, opsPerSec: Math.round((watchers * updates) / secs), p50Ms: '', p99Ms: '', note: `${updates} events each, events delivered/s` })
  ac.abort()

  client.close()
  floorClient.close()
  floor.close()
  await server.stop()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
  return { rows, extra }
}

function row(name: string, concurrency: number, s: RunStats, note: string): Row {
  return { name, concurrency, opsPerSec: s.opsPerSec, p50Ms: s.p50Ms, p99Ms: s.p99Ms, note }
}
