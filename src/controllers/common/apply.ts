/**
 * Running a plan's actions in order: consecutive actions carrying the same `batch` number
 * run concurrently, everything else one at a time. After the first failure only the
 * actions `isFinally` accepts still run (status, history trimming); a failure of an
 * action `isCritical` accepts skips those too. The first error is rethrown at the end.
 */
export interface RunOptions<A> {
  /** still run after a failure (default: none) */
  isFinally?: (a: A) => boolean
  /** a failure here skips even the finally actions (default: none) */
  isCritical?: (a: A) => boolean
}

export async function runActions<A>(actions: readonly A[], exec: (a: A) => Promise<void>, opts: RunOptions<A> = {}): Promise<void> {
  let failure: { error: unknown } | undefined
  let critical = false
  let i = 0
  while (i < actions.length) {
    const a = actions[i]!
    const batch = batchOf(a)
    let j = i + 1
    if (batch !== undefined) while (j < actions.length && batchOf(actions[j]!) === batch) j++
    const group = actions.slice(i, j)
    i = j
    const runnable = failure ? (critical ? [] : group.filter((x) => opts.isFinally?.(x) ?? false)) : group
    if (runnable.length === 0) continue
    const results = await Promise.allSettled(runnable.map((x) => exec(x)))
    results.forEach((r, k) => {
      if (r.status === 'rejected' && !failure) {
        failure = { error: r.reason }
        if (opts.isCritical?.(runnable[k]!)) critical = true
      }
    })
  }
  if (failure) throw failure.error
}

function batchOf(a: unknown): number | undefined {
  const b = (a as { batch?: unknown }).batch
  return typeof b === 'number' ? b : undefined
}
