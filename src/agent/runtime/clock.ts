/**
 * Time as an injected dependency: the simulated runtime and the agent read `now()` and set
 * timers through a Clock so tests advance time instead of sleeping.
 */
export interface Timer {
  cancel(): void
}

export interface Clock {
  now(): number
  setTimer(ms: number, fn: () => void): Timer
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms))
    t.unref()
    return { cancel: () => clearTimeout(t) }
  },
}

/** A clock that only moves when told to. Timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  #now: number
  #timers: Array<{ at: number; seq: number; fn: () => void; cancelled: boolean }> = []
  #seq = 0

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimer(ms: number, fn: () => void): Timer {
    const t = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false }
    this.#timers.push(t)
    return { cancel: () => { t.cancelled = true } }
  }

  /** Moves time forward by `ms`, firing due timers in order (and letting promises settle). */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms
    for (;;) {
      await settle()
      this.#timers = this.#timers.filter((t) => !t.cancelled)
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.#timers[0]
      if (!next || next.at > target) break
      this.#timers.shift()
      this.#now = Math.max(this.#now, next.at)
      next.fn()
    }
    this.#now = target
    await settle()
  }

  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await new Promise((r) => setImmediate(r))
}
