/**
 * The scheduler's thin loop: informers feed the cache and the queue; one cycle at a time pops
 * a pod, runs the pure `schedulePod` against the cache, assumes the result and posts a
 * `pods/binding` in the background. Failures write `PodScheduled=False/Unschedulable` and a
 * `FailedScheduling` event, and the pod waits for a cluster change.
 *
 * Only pods whose `spec.schedulerName` is ours (default `default-scheduler`) and that have no
 * `spec.nodeName` are scheduled (SCH-001).
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js'
import { getResource, isConflict, isNotFound } from '../api/index.js'
import type { KubeObject } from '../api/index.js'
import { Informer, cacheKey } from '../client/index.js'
import type { Client } from '../client/index.js'
import { logger } from '../lib/log.js'
import { SchedulerCache } from './cache.js'
import { SchedulingQueue } from './queue.js'
import type { QueueOptions } from './queue.js'
import { podInfo } from './pod-info.js'
import { schedulePod } from './schedule.js'
import type { EventRecorder } from './event-recorder.js'

const log = logger('scheduler')
const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler'

export type PodObject = Pod & KubeObject
export type NodeObject = Node & KubeObject

export interface SchedulerOptions {
  client: Client
  events: EventRecorder
  /** default `default-scheduler` */
  schedulerName?: string
  /** share informers with other components in the process (started by the caller) */
  podInformer?: Informer<PodObject>
  nodeInformer?: Informer<NodeObject>
  /** bindings in flight (default 128) */
  bindConcurrency?: number
  percentageOfNodesToScore?: number
  queue?: QueueOptions
  random?: () => number
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed'
}

/** Did anything but status and bookkeeping metadata change? (upstream isPodUpdated) */
function specChanged(a: PodObject, b: PodObject): boolean {
  const strip = (p: PodObject): string => {
    const { resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = p.metadata
    return JSON.stringify({ ...p, status: undefined, metadata: meta })
  }
  return strip(a) !== strip(b)
}

export class Scheduler {
  readonly cache = new SchedulerCache()
  readonly queue: SchedulingQueue
  readonly #pods: Informer<PodObject>
  readonly #nodes: Informer<NodeObject>
  readonly #ownInformers: Informer<KubeObject>[] = []
  readonly #name: string
  #startIndex = 0
  #inFlight = 0
  #slot: (() => void) | undefined
  /** counters for benchmarks and tests */
  readonly stats = { scheduled: 0, bound: 0, unschedulable: 0, bindErrors: 0 }

  constructor(private readonly opts: SchedulerOptions) {
    this.#name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME
    this.queue = new SchedulingQueue(opts.queue)
    this.#pods = opts.podInformer ?? this.#own(new Informer<PodObject>(opts.client, PODS))
    this.#nodes = opts.nodeInformer ?? this.#own(new Informer<NodeObject>(opts.client, NODES))
    this.#nodes.on({
      add: (n) => { this.cache.setNode(n); this.queue.moveAllToActive() },
      update: (old, n) => {
        this.cache.setNode(n)
        if (nodeSchedulingPropertiesChanged(old, n)) this.queue.moveAllToActive()
      },
      delete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
    })
    this.#pods.on({
      add: (p) => this.#onPod(undefined, p),
      update: (old, p) => this.#onPod(old, p),
      delete: (p) => {
        const key = cacheKey(p)
        this.queue.delete(key)
        if (p.spec?.nodeName) {
          this.cache.removePod(key)
          this.queue.moveAllToActive()
        }
      },
    })
  }

  #own<T extends KubeObject>(inf: Informer<T>): Informer<T> {
    this.#ownInformers.push(inf as unknown as Informer<KubeObject>)
    return inf
  }

  #responsible(p: Pod): boolean {
    return (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.#name
  }

  #onPod(old: PodObject | undefined, p: PodObject): void {
    const key = cacheKey(p)
    if (p.spec?.nodeName) {
      this.queue.done(key)
      if (isTerminal(p)) {
        if (old && !isTerminal(old)) this.queue.moveAllToActive()
        this.cache.removePod(key)
      } else this.cache.setPod(p)
      return
    }
    if (!this.#responsible(p) || p.metadata.deletionTimestamp || isTerminal(p)) {
      this.queue.delete(key)
      return
    }
    if (!this.queue.has(key)) this.queue.add(key, p.spec?.priority ?? 0)
    else if (old && specChanged(old, p)) this.queue.activate(key)
  }

  /** Runs until `signal` aborts: starts own informers, waits for sync, then schedules. */
  async run(signal: AbortSignal): Promise<void> {
    for (const inf of this.#ownInformers) void inf.run(signal)
    await Promise.all([this.#pods.synced(), this.#nodes.synced()])
    signal.addEventListener('abort', () => this.queue.close(), { once: true })
    let sliceStart = performance.now()
    for (;;) {
      const key = await this.queue.pop()
      if (key === undefined || signal.aborted) break
      try {
        await this.#scheduleOne(key)
      } catch (e) {
        log.warn('scheduling cycle failed', { pod: key, err: e })
        this.queue.requeue(key, false)
      }
      // Keep the event loop responsive when the queue is long.
      if (performance.now() - sliceStart > 20) {
        await new Promise((r) => setImmediate(r))
        sliceStart = performance.now()
      }
    }
  }

  async #scheduleOne(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const pod = this.#pods.get(ns, name)
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || !this.#responsible(pod) || this.cache.isAssumed(key)) {
      this.queue.done(key)
      return
    }
    const info = podInfo(pod)
    const result = schedulePod(info, this.cache, {
      startIndex: this.#startIndex,
      ...(this.opts.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: this.opts.percentageOfNodesToScore } : {}),
      ...(this.opts.random ? { random: this.opts.random } : {}),
    })
    this.#startIndex = result.nextStartIndex
    if (result.type === 'unschedulable') {
      this.stats.unschedulable++
      this.queue.requeue(key, true)
      this.opts.events.event(pod, 'Warning', 'FailedScheduling', result.message)
      this.#markUnschedulable(pod, result.message)
      return
    }
    this.stats.scheduled++
    this.cache.assume(info, result.node)
    await this.#bindSlot()
    void this.#bind(pod, key, result.node)
  }

  #bindSlot(): Promise<void> {
    if (this.#inFlight < (this.opts.bindConcurrency ?? 128)) return Promise.resolve()
    return new Promise((resolve) => { this.#slot = resolve })
  }

  async #bind(pod: PodObject, key: string, node: string): Promise<void> {
    this.#inFlight++
    const { namespace, name, uid } = pod.metadata
    try {
      await this.opts.client.createSubresource(PODS, namespace, name ?? '', 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, ...(uid ? { uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      })
      this.stats.bound++
      this.queue.done(key)
      this.opts.events.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace ?? 'default'}/${name ?? ''} to ${node}`)
    } catch (e) {
      this.stats.bindErrors++
      this.cache.forget(key)
      if (isNotFound(e) || isConflict(e)) {
        // gone, already bound by someone else, or being deleted: the informer will tell
        log.info('binding rejected', { pod: key, node, err: e })
        this.queue.done(key)
      } else {
        log.warn('binding failed; retrying', { pod: key, node, err: e })
        this.queue.requeue(key, false)
      }
    } finally {
      this.#inFlight--
      const s = this.#slot
      this.#slot = undefined
      s?.()
    }
  }

  /** PodScheduled=False/Unschedulable, written only when it differs (upstream updatePod). */
  #markUnschedulable(pod: PodObject, message: string): void {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled')
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : now(),
    }
    const patch = { status: { conditions: [{ ...condition, lastProbeTime: null }] } }
    this.opts.client.patch(PODS, pod.metadata.namespace, pod.metadata.name ?? '', patch, { type: 'strategic', subresource: 'status' })
      .catch((e: unknown) => { if (!isNotFound(e)) log.info('could not update pod condition', { pod: cacheKey(pod), err: e }) })
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/')
  return [key.slice(0, i), key.slice(i + 1)]
}

/** Upstream's nodeSchedulingPropertiesChange: what can make a pending pod fit. */
function nodeSchedulingPropertiesChanged(a: Node, b: Node): boolean {
  return a.spec?.unschedulable !== b.spec?.unschedulable ||
    JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? []) ||
    JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {}) ||
    JSON.stringify(a.status?.allocatable ?? {}) !== JSON.stringify(b.status?.allocatable ?? {}) ||
    JSON.stringify(a.status?.conditions?.map((c) => [c.type, c.status]) ?? []) !== JSON.stringify(b.status?.conditions?.map((c) => [c.type, c.status]) ?? [])
}
