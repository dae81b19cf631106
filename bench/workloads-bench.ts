/**
 * Workload controllers at scale, in one process: the API server (memory store), the
 * controller manager, the scheduler and N simulated node agents sharing one informer set.
 *  1. a DaemonSet over N nodes until every daemon pod is Ready (default 5,000 nodes);
 *  2. a Parallel StatefulSet of R replicas until all are Ready (default 1,000).
 * Reports wall-clock times, the controllers' syncs and planning CPU per sync, and the
 * process CPU for each phase.
 *
 * `node dist/bench/workloads-bench.js` (BENCH_NODES, BENCH_REPLICAS override the sizes;
 * BENCH_QUICK=1 runs 200 nodes and 100 replicas).
 */
import { setMaxListeners } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ApiServer } from '../src/apiserver/index.js'
import { MemoryStore } from '../src/storage/memory/memory-store.js'
import { Client } from '../src/client/index.js'
import { getResource } from '../src/api/index.js'
import { ControllerManager, SharedInformers } from '../src/controllers/index.js'
import { startNodes } from '../src/cmd/start-nodes.js'
import { FakeCluster as DsCluster, baseDaemonSet, node } from '../src/controllers/daemonset/testing.js'
import { planDaemonSet } from '../src/controllers/daemonset/plan.js'
import { FakeCluster as StsCluster, baseSet } from '../src/controllers/statefulset/testing.js'
import { planStatefulSet } from '../src/controllers/statefulset/plan.js'

const DAEMONSETS = getResource('apps', 'daemonsets')
const STATEFULSETS = getResource('apps', 'statefulsets')
const NODES = getResource('', 'nodes')

export interface WorkloadsBenchOptions {
  /** simulated nodes; @default 5000 */
  nodes?: number
  /** StatefulSet replicas (Parallel); @default 1000 */
  replicas?: number
  /** give up on a phase after this long; @default 600000 */
  timeoutMs?: number
  log?: (line: string) => void
}

export interface PhaseResult {
  name: string
  ms: number
  syncs: number
  planMsPerSync: number
  processCpuMs: number
}

export interface WorkloadsBenchResult {
  nodes: number
  replicas: number
  nodesReadyMs: number
  phases: PhaseResult[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
    await sleep(100)
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

export async function benchWorkloads(opts: WorkloadsBenchOptions = {}): Promise<WorkloadsBenchResult> {
  const nodes = opts.nodes ?? 5000
  const replicas = opts.replicas ?? 1000
  const timeoutMs = opts.timeoutMs ?? 600_000
  const log = opts.log ?? (() => {})
  const server = new ApiServer({ store: new MemoryStore() })
  const url = await server.start(0)
  const client = new Client({ server: url, maxSockets: 256 })
  const informers = new SharedInformers(client)
  const manager = new ControllerManager({ client, informers })
  const ac = new AbortController()
  setMaxListeners(0, ac.signal) // every informer and worker listens on it, as in `kubeling up`
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-'))
  const phases: PhaseResult[] = []
  try {
    const t0 = performance.now()
    await startNodes({
      client, newClient: () => new Client({ server: url, maxSockets: 256 }), nodes, runtime: 'simulated', dataDir,
      signal: ac.signal, progress: log, informers,
    })
    await manager.start(ac.signal)
    await until(`${nodes} nodes registered`, timeoutMs, async () => (await client.list(NODES, undefined, { limit: 1 }).then((l) => l.metadata.remainingItemCount ?? 0)) + 1 >= nodes)
    const nodesReadyMs = performance.now() - t0
    log(`${nodes} nodes registered in ${Math.round(nodesReadyMs)} ms`)

    const measure = async (name: string, controller: { stats: { syncs: number; planMs: number } } | undefined, run: () => Promise<void>): Promise<void> => {
      const s0 = { ...(controller?.stats ?? { syncs: 0, planMs: 0 }) }
      const c0 = cpuMs()
      const t = performance.now()
      await run()
      const ms = performance.now() - t
      const syncs = (controller?.stats.syncs ?? 0) - s0.syncs
      const planMs = (controller?.stats.planMs ?? 0) - s0.planMs
      const r = { name, ms: Math.round(ms), syncs, planMsPerSync: syncs ? Number((planMs / syncs).toFixed(2)) : 0, processCpuMs: Math.round(cpuMs() - c0) }
      phases.push(r)
      log(`${name}: ${r.ms} ms, ${syncs} syncs, ${r.planMsPerSync} ms planning per sync, ${r.processCpuMs} ms process CPU`)
    }

    await measure(`DaemonSet on ${nodes} nodes → all Ready`, manager.daemonset, async () => {
      await client.create(DAEMONSETS, 'default', {
        metadata: { name: 'bench-ds' },
        spec: { selector: { matchLabels: { app: 'bench-ds' } }, template: { metadata: { labels: { app: 'bench-ds' } }, spec: { containers: [{ name: 'c', image: 'pause:3' }] } } },
      })
      await until('daemon pods ready', timeoutMs, async () => {
        const s = ((await client.get(DAEMONSETS, 'default', 'bench-ds'))['status'] ?? {}) as { numberReady?: number; desiredNumberScheduled?: number }
        return s.desiredNumberScheduled === nodes && s.numberReady === nodes
      })
    })

    await measure(`StatefulSet ${replicas} replicas (Parallel) → all Ready`, manager.statefulset, async () => {
      await client.create(STATEFULSETS, 'default', {
        metadata: { name: 'bench-sts' },
        spec: {
          replicas, serviceName: 'bench-sts', podManagementPolicy: 'Parallel', selector: { matchLabels: { app: 'bench-sts' } },
          template: { metadata: { labels: { app: 'bench-sts' } }, spec: { containers: [{ name: 'c', image: 'pause:3' }] } },
        },
      })
      await until('stateful pods ready', timeoutMs, async () => {
        const s = ((await client.get(STATEFULSETS, 'default', 'bench-sts'))['status'] ?? {}) as { readyReplicas?: number }
        return s.readyReplicas === replicas
      })
    })
    return { nodes, replicas, nodesReadyMs: Math.round(nodesReadyMs), phases }
  } finally {
    ac.abort()
    await manager.flushEvents().catch(() => undefined)
    client.close()
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * CPU of one reconcile's decision, without I/O: planDaemonSet over a settled `nodes`-node
 * DaemonSet and planStatefulSet over a settled `replicas`-pod Parallel set (mean of `runs`).
 */
export function benchPlanners(nodes = 5000, replicas = 1000, runs = 20): { daemonSetPlanMs: number; statefulSetPlanMs: number } {
  const ds = new DsCluster(baseDaemonSet(), Array.from({ length: nodes }, (_, i) => node(`node-${i + 1}`)))
  for (let i = 0; i < 30 && ds.step().length > 0; i++) ds.runPods()
  const sts = new StsCluster(baseSet((x) => { x.spec!.replicas = replicas; x.spec!.podManagementPolicy = 'Parallel' }))
  for (let i = 0; i < 5; i++) { sts.step(); sts.runPods() }
  const time = (f: () => void): number => {
    f()
    const t = performance.now()
    for (let i = 0; i < runs; i++) f()
    return Number(((performance.now() - t) / runs).toFixed(2))
  }
  return {
    daemonSetPlanMs: time(() => planDaemonSet(ds.view())),
    statefulSetPlanMs: time(() => planStatefulSet(sts.view())),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.env['BENCH_QUICK'] === '1'
  const num = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d)
  const nodes = num('BENCH_NODES', quick ? 200 : 5000)
  const replicas = num('BENCH_REPLICAS', quick ? 100 : 1000)
  const planners = benchPlanners(nodes, replicas)
  process.stdout.write(`planDaemonSet over ${nodes} settled nodes: ${planners.daemonSetPlanMs} ms; planStatefulSet over ${replicas} settled pods: ${planners.statefulSetPlanMs} ms\n`)
  benchWorkloads({ nodes, replicas, log: (l) => process.stdout.write(`${l}\n`) }).then((r) => {
    process.stdout.write(`${JSON.stringify({ ...r, planners })}\n`)
    process.exit(0)
  }).catch((e: unknown) => {
    process.stderr.write(`workloads bench failed: ${(e as Error).stack ?? String(e)}\n`)
    process.exit(1)
  })
}
