/**
 * The node lifecycle controller's thin loop (with pod GC): node, lease and pod caches from
 * the shared informers; a health record per node (when its lease or heartbeat last moved, in
 * this process's clock, so clock skew between hosts does not matter); planNodeLifecycle per
 * node; planPodGC periodically. Every node is re-examined each `monitorPeriodMs` as upstream's
 * nodeMonitorPeriod.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../../api/index.js'
import { getResource, isConflict, isNotFound, rfc3339 } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import type { Informer } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import type { Recorder } from '../common/events.js'
import { Index } from '../common/informers.js'
import type { SharedInformers } from '../common/informers.js'
import { DEFAULT_GRACE_PERIOD_MS, DISRUPTION_TARGET, planNodeLifecycle } from './plan.js'
import type { NodeLifecycleAction } from './plan.js'
import { DEFAULT_QUARANTINE_MS, DEFAULT_TERMINATED_THRESHOLD, planPodGC } from './gc.js'
import type { PodGCAction } from './gc.js'

const NODES = getResource('', 'nodes')
const PODS = getResource('', 'pods')
const LEASES = getResource('coordination.k8s.io', 'leases')
const LEASE_NAMESPACE = 'kube-node-lease'

const log = logger('controller/nodelifecycle')

type Obj = KubeObject
type NodeObj = Node & KubeObject
type PodObj = Pod & KubeObject
type LeaseObj = Lease & KubeObject

export interface NodeLifecycleOptions {
  client: Client
  informers: SharedInformers
  recorder: Recorder
  /** node-monitor-grace-period (default 40 s) */
  gracePeriodMs?: number
  /** how often every node is re-examined (default 5 s) */
  monitorPeriodMs?: number
  podGC?: { periodMs?: number; quarantineMs?: number; terminatedThreshold?: number }
  workers?: number
  now?: () => number
}

interface Health {
  probeTimestamp: number
  leaseRenew: string | undefined
  readyBeat: string | undefined
}

const iso = rfc3339

export class NodeLifecycleController implements Reconciler {
  readonly name = 'nodelifecycle'
  readonly runner: Runner
  readonly #client: Client
  readonly #recorder: Recorder
  readonly #now: () => number
  readonly #grace: number
  readonly #nodes: Informer<Obj>
  readonly #pods: Informer<Obj>
  readonly #podsByNode: Index<Obj>
  readonly #health = new Map<string, Health>()
  #orphanSince = new Map<string, number>()
  readonly stats = { syncs: 0, evictions: 0, markedUnknown: 0, gcDeletes: 0 }

  constructor(private readonly opts: NodeLifecycleOptions) {
    this.#client = opts.client
    this.#recorder = opts.recorder
    this.#now = opts.now ?? Date.now
    this.#grace = opts.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS
    this.runner = new Runner(this, { workers: opts.workers ?? 4 })
    const inf = opts.informers
    this.#nodes = inf.informer(NODES)
    this.#pods = inf.informer(PODS)
    const leases = inf.informer(LEASES)
    this.#podsByNode = new Index(this.#pods, (p) => {
      const n = (p as PodObj).spec?.nodeName
      return n ? [n] : []
    })
    this.#nodes.on({
      add: (n) => this.#observeNode(n as NodeObj, true),
      update: (_o, n) => this.#observeNode(n as NodeObj, false),
      delete: (n) => {
        this.#health.delete(n.metadata.name ?? '')
      },
    })
    leases.on({
      add: (l) => this.#observeLease(l as LeaseObj),
      update: (_o, l) => this.#observeLease(l as LeaseObj),
    })
    this.#pods.on({
      add: (p) => this.#enqueuePodNode(p),
      update: (_o, p) => this.#enqueuePodNode(p),
    })
  }

  #healthOf(name: string): Health {
    let h = this.#health.get(name)
    if (!h) {
      h = { probeTimestamp: this.#now(), leaseRenew: undefined, readyBeat: undefined }
      this.#health.set(name, h)
    }
    return h
  }

  #observeNode(n: NodeObj, added: boolean): void {
    const name = n.metadata.name ?? ''
    const fresh = !this.#health.has(name)
    const h = this.#healthOf(name)
    const beat = n.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime
    if (beat !== undefined && beat !== h.readyBeat) {
      if (h.readyBeat !== undefined) h.probeTimestamp = this.#now()
      h.readyBeat = beat
    }
    if (added && fresh) {
      this.#recorder.record({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: n.metadata.uid } },
        { eventType: 'Normal', reason: 'RegisteredNode', message: `Node ${name} event: Registered Node ${name} in Controller` })
    }
    this.runner.enqueue(name)
  }

  #observeLease(l: LeaseObj): void {
    if (l.metadata.namespace !== LEASE_NAMESPACE) return
    const name = l.metadata.name ?? ''
    const h = this.#healthOf(name)
    const renew = l.spec?.renewTime
    if (renew !== h.leaseRenew) {
      if (h.leaseRenew !== undefined) h.probeTimestamp = this.#now()
      h.leaseRenew = renew
      this.runner.enqueue(name)
    }
  }

  #enqueuePodNode(p: Obj): void {
    const n = (p as PodObj).spec?.nodeName
    if (n) this.runner.enqueue(n)
  }

  /** Starts the runner, the monitor sweep and pod GC (informers are started by the caller). */
  start(signal: AbortSignal): void {
    this.runner.start(signal)
    const monitor = setInterval(() => {
      for (const n of this.#nodes.list()) this.runner.enqueue(n.metadata.name ?? '')
    }, this.opts.monitorPeriodMs ?? 5000)
    monitor.unref()
    const gcPeriod = this.opts.podGC?.periodMs ?? 20_000
    let gcRunning = false
    const gc = setInterval(() => {
      if (gcRunning) return
      gcRunning = true
      this.runPodGC().catch((e: unknown) => log.warn('pod GC failed', { err: e })).finally(() => { gcRunning = false })
    }, gcPeriod)
    gc.unref()
    signal.addEventListener('abort', () => {
      clearInterval(monitor)
      clearInterval(gc)
    }, { once: true })
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    this.stats.syncs++
    const node = this.#nodes.get(undefined, name) as NodeObj | undefined
    if (!node) return undefined
    const h = this.#healthOf(name)
    const plan = planNodeLifecycle({
      node, pods: this.#podsByNode.get(name) as PodObj[], probeTimestamp: h.probeTimestamp, now: this.#now(), gracePeriodMs: this.#grace,
    })
    if (plan.actions.length) log.debug('plan', { node: name, actions: plan.actions })
    let rv = node.metadata.resourceVersion
    for (const a of plan.actions) rv = await this.#apply(node, a, rv)
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  async #apply(node: NodeObj, a: NodeLifecycleAction, rv: string | undefined): Promise<string | undefined> {
    const name = node.metadata.name ?? ''
    switch (a.type) {
      case 'updateNodeConditions': {
        this.stats.markedUnknown++
        const updated = await this.#client.updateStatus(NODES, { ...node, metadata: { ...node.metadata, resourceVersion: rv }, status: { ...node.status, conditions: a.conditions } } as Obj)
        return updated.metadata.resourceVersion
      }
      case 'updateTaints': {
        const updated = await this.#client.patch(NODES, undefined, name, { metadata: { resourceVersion: rv }, spec: { taints: a.taints } }, { type: 'merge' })
        return updated.metadata.resourceVersion
      }
      case 'markPodNotReady':
        await this.#patchPodStatus(a, { conditions: [{ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: iso(this.#now()) }] })
        return rv
      case 'evictPod':
        this.stats.evictions++
        await this.#patchPodStatus(a, {
          conditions: [{ type: DISRUPTION_TARGET, status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastProbeTime: null, lastTransitionTime: iso(this.#now()) }],
        })
        await this.#deletePod(a, undefined)
        return rv
      case 'recordEvent': {
        const obj = a.on === 'node'
          ? { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: node.metadata.uid } }
          : { apiVersion: 'v1', kind: 'Pod', metadata: a.on }
        this.#recorder.record(obj, { eventType: a.eventType, reason: a.reason, message: a.message })
        return rv
      }
    }
  }

  async #patchPodStatus(p: { namespace: string; name: string; uid: string }, status: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.patch(PODS, p.namespace, p.name, { metadata: { uid: p.uid }, status }, { type: 'strategic', subresource: 'status' })
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }

  async #deletePod(p: { namespace: string; name: string; uid: string }, grace: number | undefined): Promise<void> {
    try {
      await this.#client.delete(PODS, p.namespace, p.name, { ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}), preconditions: { uid: p.uid } })
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e
    }
  }

  /** One pass of pod garbage collection. */
  async runPodGC(): Promise<void> {
    const nodes = new Map<string, Node>()
    for (const n of this.#nodes.list()) nodes.set(n.metadata.name ?? '', n as NodeObj)
    const gcOpts = this.opts.podGC ?? {}
    const plan = planPodGC({
      pods: this.#pods.list() as PodObj[], nodes, orphanSince: this.#orphanSince, now: this.#now(),
      quarantineMs: gcOpts.quarantineMs ?? DEFAULT_QUARANTINE_MS, terminatedThreshold: gcOpts.terminatedThreshold ?? DEFAULT_TERMINATED_THRESHOLD,
    })
    this.#orphanSince = plan.orphans
    for (const a of plan.actions) await this.#applyGC(a)
  }

  async #applyGC(a: PodGCAction): Promise<void> {
    this.stats.gcDeletes++
    try {
      if (a.type === 'forceDelete') {
        if (a.condition) {
          await this.#patchPodStatus(a, {
            phase: 'Failed',
            conditions: [{ type: DISRUPTION_TARGET, status: 'True', reason: a.condition.reason, message: a.condition.message, lastProbeTime: null, lastTransitionTime: iso(this.#now()) }],
          })
        }
        await this.#deletePod(a, 0)
      } else {
        await this.#deletePod(a, undefined)
      }
    } catch (e) {
      log.info('pod GC delete failed', { pod: `${a.namespace}/${a.name}`, err: e })
    }
  }
}

