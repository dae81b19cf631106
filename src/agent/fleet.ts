/**
 * AgentFleet: one or many node agents in one process (`kubeling agent --count N`, and the
 * simulated nodes of `kubeling up`). Everything that would otherwise be per node is shared:
 *
 * - ONE pod informer (`spec.nodeName!=`, or the one `kubeling up` already runs) whose events
 *   are routed to the owning node by `spec.nodeName`, and ONE node informer;
 * - ONE work queue of pod uids served by a pool of async workers (no two workers ever sync
 *   the same pod at once);
 * - ONE heartbeat timer: each node's Lease renewal is due at its own staggered offset within
 *   the interval (node i of N starts at i/N of it), and at most `concurrency` renewals are in
 *   flight. The interval grows with the fleet so that renewals stay under `maxPerSecond`
 *   (default 250/s), but never beyond half the lifecycle controller's grace period. Node
 *   status is written only when it changed or every 5 minutes (kubelet's report interval).
 * - ONE claim and ONE volume informer: a pod starts only once its claims are bound and their
 *   volumes exist (`podVolumesReady`); pods waiting for them are synced again when one of
 *   their claims, or a volume naming one of them, changes.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../api/index.js'
import { getResource, isAlreadyExists, isNotFound } from '../api/index.js'
import { podClaimNames } from '../api/storage/index.js'
import type { PodVolumesView } from '../api/storage/index.js'
import { Informer, WorkQueue, cacheKey } from '../client/index.js'
import type { Client } from '../client/index.js'
import { logger } from '../lib/log.js'
import type { Clock, ContainerRuntime } from './runtime/index.js'
import { realClock } from './runtime/index.js'
import type { EventObject, EventRecorder, EventRecorderFactory } from './events.js'
import { noEvents, REASON_NODE_NOT_SCHEDULABLE, REASON_NODE_READY, REASON_NODE_SCHEDULABLE, REASON_STARTING } from './events.js'
import {
  LEASE_NAMESPACE, initialNode, leaseRenewTime, nodeLabels, nodeLease, nodeStatus, nodeStatusNeedsUpdate,
} from './node-status.js'
import type { NodeIdentity } from './node-status.js'
import { newPodRecord, syncPod } from './pod-sync.js'
import type { NodeContext, PodObject, PodRecord } from './pod-sync.js'

const log = logger('agent')
const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const LEASES = getResource('coordination.k8s.io', 'leases')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const VOLUMES = getResource('', 'persistentvolumes')

export type NodeObject = Node & KubeObject
export type ClaimObject = PersistentVolumeClaim & KubeObject
export type VolumeObject = PersistentVolume & KubeObject

export interface FleetNode {
  identity: NodeIdentity
  runtime: ContainerRuntime
}

export interface HeartbeatOptions {
  /** fixed renewal interval; default: max(10 s, nodes / maxPerSecond), capped at 20 s */
  intervalMs?: number
  maxPerSecond?: number
  /** renewals in flight (default 256: a slow API must not stretch the interval) */
  concurrency?: number
}

export interface FleetOptions {
  client: Client
  nodes: FleetNode[]
  events?: EventRecorderFactory
  /** shared informers (already running) from the caller */
  podInformer?: Informer<PodObject>
  nodeInformer?: Informer<NodeObject>
  /** claims and volumes, for the mount check (default: the fleet's own) */
  claimInformer?: Informer<ClaimObject>
  volumeInformer?: Informer<VolumeObject>
  /** pod sync workers (default 256; simulated pulls and starts are timers, so many are cheap) */
  workers?: number
  heartbeat?: HeartbeatOptions
  clock?: Clock
  /** registration requests in flight (default 32) */
  registerConcurrency?: number
}

interface AgentNode extends NodeContext {
  readonly identity: NodeIdentity
  uid: string | undefined
  nextBeat: number
  beating: boolean
  lastReady: boolean
  unschedulable: boolean | undefined
}

const nodeRef = (n: AgentNode): EventObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, uid: n.name } })

export class AgentFleet {
  readonly #nodes = new Map<string, AgentNode>()
  readonly #records = new Map<string, PodRecord>()
  readonly #queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 30_000 })
  readonly #pods: Informer<PodObject>
  readonly #nodeInformer: Informer<NodeObject>
  readonly #claims: Informer<ClaimObject>
  readonly #volumes: Informer<VolumeObject>
  readonly #volumeView: PodVolumesView
  /** uids of pods waiting for their claims or volumes (kept by syncPod) */
  readonly #volumeWaiters = new Set<string>()
  readonly #own: Array<Informer<KubeObject>> = []
  readonly #clock: Clock
  readonly #intervalMs: number
  #registered = false
  #registeredWaiters: Array<() => void> = []
  /** counters for benchmarks */
  readonly stats = { syncs: 0, syncErrors: 0, leaseRenewals: 0, nodeStatusWrites: 0, statusWrites: 0, deletes: 0 }

  constructor(private readonly opts: FleetOptions) {
    this.#clock = opts.clock ?? realClock
    const eventsFor = opts.events ?? ((): EventRecorder => noEvents)
    for (const n of opts.nodes) {
      n.identity.seed ??= n.identity.name
      this.#nodes.set(n.identity.name, {
        name: n.identity.name, hostIP: n.identity.address, runtime: n.runtime, events: eventsFor(n.identity.name), identity: n.identity,
        uid: undefined, nextBeat: 0, beating: false, lastReady: false, unschedulable: undefined,
      })
    }
    const count = opts.nodes.length
    const hb = opts.heartbeat ?? {}
    this.#intervalMs = hb.intervalMs ?? Math.min(20_000, Math.max(10_000, Math.ceil((count / (hb.maxPerSecond ?? 250)) * 1000)))
    const only = count === 1 ? opts.nodes[0]!.identity.name : undefined
    this.#pods = opts.podInformer ?? this.#track(new Informer<PodObject>(opts.client, PODS, { fieldSelector: only ? `spec.nodeName=${only}` : 'spec.nodeName!=' }))
    this.#nodeInformer = opts.nodeInformer ?? this.#track(new Informer<NodeObject>(opts.client, NODES, only ? { fieldSelector: `metadata.name=${only}` } : {}))
    this.#pods.on({
      add: (p) => this.#onPod(p),
      update: (_old, p) => this.#onPod(p),
      delete: (p) => this.#onPodDeleted(p),
    })
    this.#nodeInformer.on({
      add: (n) => this.#onNode(n),
      update: (_o, n) => this.#onNode(n),
    })
    this.#claims = opts.claimInformer ?? this.#track(new Informer<ClaimObject>(opts.client, CLAIMS))
    this.#volumes = opts.volumeInformer ?? this.#track(new Informer<VolumeObject>(opts.client, VOLUMES))
    this.#volumeView = {
      claim: (namespace, name) => this.#claims.get(namespace, name),
      volume: (name) => this.#volumes.get(undefined, name),
    }
    const onClaim = (c: ClaimObject): void => this.#onClaimChanged(c.metadata.namespace ?? '', c.metadata.name ?? '')
    const onVolume = (v: VolumeObject): void => {
      const ref = v.spec?.claimRef
      if (ref?.name) this.#onClaimChanged(ref.namespace ?? '', ref.name)
    }
    this.#claims.on({ add: onClaim, update: (_o, c) => onClaim(c), delete: onClaim })
    this.#volumes.on({ add: onVolume, update: (_o, v) => onVolume(v), delete: onVolume })
    for (const n of this.#nodes.values()) {
      n.runtime.onEvent((e) => {
        if (this.#records.has(e.podUid)) this.#queue.add(e.podUid)
      })
    }
  }

  #track<T extends KubeObject>(inf: Informer<T>): Informer<T> {
    this.#own.push(inf as unknown as Informer<KubeObject>)
    return inf
  }

  get heartbeatIntervalMs(): number {
    return this.#intervalMs
  }

  get nodeNames(): string[] {
    return [...this.#nodes.keys()]
  }

  get podCount(): number {
    return this.#records.size
  }

  /** Resolves once every node has been registered. */
  registered(): Promise<void> {
    if (this.#registered) return Promise.resolve()
    return new Promise((r) => this.#registeredWaiters.push(r))
  }

  #onPod(p: PodObject): void {
    const nodeName = p.spec?.nodeName
    if (!nodeName || !this.#nodes.has(nodeName)) return
    const uid = p.metadata.uid ?? ''
    const rec = this.#records.get(uid)
    if (rec) rec.pod = p
    else this.#records.set(uid, newPodRecord(p))
    this.#queue.add(uid)
  }

  /** Syncs again the waiting pods that use claim `namespace/name`. */
  #onClaimChanged(namespace: string, name: string): void {
    for (const uid of this.#volumeWaiters) {
      const rec = this.#records.get(uid)
      if (!rec) {
        this.#volumeWaiters.delete(uid)
        continue
      }
      if (rec.pod.metadata.namespace === namespace && podClaimNames(rec.pod).includes(name)) this.#queue.add(uid)
    }
  }

  #onPodDeleted(p: PodObject): void {
    const rec = this.#records.get(p.metadata.uid ?? '')
    if (!rec) return
    rec.gone = true
    this.#queue.add(rec.uid)
  }

  #onNode(n: NodeObject): void {
    const agent = this.#nodes.get(n.metadata.name ?? '')
    if (!agent) return
    const unschedulable = n.spec?.unschedulable === true
    if (agent.unschedulable !== undefined && agent.unschedulable !== unschedulable) {
      agent.events.event(nodeRef(agent), 'Normal', unschedulable ? REASON_NODE_NOT_SCHEDULABLE : REASON_NODE_SCHEDULABLE,
        `Node ${agent.name} status is now: ${unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable'}`)
    }
    agent.unschedulable = unschedulable
    // Someone (the lifecycle controller) said we are not ready: answer at the next beat.
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready')
    if (this.#registered && ready?.status !== 'True') agent.nextBeat = Math.min(agent.nextBeat, this.#clock.now())
  }

  /** Registers the nodes, then runs informers, workers and heartbeats until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    for (const inf of this.#own) void inf.run(signal)
    signal.addEventListener('abort', () => this.#queue.shutDown(), { once: true })
    await this.#registerAll(signal)
    if (signal.aborted) return
    this.#registered = true
    for (const w of this.#registeredWaiters.splice(0)) w()
    await Promise.all([this.#pods, this.#nodeInformer, this.#claims, this.#volumes].map((i) => i.synced()))
    const workers: Promise<void>[] = []
    for (let i = 0; i < (this.opts.workers ?? 256); i++) workers.push(this.#worker(signal))
    const beats = this.#heartbeats(signal)
    await Promise.all([...workers, beats])
    await Promise.all([...this.#nodes.values()].map((n) => n.runtime.close()))
  }

  async #registerAll(signal: AbortSignal): Promise<void> {
    const queue = [...this.#nodes.values()]
    const start = this.#clock.now()
    const n = queue.length
    queue.forEach((a, i) => { a.nextBeat = start + Math.floor((this.#intervalMs * i) / n) })
    const worker = async (): Promise<void> => {
      for (;;) {
        const a = queue.shift()
        if (!a || signal.aborted) return
        for (let attempt = 0; !signal.aborted; attempt++) {
          try {
            await this.#register(a)
            break
          } catch (e) {
            if (attempt === 0 || attempt % 10 === 0) log.warn('node registration failed; retrying', { node: a.name, err: e })
            await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))))
          }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(n, this.opts.registerConcurrency ?? 32) }, worker))
  }

  async #register(a: AgentNode): Promise<void> {
    const client = this.opts.client
    const now = this.#clock.now()
    let node: NodeObject
    try {
      node = await client.create<NodeObject>(NODES, undefined, initialNode(a.identity, now) as NodeObject)
      a.events.event(nodeRef(a), 'Normal', REASON_STARTING, 'Starting kubelet.')
      for (const [reason, what] of [['NodeHasSufficientMemory', 'NodeHasSufficientMemory'], ['NodeHasNoDiskPressure', 'NodeHasNoDiskPressure'], ['NodeHasSufficientPID', 'NodeHasSufficientPID']] as const) {
        a.events.event(nodeRef(a), 'Normal', reason, `Node ${a.name} status is now: ${what}`)
      }
    } catch (e) {
      if (!isAlreadyExists(e)) throw e
      const existing = await client.get<NodeObject>(NODES, undefined, a.name)
      // Keep the CIDR the node already has; refresh the labels and the status we own.
      const cidr = existing.spec?.podCIDR
      if (cidr && cidr !== a.identity.podCIDR) a.identity.podCIDR = cidr
      node = await client.patch<NodeObject>(NODES, undefined, a.name, { metadata: { labels: nodeLabels(a.identity) } }, { type: 'merge' })
      a.events.event(nodeRef(a), 'Normal', REASON_STARTING, 'Starting kubelet.')
      await client.patch(NODES, undefined, a.name, { status: nodeStatus(a.identity, now, existing.status) }, { type: 'merge', subresource: 'status' })
    }
    a.uid = node.metadata.uid
    await a.runtime.updateRuntimeConfig({ podCIDR: a.identity.podCIDR })
    await this.#renewLease(a)
    a.lastReady = true
    a.events.event(nodeRef(a), 'Normal', REASON_NODE_READY, `Node ${a.name} status is now: NodeReady`)
  }

  async #renewLease(a: AgentNode): Promise<void> {
    const client = this.opts.client
    const now = this.#clock.now()
    try {
      await client.patch(LEASES, LEASE_NAMESPACE, a.name, { spec: { renewTime: leaseRenewTime(now), holderIdentity: a.name } }, { type: 'merge' })
    } catch (e) {
      if (!isNotFound(e)) throw e
      try {
        await client.create(LEASES, LEASE_NAMESPACE, nodeLease(a.name, a.uid, now) as unknown as KubeObject)
      } catch (e2) {
        if (!isAlreadyExists(e2)) throw e2
      }
    }
    this.stats.leaseRenewals++
  }

  async #beat(a: AgentNode): Promise<void> {
    const stored = this.#nodeInformer.get(undefined, a.name)
    if (this.#nodeInformer.hasSynced && !stored) return // deleted (kubectl delete node): the kubelet does not re-register
    await this.#renewLease(a)
    const now = this.#clock.now()
    const desired = nodeStatus(a.identity, now, stored?.status)
    if (nodeStatusNeedsUpdate(stored?.status, desired, now)) {
      await this.opts.client.patch(NODES, undefined, a.name, { status: desired }, { type: 'merge', subresource: 'status' })
      this.stats.nodeStatusWrites++
      const wasReady = stored?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
      if (!wasReady) a.events.event(nodeRef(a), 'Normal', REASON_NODE_READY, `Node ${a.name} status is now: NodeReady`)
    }
  }

  async #heartbeats(signal: AbortSignal): Promise<void> {
    const limit = this.opts.heartbeat?.concurrency ?? 256
    const agents = [...this.#nodes.values()]
    let inFlight = 0
    let cursor = 0
    // Round-robin from where the last tick stopped, so that when the API is slow every
    // node still gets its turn (the most overdue ones first).
    const tick = (): void => {
      const now = this.#clock.now()
      for (let seen = 0; seen < agents.length && inFlight < limit; seen++) {
        const a = agents[cursor]!
        cursor = (cursor + 1) % agents.length
        if (a.beating || a.nextBeat > now) continue
        a.beating = true
        inFlight++
        this.#beat(a)
          .catch((e: unknown) => log.info('heartbeat failed', { node: a.name, err: e }))
          .finally(() => {
            a.beating = false
            a.nextBeat = this.#clock.now() + this.#intervalMs
            inFlight--
          })
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setInterval(tick, 200)
      signal.addEventListener('abort', () => {
        clearInterval(timer)
        resolve()
      }, { once: true })
    })
  }

  async #worker(signal: AbortSignal): Promise<void> {
    for (;;) {
      const uid = await this.#queue.get()
      if (uid === undefined || signal.aborted) return
      const rec = this.#records.get(uid)
      const node = rec ? this.#nodes.get(rec.nodeName) : undefined
      if (!rec || !node) {
        this.#queue.done(uid)
        continue
      }
      try {
        this.stats.syncs++
        const res = await syncPod(node, rec, {
          client: this.opts.client, clock: this.#clock, stats: this.stats, volumes: this.#volumeView, volumeWaiters: this.#volumeWaiters,
        })
        this.#queue.forget(uid)
        if (res.forget) {
          this.#volumeWaiters.delete(uid)
          if (this.#records.get(uid) === rec) this.#records.delete(uid)
        } else if (res.requeueAfterMs !== undefined) this.#queue.addAfter(uid, res.requeueAfterMs)
      } catch (e) {
        this.stats.syncErrors++
        log.info('pod sync failed; retrying', { pod: cacheKey(rec.pod), node: node.name, err: e })
        this.#queue.addRateLimited(uid)
      } finally {
        this.#queue.done(uid)
      }
    }
  }
}
