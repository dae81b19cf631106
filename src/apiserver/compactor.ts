/**
 * Periodic compaction of store history, as upstream's apiserver does every 5 minutes: each
 * round compacts to the revision seen at the previous round, so history younger than one
 * interval is always kept for watches and paginated lists. Older continue tokens and
 * watches then get 410 Expired.
 */
import type { Store } from '../storage/index.js'
import { logger } from '../lib/log.js'

const log = logger('compactor')

export class Compactor {
  #timer: NodeJS.Timeout | undefined
  #lastSeen = 0

  constructor(private readonly store: Store, private readonly intervalMs = 5 * 60_000) {}

  start(): void {
    this.#timer = setInterval(() => void this.round(), this.intervalMs)
    this.#timer.unref()
  }

  /** One round: compact to what was current one interval ago, remember what is current now. */
  async round(): Promise<void> {
    try {
      const current = await this.store.revision()
      if (this.#lastSeen > 0) await this.store.compact(this.#lastSeen)
      this.#lastSeen = current
    } catch (e) {
      log.warn('compaction failed', { err: e })
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
  }
}
