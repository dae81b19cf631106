/**
 * Nodes at scale (issue 4): one process with the API server, the scheduler, the node
 * lifecycle controller and N simulated nodes (default 5,000), then P bare pods (default
 * 150,000) created through the API by concurrent clients. Reports:
 *   - node registration time, heartbeat interval and lease renewals/s;
 *   - pod creates/s and create latency (p50/p99);
 *   - pods/s from the first create to the last pod Running (the headline figure);
 *   - API p99 during the run, from a probe issuing GET node + LIST pods?limit=1 every 50 ms;
 *   - peak RSS of the whole process.
 *
 * `node dist/bench/nodes-bench.js` — BENCH_NODES, BENCH_PODS, BENCH_STORE (sqlite|memory,
 * default sqlite), BENCH_CONCURRENCY (create clients, default 64), BENCH_APISERVER_THREAD=0 (the
 * API server in the main thread instead of its own worker thread, as `kubeling up` runs it); BENCH_QUICK=1 runs 200
 * nodes and 6,000 pods. Pods carry `kubeling.dev/start-delay: "0"` and a tagged image, so the
 * default stages start them at once and pull the image once per node (KWOK's default).
 */
import { setMaxListeners } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getHeapStatistics } from 'node:v8'
import type { EventLoopUtilization } from 'node:perf_hooks'
import { ApiServer } from '../src/apiserver/index.js'
import { MemoryStore } from '../src/storage/memory/memory-store.js'
import { openStore } from '../src/storage/open-store.js'
import type { Store } from '../src/storage/store.js'
import { Client } from '../src/client/index.js'
import { getResource } from '../src/api/index.js'
import type { KubeObject } from '../src/api/index.js'
import { SharedInformers } from '../src/controllers/index.js'
import { startNodeComponents } from '../src/cmd/start-nodes.js'
import { ApiServerThread } from '../src/cmd/api-server-thread.js'
import { percentile, round, runConcurrent } from './stats.js'

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')

export interface NodesBenchOptions {
  nodes?: number
  pods?: number
  store?: 'sqlite' | 'memory'
  concurrency?: number
  /** run the API server in its own worker thread, as `kubeling up` does (default true) */
  apiServerThread?: boolean
  timeoutMs?: number
  log?: (line: string) => void
}

export interface NodesBenchResult {
  nodes: number
  pods: number
  store: string
  apiServerThread: boolean
  nodesRegisteredMs: number
  heartbeatIntervalMs: number
  leaseRenewalsPerSec: number
  createsPerSec: number
  createP50Ms: number
  createP99Ms: number
  podsRunningPerSec: number
  allRunningMs: number
  apiProbeP50Ms: number
  apiProbeP99Ms: number
  peakRssMiB: number
  /** V8 heap in use when the last pod went Running, per thread (apiServerThread 0 when in-process) */
  heapMiB: { main: number; apiServerThread: number }
  /** event-loop busy time per pod from first create to last Running, per thread: the steadier figure to compare changes by */
  cpuMsPerPod: { main: number; apiServerThread: number }
  scheduler: { scheduled: number; bound: number; bindErrors: number; unschedulable: number }
  agent: { syncs: number; syncErrors: number; nodeStatusWrites: number; podStatusWrites: number }
  lifecycle: { markedUnknown: number; evictions: number }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: 'bench' }, annotations: { 'kubeling.dev/start-delay': '0' } },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  }
}

export async function benchNodes(opts: NodesBenchOptions = {}): Promise<NodesBenchResult> {
  const nodes = opts.nodes ?? 5000
  const pods = opts.pods ?? 150_000
  const storeKind = opts.store ?? 'sqlite'
  const timeoutMs = opts.timeoutMs ?? 1_800_000
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`))
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-nodes-bench-'))
  const storeUrl = storeKind === 'memory' ? 'memory://' : `sqlite://${join(dataDir, 'state.db')}`
  let stopServer: () => Promise<void>
  let serverHeapUsed: () => Promise<number> = () => Promise.resolve(0)
  let serverElu: ((since?: EventLoopUtilization) => EventLoopUtilization) | undefined
  let url: string
  const apiServerThread = opts.apiServerThread ?? true
  if (apiServerThread) {
    // As `kubeling up` runs it: same process, its own thread (and young generation).
    const thread = await ApiServerThread.start({ storeUrl, port: 0, address: '127.0.0.1' })
    url = thread.url
    serverHeapUsed = () => thread.heapUsed()
    serverElu = (since) => thread.eventLoopUtilization(since)
    stopServer = () => thread.stop()
  } else {
    const store: Store = storeKind === 'memory' ? new MemoryStore() : await openStore(storeUrl)
    const server = new ApiServer({ store })
    url = await server.start(0, '127.0.0.1')
    stopServer = async () => {
      await server.stop()
      await store.close()
    }
  }
  const ac = new AbortController()
  setMaxListeners(0, ac.signal) // every informer and worker listens on it, as in `kubeling up`
  let peakRss = 0
  const rssTimer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss) }, 500)
  try {
    const client = new Client({ server: url, maxSockets: 128 })
    const informers = new SharedInformers(client)
    const t0 = performance.now()
    const c = await startNodeComponents({
      client, newClient: () => new Client({ server: url, maxSockets: 256 }), nodes, runtime: 'simulated', dataDir,
      signal: ac.signal, progress: log, informers, kubeletEventQps: Number(process.env['BENCH_EVENT_QPS'] ?? 100), schedulerEventQps: Number(process.env['BENCH_EVENT_QPS'] ?? 100),
    })
    const nodesRegisteredMs = performance.now() - t0
    log(`${nodes} nodes registered in ${Math.round(nodesRegisteredMs)} ms (heartbeat interval ${c.fleet?.heartbeatIntervalMs ?? 0} ms)`)
    await informers.synced()
    const podInformer = informers.informer(PODS)
    let running = 0
    const isRunning = (o: KubeObject): boolean => (o['status'] as { phase?: string } | undefined)?.phase === 'Running'
    podInformer.on({
      add: (o) => { if (isRunning(o)) running++ },
      update: (old, o) => { if (isRunning(o) && !isRunning(old)) running++ },
    })

    // API probe: what an interactive client sees while the cluster churns.
    const probeLatencies: number[] = []
    let probing = true
    const probe = (async () => {
      const pc = new Client({ server: url })
      while (probing) {
        const a = performance.now()
        await pc.get(NODES, undefined, 'node-1')
        await pc.list(PODS, 'default', { limit: 1 })
        probeLatencies.push((performance.now() - a) / 2)
        await sleep(50)
      }
      pc.close()
    })()

    const leasesBefore = c.fleet?.stats.leaseRenewals ?? 0
    const tCreate = performance.now()
    const eluMain0 = performance.eventLoopUtilization()
    const eluServer0 = serverElu?.()
    const creator = new Client({ server: url, maxSockets: opts.concurrency ?? 64 })
    let lastLog = 0
    const created = runConcurrent(pods, opts.concurrency ?? 64, async (i) => {
      await creator.create(PODS, 'default', pod(i))
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now()
        log(`  created ${i}, running ${running}, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`)
      }
    })
    const createStats = await created
    log(`created ${pods} pods: ${createStats.opsPerSec}/s, p50 ${createStats.p50Ms} ms, p99 ${createStats.p99Ms} ms; running ${running}`)
    const deadline = performance.now() + timeoutMs
    while (running < pods) {
      if (performance.now() > deadline) throw new Error(`timed out: ${running}/${pods} pods Running`)
      await sleep(100)
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now()
        log(`  running ${running}/${pods}, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`)
      }
    }
    const allRunningMs = performance.now() - tCreate
    const busyMsPerPod = (elu: EventLoopUtilization): number => round(elu.active / pods, 3)
    const cpuMsPerPod = {
      main: busyMsPerPod(performance.eventLoopUtilization(eluMain0)),
      apiServerThread: serverElu && eluServer0 ? busyMsPerPod(serverElu(eluServer0)) : 0,
    }
    const heapMiB = {
      main: Math.round(getHeapStatistics().used_heap_size / 2 ** 20),
      apiServerThread: Math.round((await serverHeapUsed()) / 2 ** 20),
    }
    if (process.env['BENCH_HEAP']) {
      const { writeHeapSnapshot } = await import('node:v8')
      ;(globalThis as { gc?: () => void }).gc?.()
      log(`heap used after GC: ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`)
      if (process.env['BENCH_HEAP'] === 'snapshot') log(`heap snapshot: ${writeHeapSnapshot()}`)
    }
    probing = false
    await probe
    const leaseRenewalsPerSec = ((c.fleet?.stats.leaseRenewals ?? 0) - leasesBefore) / (allRunningMs / 1000)
    probeLatencies.sort((a, b) => a - b)
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    creator.close()
    const result: NodesBenchResult = {
      nodes, pods, store: storeKind, apiServerThread,
      nodesRegisteredMs: Math.round(nodesRegisteredMs),
      heartbeatIntervalMs: c.fleet?.heartbeatIntervalMs ?? 0,
      leaseRenewalsPerSec: round(leaseRenewalsPerSec, 1),
      createsPerSec: createStats.opsPerSec,
      createP50Ms: createStats.p50Ms,
      createP99Ms: createStats.p99Ms,
      podsRunningPerSec: Math.round(pods / (allRunningMs / 1000)),
      allRunningMs: Math.round(allRunningMs),
      apiProbeP50Ms: round(percentile(probeLatencies, 50)),
      apiProbeP99Ms: round(percentile(probeLatencies, 99)),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
      heapMiB,
      cpuMsPerPod,
      scheduler: { ...c.scheduler.stats },
      lifecycle: { markedUnknown: c.lifecycle.stats.markedUnknown, evictions: c.lifecycle.stats.evictions },
      agent: c.fleet ? { syncs: c.fleet.stats.syncs, syncErrors: c.fleet.stats.syncErrors, nodeStatusWrites: c.fleet.stats.nodeStatusWrites, podStatusWrites: c.fleet.stats.statusWrites } : { syncs: 0, syncErrors: 0, nodeStatusWrites: 0, podStatusWrites: 0 },
    }
    return result
  } finally {
    clearInterval(rssTimer)
    ac.abort()
    await stopServer()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.env['BENCH_QUICK'] === '1'
  const num = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d)
  benchNodes({
    nodes: num('BENCH_NODES', quick ? 200 : 5000),
    pods: num('BENCH_PODS', quick ? 6000 : 150_000),
    store: process.env['BENCH_STORE'] === 'memory' ? 'memory' : 'sqlite',
    concurrency: num('BENCH_CONCURRENCY', 64),
    apiServerThread: process.env['BENCH_APISERVER_THREAD'] !== '0',
  }).then((r) => {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n')
    process.exit(0)
  }).catch((e: unknown) => {
    process.stderr.write(`nodes bench failed: ${(e as Error).stack ?? String(e)}\n`)
    process.exit(1)
  })
}
