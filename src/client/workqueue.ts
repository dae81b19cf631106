/**
 * A work queue with client-go's guarantees:
 * - a key is processed by at most one worker at a time (the `processing` set);
 * - a key added while queued is not queued twice, and a key added while processing is
 *   queued again once `done` is called (the `dirty` set);
 * - `addAfter` delays, `addRateLimited` delays by per-key exponential backoff, `forget`
 *   resets that backoff.
 */
export interface RateLimiterOptions {
  /** first retry delay (default 5 ms) */
  baseDelayMs?: number
  /** cap (default 1000 s, as client-go) */
  maxDelayMs?: number
}

export class WorkQueue {
  #queue: string[] = []
  #dirty = new Set<string>()
  #processing = new Set<string>()
  #failures = new Map<string, number>()
  #waiters: Array<(key: string | undefined) => void> = []
  #timers = new Map<string, NodeJS.Timeout>()
  #shutdown = false
  readonly #base: number
  readonly #max: number

  constructor(opts: RateLimiterOptions = {}) {
    this.#base = opts.baseDelayMs ?? 5
    this.#max = opts.maxDelayMs ?? 1_000_000
  }

  add(key: string): void {
    if (this.#shutdown || this.#dirty.has(key)) return
    this.#dirty.add(key)
    if (this.#processing.has(key)) return
    const w = this.#waiters.shift()
    if (w) {
      this.#dirty.delete(key)
      this.#processing.add(key)
      w(key)
    } else this.#queue.push(key)
  }

  /** Adds the key after `ms`; an earlier pending delay for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (ms <= 0) return this.add(key)
    if (this.#timers.has(key)) return
    const t = setTimeout(() => {
      this.#timers.delete(key)
      this.add(key)
    }, ms)
    t.unref()
    this.#timers.set(key, t)
  }

  addRateLimited(key: string): void {
    const n = this.#failures.get(key) ?? 0
    this.#failures.set(key, n + 1)
    this.addAfter(key, Math.min(this.#base * 2 ** n, this.#max))
  }

  forget(key: string): void {
    this.#failures.delete(key)
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0
  }

  /** Next key to process, or undefined once shut down. Call `done(key)` after processing. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift()
    if (key !== undefined) {
      this.#dirty.delete(key)
      this.#processing.add(key)
      return Promise.resolve(key)
    }
    if (this.#shutdown) return Promise.resolve(undefined)
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  done(key: string): void {
    this.#processing.delete(key)
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key)
      this.add(key)
    }
  }

  get length(): number {
    return this.#queue.length
  }

  shutDown(): void {
    this.#shutdown = true
    for (const t of this.#timers.values()) clearTimeout(t)
    this.#timers.clear()
    for (const w of this.#waiters.splice(0)) w(undefined)
  }
}
