/**
 * The shape every planner returns (style.md §4.3): data, not effects.
 */
export interface Plan<A> {
  readonly actions: readonly A[]
  /** a known wait (minReadySeconds, backoff): requeue the key after this many ms */
  readonly requeueAfterMs?: number
  /**
   * The sync cannot complete (e.g. a claim is being deleted): the loop applies the actions,
   * then fails the key so the runner retries it with backoff.
   */
  readonly blocked?: string
}

/**
 * Slow-start batch numbers (1, 2, 4, … items per batch, capped at `max`) for `count` items:
 * item i goes into batch `batchOf[i]`. A failed batch stops the following ones (GEN-009).
 */
export function slowStartBatches(count: number, max: number, initial = 1): number[] {
  const out: number[] = []
  let size = Math.min(initial, max)
  let batch = 0
  while (out.length < count) {
    for (let i = 0; i < size && out.length < count; i++) out.push(batch)
    batch++
    size = Math.min(size * 2, max)
  }
  return out
}

/** The smaller of two optional delays. */
export function minDelay(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.min(a, b)
}
