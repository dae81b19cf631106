import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Store } from '../src/storage/store.js'
import { openStore } from '../src/storage/open-store.js'

export interface StoreBenchOptions {
  /** creates in total; @default 10000 */
  n?: number
  /** writers issuing creates at the same time; @default 16 */
  concurrency?: number
  /** bytes per value (a small object is ~1 KiB of JSON); @default 1024 */
  valueBytes?: number
}

export interface StoreBenchResult {
  createsPerSec: number
  p50Ms: number
  p99Ms: number
}

/**
 * Issues `n` creates of distinct keys from `concurrency` writers, each waiting for its
 * previous create to be acknowledged, and reports throughput and per-create latency.
 * Mutates `store` (keys under `/bench/`).
 */
export async function benchStore(store: Store, opts: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const { n = 10_000, concurrency = 16, valueBytes = 1024 } = opts
  const value = new Uint8Array(valueBytes).fill(120)
  const latencies: number[] = []
  const run = Date.now().toString(36)
  let next = 0
  const writer = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      const t0 = performance.now()
      await store.create(`/bench/${run}/${i}`, value)
      latencies.push(performance.now() - t0)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, writer))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const pct = (p: number): number => round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0)
  return { createsPerSec: Math.round(n / seconds), p50Ms: pct(0.5), p99Ms: pct(0.99) }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000

/** `node dist/bench/store-bench.js [N]`: SQLite (durable) at concurrency 1, 16 and 64, in a temp dir. */
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000)
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-bench-'))
  try {
    for (const concurrency of [1, 16, 64]) {
      const store = await openStore(`sqlite://${join(dir, `c${concurrency}.db`)}`)
      const result = await benchStore(store, { n, concurrency })
      await store.close()
      console.log(JSON.stringify({ store: 'sqlite', n, concurrency, ...result }))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
