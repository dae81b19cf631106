/** A write arriving this soon after a commit finished is treated as part of a burst. */
const LINGER_WINDOW_MS = 2

/** One write's outcome inside a batch: each write succeeds or fails on its own. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

/**
 * Group commit: writes submitted in the same event-loop turn are handed to `commit` as
 * one batch, so one durable transaction (one fsync) acknowledges all of them.
 *
 * `commit` runs synchronously (better-sqlite3 is synchronous). While it runs the event
 * loop is blocked, so writes issued "while a commit is in flight" simply queue up behind
 * it and become the next batch. `commit` returns one outcome per write, in order; if it
 * throws, the whole batch failed and every write in it is rejected with that error.
 */
export interface Durability {
  /** makes everything committed so far durable (an fdatasync off the event loop) */
  sync(): Promise<void>
  /** runs, in commit order, once a batch is durable and before its writes are acknowledged */
  settled(): void
}

export class GroupCommit<W, R> {
  #queue: Array<{ write: W; resolve: (r: R) => void; reject: (err: unknown) => void }> = []
  #timer: { cancel: () => void } | undefined
  #lastCommitEnd = 0
  #lastBatchSize = 0
  #acknowledged: Promise<void> = Promise.resolve()

  /**
   * @param maxBatch upper bound on writes per transaction, to bound event-loop stalls
   * @param durability when given, `commit` need not be durable by itself: each batch is
   *   acknowledged only after a `sync()` issued after it completed, batches in order, so the
   *   event loop goes on serving while the disk flushes
   */
  constructor(
    private readonly commit: (writes: W[]) => Array<Outcome<R>>,
    private readonly maxBatch = 1000,
    private readonly durability?: Durability,
  ) {}

  /** Resolves once every batch committed so far has been acknowledged. */
  acknowledged(): Promise<void> {
    return this.#acknowledged
  }

  submit(write: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject })
      // setImmediate rather than a microtask: it runs after every callback of this turn
      // (all ready I/O, all resolved awaits), so the batch collects everything issued now.
      // Under concurrent load (the last batch had company and ended moments ago) linger 1 ms
      // so writers whose requests are still being parsed join this batch: fewer fsyncs.
      // A lone sequential writer never waits.
      if (!this.#timer) {
        const busy = this.#lastBatchSize > 1 && performance.now() - this.#lastCommitEnd < LINGER_WINDOW_MS
        if (busy) {
          const t = setTimeout(() => this.flush(), 1)
          this.#timer = { cancel: () => clearTimeout(t) }
        } else {
          const i = setImmediate(() => this.flush())
          this.#timer = { cancel: () => clearImmediate(i) }
        }
      }
    })
  }

  /** Commits queued writes synchronously: one batch, or with `all` the whole queue (close). */
  flush(all = false): void {
    this.#timer?.cancel()
    this.#timer = undefined
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch)
      let outcomes: Array<Outcome<R>>
      try {
        outcomes = this.commit(batch.map((q) => q.write))
      } catch (err) {
        for (const q of batch) q.reject(err)
        continue
      }
      this.#lastCommitEnd = performance.now()
      this.#lastBatchSize = batch.length
      const settle = (): void => {
        this.durability?.settled()
        batch.forEach((q, i) => {
          const o = outcomes[i]
          if (o?.ok) q.resolve(o.value)
          else q.reject(o ? o.error : new Error('group commit: no outcome for write'))
        })
      }
      if (!this.durability) settle()
      else {
        const synced = this.durability.sync()
        // in commit order; a failed sync fails the batch (its writes may not be on disk)
        this.#acknowledged = Promise.all([this.#acknowledged, synced]).then(settle, (err: unknown) => {
          this.durability?.settled()
          for (const q of batch) q.reject(err)
        })
      }
      // a larger backlog continues on the next turn, letting reads and I/O interleave
      if (!all && this.#queue.length > 0) {
        const i = setImmediate(() => this.flush())
        this.#timer = { cancel: () => clearImmediate(i) }
        return
      }
    }
  }
}
