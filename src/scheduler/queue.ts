/**
 * The scheduling queue, after upstream's PriorityQueue: an active queue ordered by priority
 * then arrival, a backoff area for pods that failed recently, and an unschedulable area whose
 * pods move back when the cluster changes (node added/updated, pod deleted) or after
 * `maxUnschedulableMs`.
 */
export interface QueueOptions {
  initialBackoffMs?: number // default 1 s
  maxBackoffMs?: number // default 10 s
  maxUnschedulableMs?: number // default 5 min
  now?: () => number
}

interface Entry {
  key: string
  priority: number
  seq: number
  attempts: number
}

export class SchedulingQueue {
  readonly #active: Entry[] = [] // binary heap
  readonly #inActive = new Set<string>()
  readonly #entries = new Map<string, Entry>()
  readonly #unschedulable = new Map<string, number>() // key → since
  readonly #backoff = new Map<string, NodeJS.Timeout>()
  #seq = 0
  #waiter: ((key: string | undefined) => void) | undefined
  #closed = false
  readonly #initial: number
  readonly #max: number
  readonly #maxUnsched: number
  readonly #now: () => number
  #flushTimer: NodeJS.Timeout

  constructor(opts: QueueOptions = {}) {
    this.#initial = opts.initialBackoffMs ?? 1000
    this.#max = opts.maxBackoffMs ?? 10_000
    this.#maxUnsched = opts.maxUnschedulableMs ?? 300_000
    this.#now = opts.now ?? Date.now
    this.#flushTimer = setInterval(() => this.#flushUnschedulable(), Math.min(30_000, this.#maxUnsched))
    this.#flushTimer.unref()
  }

  /** Adds or refreshes a pending pod; a pod already waiting keeps its place. */
  add(key: string, priority = 0): void {
    if (this.#closed) return
    const e = this.#entries.get(key)
    if (e) {
      e.priority = priority
      return
    }
    const entry = { key, priority, seq: this.#seq++, attempts: 0 }
    this.#entries.set(key, entry)
    this.#push(entry)
  }

  /** The pod's spec changed: an unschedulable pod gets another try (after its backoff). */
  activate(key: string): void {
    const e = this.#entries.get(key)
    if (!e || !this.#unschedulable.has(key)) return
    this.#unschedulable.delete(key)
    this.#afterBackoff(e)
  }

  delete(key: string): void {
    this.#entries.delete(key)
    this.#unschedulable.delete(key)
    const t = this.#backoff.get(key)
    if (t) clearTimeout(t)
    this.#backoff.delete(key)
    // a deleted key still in the heap is skipped when popped
  }

  has(key: string): boolean {
    return this.#entries.has(key)
  }

  /** After a failed attempt: unschedulable pods wait for a cluster change, errors back off. */
  requeue(key: string, unschedulable: boolean): void {
    const e = this.#entries.get(key)
    if (!e || this.#closed) return
    e.attempts++
    if (unschedulable) this.#unschedulable.set(key, this.#now())
    else this.#afterBackoff(e)
  }

  /** The cluster changed in a way that may help: retry every unschedulable pod (with backoff). */
  moveAllToActive(): void {
    for (const key of [...this.#unschedulable.keys()]) {
      this.#unschedulable.delete(key)
      const e = this.#entries.get(key)
      if (e) this.#afterBackoff(e)
    }
  }

  /** Done with a pod (bound or gone). */
  done(key: string): void {
    this.delete(key)
  }

  get pendingCount(): number {
    return this.#entries.size
  }

  /** The next pod key, or undefined once closed. */
  pop(): Promise<string | undefined> {
    const next = this.#popNow()
    if (next !== undefined || this.#closed) return Promise.resolve(next)
    return new Promise((resolve) => { this.#waiter = resolve })
  }

  close(): void {
    this.#closed = true
    clearInterval(this.#flushTimer)
    for (const t of this.#backoff.values()) clearTimeout(t)
    this.#backoff.clear()
    this.#waiter?.(undefined)
    this.#waiter = undefined
  }

  #afterBackoff(e: Entry): void {
    if (this.#backoff.has(e.key)) return
    const delay = Math.min(this.#max, this.#initial * 2 ** Math.max(0, e.attempts - 1))
    const t = setTimeout(() => {
      this.#backoff.delete(e.key)
      if (this.#entries.get(e.key) === e) this.#push(e)
    }, delay)
    t.unref()
    this.#backoff.set(e.key, t)
  }

  #flushUnschedulable(): void {
    const now = this.#now()
    for (const [key, since] of [...this.#unschedulable]) {
      if (now - since < this.#maxUnsched) continue
      this.#unschedulable.delete(key)
      const e = this.#entries.get(key)
      if (e) this.#push(e)
    }
  }

  #push(e: Entry): void {
    if (this.#inActive.has(e.key)) return
    this.#unschedulable.delete(e.key)
    if (this.#waiter) {
      const w = this.#waiter
      this.#waiter = undefined
      w(e.key)
      return
    }
    this.#inActive.add(e.key)
    const h = this.#active
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  #popNow(): string | undefined {
    const h = this.#active
    while (h.length > 0) {
      const top = h[0]!
      const last = h.pop()!
      if (h.length > 0) {
        h[0] = last
        let i = 0
        for (;;) {
          const l = 2 * i + 1
          const r = l + 1
          let m = i
          if (l < h.length && before(h[l]!, h[m]!)) m = l
          if (r < h.length && before(h[r]!, h[m]!)) m = r
          if (m === i) break
          ;[h[i], h[m]] = [h[m]!, h[i]!]
          i = m
        }
      }
      this.#inActive.delete(top.key)
      if (this.#entries.get(top.key) === top) return top.key
    }
    return undefined
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq
}
