/** Latency statistics for benchmarks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export interface RunStats {
  ops: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
}

/** Runs `op(i)` `total` times with `concurrency` in flight; returns throughput and latency. */
export async function runConcurrent(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<RunStats> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++
      if (i >= total) return
      const t0 = performance.now()
      await op(i)
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const secs = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { ops: total, opsPerSec: Math.round(total / secs), p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)) }
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.floor(s.length / 2)]! : 0
}
