/**
 * The shared reconcile runner: N workers pull keys from a WorkQueue and call `reconcile`.
 * The retry policy is four cases (controller-runtime's reconcileHandler):
 * - success with `requeueAfterMs` → forget backoff, re-add after the delay (a known wait);
 * - success → forget backoff;
 * - a terminal error (`Invalid`) → log, forget; retrying cannot help;
 * - any other error → re-add with per-key exponential backoff.
 */
import { isApiError } from '../../api/index.js'
import { WorkQueue } from '../../client/index.js'
import { logger } from '../../lib/log.js'

export interface ReconcileResult {
  requeueAfterMs?: number
}

export interface Reconciler {
  readonly name: string
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>
}

export interface RunnerOptions {
  workers?: number
  queue?: WorkQueue
}

export class Runner {
  readonly queue: WorkQueue
  readonly #log
  #running: Promise<void>[] = []

  constructor(private readonly reconciler: Reconciler, private readonly opts: RunnerOptions = {}) {
    this.queue = opts.queue ?? new WorkQueue()
    this.#log = logger(`controller/${reconciler.name}`)
  }

  enqueue(key: string): void {
    this.queue.add(key)
  }

  start(signal: AbortSignal): void {
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true })
    for (let i = 0; i < (this.opts.workers ?? 2); i++) this.#running.push(this.#worker(signal))
  }

  async #worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get()
      if (key === undefined || signal.aborted) return
      try {
        const result = await this.reconciler.reconcile(key, signal)
        this.queue.forget(key)
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs)
      } catch (e) {
        if (isApiError(e) && e.reason === 'Invalid') {
          this.#log.warn('terminal error; not retrying', { key, err: e })
          this.queue.forget(key)
        } else {
          this.#log.info('reconcile failed; backing off', { key, err: e, retries: this.queue.retries(key) })
          this.queue.addRateLimited(key)
        }
      } finally {
        this.queue.done(key)
      }
    }
  }

  async stopped(): Promise<void> {
    await Promise.all(this.#running)
  }
}
