/**
 * Records core/v1 Events the way client-go's legacy recorder does: one Event per
 * (object, type, reason, message, source) named `<object>.<hex nanoseconds>`, and on a repeat
 * a patch that bumps `count` and `lastTimestamp` (what `kubectl describe` shows as
 * "(x3 over 2m)"). Writes are fire-and-forget: failures are logged, never thrown, and a
 * token bucket drops events beyond `qps`/`burst` as upstream's spam filter does.
 *
 * TODO(#4): this belongs in src/client (the agent and node lifecycle controller take it by
 * interface and `cmd` wires this implementation in).
 */
import type { KubeObject } from '../api/index.js'
import { getResource, rfc3339 } from '../api/index.js'
import type { Client } from '../client/index.js'
import { logger } from '../lib/log.js'

const log = logger('events')
const EVENTS = getResource('', 'events')

export type EventType = 'Normal' | 'Warning'

/** What components need: record an event about an object. Never throws. */
export interface EventRecorder {
  event(obj: KubeObject | EventTarget, type: EventType, reason: string, message: string): void
}

/** The identifying parts of an object an event is about. */
export interface EventTarget {
  apiVersion?: string
  kind?: string
  metadata: { name?: string | undefined; namespace?: string | undefined; uid?: string | undefined; resourceVersion?: string | undefined }
  /** e.g. `spec.containers{web}` */
  fieldPath?: string
}

export interface ApiEventRecorderOptions {
  /** `source.component` and `reportingComponent`, e.g. `default-scheduler`, `kubelet` */
  component: string
  /** `source.host` (kubelet: the node name) */
  host?: string
  /** sustained events per second before dropping (default 50) */
  qps?: number
  /** bucket size (default 500) */
  burst?: number
  /** max writes in flight (default 16); more wait in a queue of at most 10,000 */
  concurrency?: number
  now?: () => number
}

interface Seen {
  name: string
  namespace: string
  count: number
  first: string
}

const iso = rfc3339

export class ApiEventRecorder implements EventRecorder {
  readonly #seen = new Map<string, Seen>()
  readonly #pending: Array<() => Promise<void>> = []
  #inFlight = 0
  #tokens: number
  #lastRefill: number
  readonly #qps: number
  readonly #burst: number
  readonly #concurrency: number
  readonly #now: () => number

  constructor(private readonly client: Client, private readonly opts: ApiEventRecorderOptions) {
    this.#qps = opts.qps ?? 50
    this.#burst = opts.burst ?? 500
    this.#concurrency = opts.concurrency ?? 16
    this.#now = opts.now ?? Date.now
    this.#tokens = this.#burst
    this.#lastRefill = this.#now()
  }

  /** A recorder for another host (a simulated node) sharing this one's budget and queue. */
  forHost(host: string): EventRecorder {
    return { event: (obj, type, reason, message) => this.#record(obj, type, reason, message, host) }
  }

  event(obj: KubeObject | EventTarget, type: EventType, reason: string, message: string): void {
    this.#record(obj, type, reason, message, this.opts.host)
  }

  #record(obj: KubeObject | EventTarget, type: EventType, reason: string, message: string, host: string | undefined): void {
    const now = this.#now()
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#lastRefill) / 1000) * this.#qps)
    this.#lastRefill = now
    if (this.#tokens < 1 || this.#pending.length >= 10_000) {
      log.debug('event dropped (rate limit)', { reason, object: obj.metadata.name })
      return
    }
    this.#tokens -= 1
    const m = obj.metadata
    const fieldPath = (obj as EventTarget).fieldPath
    const namespace = m.namespace || 'default'
    const key = [m.uid, obj.kind, namespace, m.name, fieldPath, type, reason, message, host].join('\u0000')
    const seen = this.#seen.get(key)
    if (seen) {
      seen.count++
      const patch = { count: seen.count, lastTimestamp: iso(now) }
      this.#enqueue(async () => {
        await this.client.patch(EVENTS, seen.namespace, seen.name, patch, { type: 'merge' })
      })
      return
    }
    const name = `${m.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`
    if (this.#seen.size >= 4096) this.#seen.delete(this.#seen.keys().next().value!)
    this.#seen.set(key, { name, namespace, count: 1, first: iso(now) })
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
        ...(obj.kind ? { kind: obj.kind } : {}),
        name: m.name,
        ...(m.namespace ? { namespace: m.namespace } : {}),
        ...(m.uid ? { uid: m.uid } : {}),
        ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      source: { component: this.opts.component, ...(host ? { host } : {}) },
      firstTimestamp: iso(now),
      lastTimestamp: iso(now),
      eventTime: null,
      count: 1,
      reportingComponent: this.opts.component,
      reportingInstance: host ?? '',
    }
    this.#enqueue(async () => {
      await this.client.create(EVENTS, namespace, event)
    })
  }

  #enqueue(write: () => Promise<void>): void {
    this.#pending.push(write)
    this.#pump()
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#pending.length > 0) {
      const write = this.#pending.shift()!
      this.#inFlight++
      write()
        .catch((e: unknown) => log.debug('event write failed', { err: e }))
        .finally(() => {
          this.#inFlight--
          this.#pump()
        })
    }
  }

  /** Resolves once every queued event has been written (tests). */
  async flush(): Promise<void> {
    while (this.#inFlight > 0 || this.#pending.length > 0) await new Promise((r) => setTimeout(r, 5))
  }
}
