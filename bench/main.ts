/**
 * `npm run bench`: runs every benchmark, prints one table and writes bench-results.json.
 * `BENCH_QUICK=1` shortens the runs; `BENCH_ONLY=api,workloads,nodes` picks sections.
 */
import { writeFileSync } from 'node:fs'
import { benchApiServer } from './apiserver-bench.js'
import type { Row } from './apiserver-bench.js'
import { benchPlanners, benchWorkloads } from './workloads-bench.js'
import { benchNodes } from './nodes-bench.js'

const quick = process.env['BENCH_QUICK'] === '1'
const only = new Set((process.env['BENCH_ONLY'] ?? 'api,workloads,nodes').split(','))
const log = (line: string): void => { process.stderr.write(`  … ${line}\n`) }

async function main(): Promise<void> {
  const started = new Date().toISOString()
  const rows: Row[] = []
  const extra: Record<string, unknown> = {}
  if (only.has('api')) {
    const api = await benchApiServer({ objects: quick ? 2000 : 10000, quick })
    rows.push(...api.rows)
    extra['api'] = api.extra
  }
  if (only.has('workloads')) {
    const nodes = quick ? 200 : 5000
    const replicas = quick ? 100 : 1000
    const planners = benchPlanners(nodes, replicas)
    rows.push({ name: `planDaemonSet (${nodes} nodes)`, concurrency: '', opsPerSec: '', p50Ms: planners.daemonSetPlanMs, p99Ms: '', note: 'CPU per reconcile, settled' })
    rows.push({ name: `planStatefulSet (${replicas} pods)`, concurrency: '', opsPerSec: '', p50Ms: planners.statefulSetPlanMs, p99Ms: '', note: 'CPU per reconcile, settled' })
    const w = await benchWorkloads({ nodes, replicas, log })
    for (const p of w.phases) rows.push({ name: p.name, concurrency: '', opsPerSec: '', p50Ms: p.ms, p99Ms: '', note: `${p.syncs} syncs, ${p.planMsPerSync} ms plan/sync, ${Math.round(p.processCpuMs)} ms CPU` })
    extra['workloads'] = { ...w, planners }
  }
  if (only.has('nodes')) {
    const n = await benchNodes({ nodes: quick ? 200 : 5000, pods: quick ? 2000 : 150_000, log })
    rows.push({ name: `pods created → Running (${n.nodes} nodes)`, concurrency: '', opsPerSec: n.podsRunningPerSec, p50Ms: '', p99Ms: '', note: `${n.pods} pods, all Running in ${Math.round(n.allRunningMs / 1000)} s, target ≥ 1000/s` })
    rows.push({ name: 'API probe during the run', concurrency: '', opsPerSec: '', p50Ms: n.apiProbeP50Ms, p99Ms: n.apiProbeP99Ms, note: 'GET while pods start' })
    rows.push({ name: 'cluster peak RSS (MiB)', concurrency: '', opsPerSec: '', p50Ms: n.peakRssMiB, p99Ms: '', note: 'target < 4096' })
    rows.push({ name: 'busy ms per pod: CLI thread', concurrency: '', opsPerSec: '', p50Ms: n.cpuMsPerPod.main, p99Ms: '', note: 'controllers, scheduler, agents, bench clients' })
    rows.push({ name: 'busy ms per pod: API server thread', concurrency: '', opsPerSec: '', p50Ms: n.cpuMsPerPod.apiServerThread, p99Ms: '', note: 'the bottleneck: 1 / this = ceiling on pods/s' })
    extra['nodes'] = n
  }
  const widths = { name: 38, c: 6, ops: 10, p50: 10, p99: 9 }
  const line = (r: { name: string; concurrency: unknown; opsPerSec: unknown; p50Ms: unknown; p99Ms: unknown; note: string }): string =>
    `${String(r.name).padEnd(widths.name)} ${String(r.concurrency).padStart(widths.c)} ${String(r.opsPerSec).padStart(widths.ops)} ${String(r.p50Ms).padStart(widths.p50)} ${String(r.p99Ms).padStart(widths.p99)}  ${r.note}`
  process.stdout.write(line({ name: 'benchmark', concurrency: 'conc', opsPerSec: 'ops/s', p50Ms: 'p50/ms', p99Ms: 'p99 ms', note: 'note' }) + '\n')
  for (const r of rows) process.stdout.write(line(r) + '\n')
  const result = { started, node: process.version, quick, rows, extra }
  writeFileSync('bench-results.json', JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`)
  process.exit(1)
})
