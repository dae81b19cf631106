/**
 * EventRecorder: writes core/v1 Events about an object, as client-go's recorder does —
 * asynchronously (a failed event never fails a reconcile), with repeated events
 * (same object, type, reason, message) folded into one whose `count` grows.
 */
import type { KubeObject } from '../../api/index.js'
import { getResource, isNotFound, rfc3339 } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import { logger } from '../../lib/log.js'

const EVENTS = getResource('', 'events')
const log = logger('events')

export type EventType = 'Normal' | 'Warning'

/** The part of an object an event refers to. */
export interface InvolvedObject {
  apiVersion?: string | undefined
  kind?: string | undefined
  metadata?: { name?: string | undefined; namespace?: string | undefined; uid?: string | undefined; resourceVersion?: string | undefined } | undefined
}

/** What a controller records: decoupled from I/O so planners can return it as data. */
export interface EventRecord {
  readonly eventType: EventType
  readonly reason: string
  readonly message: string
}

export interface Recorder {
  record(obj: InvolvedObject, event: EventRecord): void
}

interface Seen {
  name: string
  namespace: string
  count: number
  firstTimestamp: string
  at: number
}

const MAX_SEEN = 4096
const MAX_PENDING = 10_000

export class EventRecorder implements Recorder {
  #seen = new Map<string, Seen>()
  #pending = 0
  #chain: Promise<void> = Promise.resolve()

  constructor(private readonly client: Client, readonly component: string, private readonly now: () => number = Date.now) {}

  record(obj: InvolvedObject, event: EventRecord): void {
    if (this.#pending >= MAX_PENDING) return
    this.#pending++
    this.#chain = this.#chain
      .then(() => this.#write(obj, event))
      .catch((e: unknown) => log.info('could not record event', { reason: event.reason, err: e }))
      .finally(() => { this.#pending-- })
  }

  /** Resolves once every event recorded so far has been written (tests, shutdown). */
  flush(): Promise<void> {
    return this.#chain
  }

  async #write(obj: InvolvedObject, event: EventRecord): Promise<void> {
    const m = obj.metadata ?? {}
    const namespace = m.namespace || 'default'
    const key = [m.uid, m.namespace, m.name, obj.kind, event.eventType, event.reason, event.message].join('\u0000')
    const now = this.now()
    const seen = this.#seen.get(key)
    if (seen && now - seen.at < 10 * 60_000) {
      seen.count++
      seen.at = now
      try {
        await this.client.patch(EVENTS, seen.namespace, seen.name, { count: seen.count, lastTimestamp: rfc3339(now) })
        return
      } catch (e) {
        if (!isNotFound(e)) throw e
      }
    }
    const name = `${m.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`
    const ts = rfc3339(now)
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion,
      },
      reason: event.reason,
      message: event.message,
      source: { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type: event.eventType,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    }
    await this.client.create(EVENTS, namespace, ev)
    if (this.#seen.size >= MAX_SEEN) this.#seen.delete(this.#seen.keys().next().value as string)
    this.#seen.set(key, { name, namespace, count: 1, firstTimestamp: ts, at: now })
  }
}

/** A recorder that keeps events in memory (tests). */
export class MemoryRecorder implements Recorder {
  readonly events: Array<EventRecord & { object: string }> = []
  record(obj: InvolvedObject, event: EventRecord): void {
    this.events.push({ ...event, object: `${obj.kind ?? ''}/${obj.metadata?.name ?? ''}` })
  }
}
