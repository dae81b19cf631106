/**
 * `npm run bench`: runs every benchmark, prints one table and writes bench-results.json.
 * `BENCH_QUICK=1` shortens the runs (used by the test suite to keep the bench working).
 */
import { writeFileSync } from 'node:fs'
import { benchApiServer } from './apiserver-bench.js'
import type { Row } from './apiserver-bench.js'

async function main(): Promise<void> {
  const quick = process.env['BENCH_QUICK'] === '1'
  const started = new Date().toISOString()
  const api = await benchApiServer({ objects: quick ? 2000 : 10000, quick })
  const rows: Row[] = [...api.rows]
  const widths = { name: 34, c: 6, ops: 10, p50: 9, p99: 9 }
  const line = (r: Row): string => `${String(r.name).padEnd(widths.name)} ${String(r.concurrency).padStart(widths.c)} ${String(r.opsPerSec).padStart(widths.ops)} ${String(r.p50Ms).padStart(widths.p50)} ${String(r.p99Ms).padStart(widths.p99)}  ${r.note}`
  process.stdout.write(line({ name: 'benchmark', concurrency: 'conc' as unknown as number, opsPerSec: 'ops/s' as unknown as number, p50Ms: 'p50 ms' as unknown as number, p99Ms: 'p99 ms' as unknown as number, note: 'note' }) + '\n')
  for (const r of rows) process.stdout.write(line(r) + '\n')
  for (const [k, v] of Object.entries(api.extra)) process.stdout.write(`${k}: ${v}\n`)
  const result = { started, node: process.version, quick, rows, extra: api.extra }
  writeFileSync('bench-results.json', JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(0)
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`)
  process.exit(1)
})
