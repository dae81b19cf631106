/**
 * API server benchmarks (issue 3): `up` → /readyz, create / get / list / watch fan-out
 * through HTTPS at 1/16/64 concurrent clients, and beside them a bare node:https server
 * returning the same bytes (the floor).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { Client } from '../src/client/index.js'
import { getResource } from '../src/api/index.js'
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

  // The server under test runs in its own process, as it would for real clients.
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'))
  const { url, child } = await spawnKubeling(['server', '--data-dir', dir, '--port', '0'])
  const token = readFileSync(join(dir, 'token'), 'utf8').trim()
  const ca = readFileSync(join(dir, 'pki/ca.crt'), 'utf8')
  const client = new Client({ server: url, token, ca, maxSockets: 64 })
  const rssBefore = await serverRss(child.pid)

  // Creates: durable writes through the full API path.
  let created = 0
  for (const conc of [1, 16, 64]) {
    const n = conc === 1 ? Math.min(500, opts.objects) : Math.floor(opts.objects / 2)
    const base = created
    const s = await runConcurrent(n, conc, (i) => client.create(CONFIGMAPS, 'default', { metadata: { name: `cm-${base + i}`, labels: { bench: 'yes', n: String((base + i) % 10) } }, data: { payload: 'x'.repeat(200) } }))
    created += n
    rows.push(row('create configmap', conc, s, 'sqlite, WAL fdatasync per batch'))
  }
  extra['objects'] = created
  extra['serverRssBytesPerObject'] = Math.round(((await serverRss(child.pid)) - rssBefore) / created)

  // GET one object, and the floor: a bare https server returning the same bytes.
  const sample = await client.raw('GET', '/api/v1/namespaces/default/configmaps/cm-1')
  const floorChild = spawn(process.execPath, ['-e', FLOOR_SERVER, join(dir, 'pki/apiserver.crt'), join(dir, 'pki/apiserver.key'), sample.body.toString('base64')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const floorUrl = await new Promise<string>((res) => floorChild.stdout.once('data', (d: Buffer) => res(d.toString().trim())))
  const floorClient = new Client({ server: floorUrl, token, ca, maxSockets: 64 })
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
      const watchClient = new Client({ server: url, token, ca, maxSockets: 2 })
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
  floorChild.kill()
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
  return { rows, extra }
}

/** A bare node:https server answering every request with the same bytes: the floor. */
const FLOOR_SERVER = `
const { createServer } = require('node:https'); const fs = require('node:fs')
const [cert, key, b64] = process.argv.slice(1); const body = Buffer.from(b64, 'base64')
const s = createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }); res.end(body) })
s.keepAliveTimeout = 65000
s.listen(0, '127.0.0.1', () => console.log('https://127.0.0.1:' + s.address().port))`

async function spawnKubeling(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/kubeling'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const url = await new Promise<string>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m && out.includes('export KUBECONFIG')) res(m[1]!)
    })
    child.on('exit', () => rej(new Error(out)))
  })
  return { url, child }
}

async function serverRss(pid: number | undefined): Promise<number> {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
}

function row(name: string, concurrency: number, s: RunStats, note: string): Row {
  return { name, concurrency, opsPerSec: s.opsPerSec, p50Ms: s.p50Ms, p99Ms: s.p99Ms, note }
}
