import type { StoreEvent } from './store.js'

/**
 * Delivers published store events to subscribers as async iterables. A subscriber first
 * drains its backlog (history it asked for), then live events with a higher revision.
 * Shared by every in-process Store implementation.
 */
export class EventFanout {
  #subs = new Set<Subscriber>()

  publish(ev: StoreEvent): void {
    for (const s of this.#subs) if (ev.entry.key.startsWith(s.prefix)) s.push(ev)
  }

  subscribe(prefix: string, backlog: StoreEvent[], backlogUpTo: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    const sub = new Subscriber(prefix, backlog, backlogUpTo)
    this.#subs.add(sub)
    const done = (): void => {
      this.#subs.delete(sub)
      sub.end()
    }
    if (signal.aborted) done()
    else signal.addEventListener('abort', done, { once: true })
    return sub
  }

  close(): void {
    for (const s of this.#subs) s.end()
    this.#subs.clear()
  }
}

class Subscriber implements AsyncIterable<StoreEvent> {
  #queue: StoreEvent[]
  #waiter: ((r: IteratorResult<StoreEvent>) => void) | undefined
  #ended = false
  #seen: number

  constructor(readonly prefix: string, backlog: StoreEvent[], upTo: number) {
    this.#queue = backlog
    this.#seen = upTo
  }

  push(ev: StoreEvent): void {
    if (this.#ended || ev.entry.modRevision <= this.#seen) return
    this.#seen = ev.entry.modRevision
    if (this.#waiter) {
      const w = this.#waiter
      this.#waiter = undefined
      w({ value: ev, done: false })
    } else this.#queue.push(ev)
  }

  end(): void {
    this.#ended = true
    if (this.#waiter) {
      const w = this.#waiter
      this.#waiter = undefined
      w({ value: undefined, done: true })
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StoreEvent> {
    return {
      next: (): Promise<IteratorResult<StoreEvent>> => {
        const ev = this.#queue.shift()
        if (ev) return Promise.resolve({ value: ev, done: false })
        if (this.#ended) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => { this.#waiter = resolve })
      },
      return: (): Promise<IteratorResult<StoreEvent>> => {
        this.end()
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }
}
