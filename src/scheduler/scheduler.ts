/**
 * The scheduler's thin loop: informers feed the cache and the queue; one cycle at a time pops
 * a pod, runs the pure `schedulePod` against the cache, assumes the result and posts a
 * `pods/binding` in the background. Failures write `PodScheduled=False/Unschedulable` and a
 * `FailedScheduling` event, and the pod waits for a cluster change.
 *
 * Volumes (upstream's VolumeBinding plugin): a pod using claims is held until they can be
 * placed (PreFilter), goes only to nodes its claims' volumes fit (Filter), and before its
 * binding the chosen node is written on its WaitForFirstConsumer claims; the pod is bound
 * once the binder/provisioner have bound them there (PreBind). Claim, volume and class
 * changes bring waiting pods back.
 *
 * Only pods whose `spec.schedulerName` is ours (default `default-scheduler`) and that have no
 * `spec.nodeName` are scheduled (SCH-001).
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js'
import { getResource, isConflict, isNotFound, rfc3339 } from '../api/index.js'
import type { KubeObject } from '../api/index.js'
import { Informer, cacheKey } from '../client/index.js'
import type { Client } from '../client/index.js'
import { logger } from '../lib/log.js'
import { SchedulerCache } from './cache.js'
import { SchedulingQueue } from './queue.js'
import type { QueueOptions } from './queue.js'
import { podInfo } from './pod-info.js'
import { preFilterErrorMessage, schedulePod } from './schedule.js'
import type { EventRecorder } from './event-recorder.js'
import { selectedNodePatches, volumeBindingPreFilter } from '../api/storage/index.js'
import type { PodVolumeClaims } from '../api/storage/index.js'
import { checkBindings, informerView, volumeBindingPlugin, withFilter } from './volume-binding.js'
import type { ClaimObject, ClassObject, VolumeObject } from './volume-binding.js'

const log = logger('scheduler')
const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const VOLUMES = getResource('', 'persistentvolumes')
const CLASSES = getResource('storage.k8s.io', 'storageclasses')

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler'

const CANCELLED = Symbol('cancelled')

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
  /** for volume binding (default: the scheduler's own informers) */
  claimInformer?: Informer<ClaimObject>
  volumeInformer?: Informer<VolumeObject>
  classInformer?: Informer<ClassObject>
  /** bindings in flight (default 128; pods waiting for their volumes to bind do not count) */
  bindConcurrency?: number
  /** how long a pod waits for its WaitForFirstConsumer claims to bind (default 600 s, upstream's bindTimeoutSeconds) */
  volumeBindTimeoutMs?: number
  percentageOfNodesToScore?: number
  queue?: QueueOptions
  random?: () => number
}

const now = (): string => rfc3339()

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
  readonly #claims: Informer<ClaimObject>
  readonly #volumes: Informer<VolumeObject>
  readonly #classes: Informer<ClassObject>
  readonly #ownInformers: Informer<KubeObject>[] = []
  readonly #name: string
  #startIndex = 0
  #inFlight = 0
  /** bindings waiting for their claims to bind (not counted against bindConcurrency) */
  #volumeWaiting = 0
  /** PreBind waits by pod key: re-checked on every claim and volume event, cancelled when the pod goes */
  readonly #bindingWaits = new Map<string, { check: () => void; cancel: () => void }>()
  #slot: (() => void) | undefined
  /** counters for benchmarks and tests */
  readonly stats = { scheduled: 0, bound: 0, unschedulable: 0, bindErrors: 0, preBindErrors: 0 }

  constructor(private readonly opts: SchedulerOptions) {
    this.#name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME
    this.queue = new SchedulingQueue(opts.queue)
    this.#pods = opts.podInformer ?? this.#own(new Informer<PodObject>(opts.client, PODS))
    this.#nodes = opts.nodeInformer ?? this.#own(new Informer<NodeObject>(opts.client, NODES))
    this.#claims = opts.claimInformer ?? this.#own(new Informer<ClaimObject>(opts.client, CLAIMS))
    this.#volumes = opts.volumeInformer ?? this.#own(new Informer<VolumeObject>(opts.client, VOLUMES))
    this.#classes = opts.classInformer ?? this.#own(new Informer<ClassObject>(opts.client, CLASSES))
    // Upstream's VolumeBinding events: a claim, volume or class that appears or changes may
    // let a pod waiting for its volumes in.
    for (const inf of [this.#claims, this.#volumes, this.#classes] as Array<Informer<KubeObject>>) {
      inf.on({ add: () => this.queue.moveAllToActive(), update: () => this.queue.moveAllToActive() })
    }
    for (const inf of [this.#claims, this.#volumes] as Array<Informer<KubeObject>>) {
      const recheck = (): void => { for (const w of [...this.#bindingWaits.values()]) w.check() }
      inf.on({ add: recheck, update: recheck, delete: recheck })
    }
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
        const waiting = this.#bindingWaits.get(key)
        if (waiting) {
          // Gone while its volumes were binding: stop waiting, and free what it had assumed
          // now (a pod of the same name may come right back, as StatefulSets do).
          waiting.cancel()
          this.cache.forget(key)
        }
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
    await Promise.all([this.#pods, this.#nodes, this.#claims, this.#volumes, this.#classes].map((i) => i.synced()))
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
    // VolumeBinding PreFilter: a pod whose claims cannot be placed anywhere yet waits for
    // them (with no nodes at all, "no nodes available" wins, as upstream).
    let claims: PodVolumeClaims | undefined
    let filters: ReturnType<typeof withFilter> | undefined
    const numNodes = this.cache.nodes.length
    if (numNodes > 0) {
      const view = informerView(this.#claims, this.#volumes, this.#classes)
      const pre = volumeBindingPreFilter(pod, view)
      if (pre.type === 'unschedulable') {
        this.#unschedulable(pod, key, preFilterErrorMessage(numNodes, pre.status.reasons, pod))
        return
      }
      if (pre.type === 'ok') {
        claims = pre.claims
        filters = withFilter(volumeBindingPlugin(pre.claims, view))
      }
    }
    const result = schedulePod(info, this.cache, {
      startIndex: this.#startIndex,
      ...(filters ? { filters } : {}),
      ...(this.opts.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: this.opts.percentageOfNodesToScore } : {}),
      ...(this.opts.random ? { random: this.opts.random } : {}),
    })
    this.#startIndex = result.nextStartIndex
    if (result.type === 'unschedulable') {
      this.#unschedulable(pod, key, result.message)
      return
    }
    this.stats.scheduled++
    this.cache.assume(info, result.node)
    await this.#bindSlot()
    void this.#bind(pod, key, result.node, claims)
  }

  #unschedulable(pod: PodObject, key: string, message: string): void {
    this.stats.unschedulable++
    this.queue.requeue(key, true)
    this.opts.events.event(pod, 'Warning', 'FailedScheduling', message)
    this.#markUnschedulable(pod, message)
  }

  /**
   * VolumeBinding PreBind: record the chosen node on the pod's unbound WaitForFirstConsumer
   * claims (the binder and provisioner take it from there), then wait until they are bound,
   * as upstream does, so the pod reaches its node with its volumes ready. False when the pod
   * must be retried (a claim changed or went away, provisioning gave up, time ran out).
   */
  async #preBind(pod: PodObject, key: string, node: string, claims: PodVolumeClaims): Promise<boolean> {
    const fail = (message: string, err?: unknown): false => {
      this.stats.preBindErrors++
      this.cache.forget(key)
      log.info('volume binding failed; retrying', { pod: key, node, message, ...(err !== undefined ? { err } : {}) })
      this.opts.events.event(pod, 'Warning', 'FailedScheduling', `running PreBind plugin "VolumeBinding": ${message}`)
      this.queue.requeue(key, false)
      return false
    }
    const stale = new Map<string, string>()
    for (const p of selectedNodePatches(node, claims)) {
      try {
        await this.opts.client.patch(CLAIMS, p.namespace, p.name, p.patch, { type: 'merge' })
      } catch (e) {
        return fail(e instanceof Error ? e.message : String(e), e)
      }
      const cached = claims.unboundDelayed.find((c) => c.metadata?.namespace === p.namespace && c.metadata.name === p.name)
      stale.set(`${p.namespace}/${p.name}`, cached?.metadata?.resourceVersion ?? '')
    }
    if (claims.unboundDelayed.length === 0) return true
    this.#volumeWaiting++
    this.#wakeSlot()
    try {
      const outcome = await this.#waitForBindings(key, node, claims, stale)
      if (outcome === CANCELLED) return false
      return outcome === undefined ? true : fail(`binding volumes: ${outcome}`)
    } finally {
      this.#volumeWaiting--
    }
  }

  /** Resolves once the claims are bound (undefined), with why they will not be, or CANCELLED (pod deleted). */
  #waitForBindings(key: string, node: string, claims: PodVolumeClaims, stale: ReadonlyMap<string, string>): Promise<string | undefined | typeof CANCELLED> {
    const view = informerView(this.#claims, this.#volumes, this.#classes)
    return new Promise((resolve) => {
      const finish = (outcome: string | undefined | typeof CANCELLED): void => {
        if (this.#bindingWaits.get(key) === wait) this.#bindingWaits.delete(key)
        clearTimeout(timer)
        resolve(outcome)
      }
      const wait = {
        check: (): void => {
          const r = checkBindings(node, this.cache.node(node)?.node, claims.unboundDelayed, view, stale)
          if (r.type === 'bound') finish(undefined)
          else if (r.type === 'failed') finish(r.message)
        },
        cancel: (): void => finish(CANCELLED),
      }
      const timer = setTimeout(() => finish('timed out waiting for the condition'), this.opts.volumeBindTimeoutMs ?? 600_000)
      timer.unref()
      this.#bindingWaits.set(key, wait)
      wait.check()
    })
  }

  #bindSlot(): Promise<void> {
    if (this.#inFlight - this.#volumeWaiting < (this.opts.bindConcurrency ?? 128)) return Promise.resolve()
    return new Promise((resolve) => { this.#slot = resolve })
  }

  #wakeSlot(): void {
    const s = this.#slot
    this.#slot = undefined
    s?.()
  }

  async #bind(pod: PodObject, key: string, node: string, claims?: PodVolumeClaims): Promise<void> {
    this.#inFlight++
    const { namespace, name, uid } = pod.metadata
    try {
      if (claims && !(await this.#preBind(pod, key, node, claims))) return
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
      this.#wakeSlot()
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
