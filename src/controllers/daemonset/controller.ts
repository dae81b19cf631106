/**
 * The DaemonSet controller's thin loop: a DaemonSetView from the shared caches, planDaemonSet,
 * and the API calls. Pod names are generated, so the loop keeps upstream's expectations:
 * after issuing creates/deletes for a DaemonSet it acts on it again only once the pod cache
 * has seen them (GEN-009). Failed-pod backoff state lives here, between syncs.
 */
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js'
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../../api/index.js'
import { fromLabelSelector, getResource, isAlreadyExists, isConflict, isNotFound, matches } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import { cacheKey } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import { runActions } from '../common/apply.js'
import { statusAfterSync } from '../common/conditions.js'
import type { SyncOutcome } from '../common/conditions.js'
import type { Recorder } from '../common/events.js'
import { Expectations } from '../common/expectations.js'
import { Index, byControllerUid, byNamespace } from '../common/informers.js'
import type { SharedInformers } from '../common/informers.js'
import { getControllerOf } from '../common/owners.js'
import { createRevision } from '../history/create.js'
import type { ControllerRevision } from '../history/revisions.js'
import { nodeShouldRunDaemonPod } from './eligibility.js'
import type { BackoffEntry, DaemonSetAction } from './plan.js'
import { FAILED_POD_BACKOFF, createFailedEvent, createdEvent, deleteFailedEvent, deletedEvent, planDaemonSet } from './plan.js'

const DAEMONSETS = getResource('apps', 'daemonsets')
const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const REVISIONS = getResource('apps', 'controllerrevisions')

const log = logger('controller/daemonset')

export interface DaemonSetControllerOptions {
  client: Client
  informers: SharedInformers
  recorder: Recorder
  /** concurrent syncs (default 2, upstream's ConcurrentDaemonSetSyncs) */
  workers?: number
  now?: () => number
}

type Obj = KubeObject
const asDs = (o: Obj): DaemonSet => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', ...o }) as unknown as DaemonSet

export class DaemonSetController implements Reconciler {
  readonly name = 'daemonset'
  readonly runner: Runner
  readonly expectations: Expectations
  readonly #client: Client
  readonly #recorder: Recorder
  readonly #now: () => number
  readonly #sets
  readonly #nodes
  readonly #podsByOwner: Index<Obj>
  readonly #orphanPods: Index<Obj>
  readonly #revisions: Index<Obj>
  readonly #backoff = new Map<string, BackoffEntry>()
  readonly stats = { syncs: 0, planMs: 0 }

  constructor(opts: DaemonSetControllerOptions) {
    this.#client = opts.client
    this.#recorder = opts.recorder
    this.#now = opts.now ?? Date.now
    this.expectations = new Expectations(5 * 60_000, this.#now)
    this.runner = new Runner(this, { workers: opts.workers ?? 2 })
    const inf = opts.informers
    this.#sets = inf.informer(DAEMONSETS)
    this.#nodes = inf.informer(NODES)
    const pods = inf.informer(PODS)
    this.#podsByOwner = new Index(pods, byControllerUid)
    this.#orphanPods = new Index(pods, (p) => (getControllerOf(p) ? [] : byNamespace(p)))
    const revisions = inf.informer(REVISIONS)
    this.#revisions = new Index(revisions, byNamespace)

    this.#sets.on({
      add: (d) => this.runner.enqueue(cacheKey(d)),
      update: (_o, d) => this.runner.enqueue(cacheKey(d)),
      delete: (d) => {
        this.expectations.forget(cacheKey(d))
        this.runner.enqueue(cacheKey(d))
      },
    })
    this.#nodes.on({
      add: (n) => { for (const d of this.#sets.list()) if (nodeShouldRunDaemonPod(n as unknown as Node, asDs(d)).shouldRun) this.runner.enqueue(cacheKey(d)) },
      update: (old, n) => {
        if (JSON.stringify(old.metadata.labels ?? {}) === JSON.stringify(n.metadata.labels ?? {}) &&
          JSON.stringify((old['spec'] as Node['spec'])?.taints ?? []) === JSON.stringify((n['spec'] as Node['spec'])?.taints ?? [])) return
        for (const d of this.#sets.list()) {
          const a = nodeShouldRunDaemonPod(old as unknown as Node, asDs(d))
          const b = nodeShouldRunDaemonPod(n as unknown as Node, asDs(d))
          if (a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning) this.runner.enqueue(cacheKey(d))
        }
      },
      delete: () => { for (const d of this.#sets.list()) this.runner.enqueue(cacheKey(d)) },
    })
    pods.on({
      add: (p) => {
        const ds = this.#owner(p)
        if (ds) {
          this.expectations.creationObserved(cacheKey(ds))
          this.runner.enqueue(cacheKey(ds))
        } else if (!getControllerOf(p)) this.#enqueueAdopters(p)
      },
      update: (old, p) => {
        if (old.metadata.resourceVersion === p.metadata.resourceVersion) return
        if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
          const ds = this.#owner(p)
          if (ds) this.expectations.deletionObserved(cacheKey(ds))
        }
        const oldDs = this.#owner(old)
        if (oldDs && getControllerOf(old)?.uid !== getControllerOf(p)?.uid) this.runner.enqueue(cacheKey(oldDs))
        const ds = this.#owner(p)
        if (ds) this.runner.enqueue(cacheKey(ds))
        else if (!getControllerOf(p)) this.#enqueueAdopters(p)
      },
      delete: (p) => {
        const ds = this.#owner(p)
        if (!ds) return
        if (!p.metadata.deletionTimestamp) this.expectations.deletionObserved(cacheKey(ds))
        this.runner.enqueue(cacheKey(ds))
      },
    })
    const onRevision = (r: Obj): void => {
      const ds = this.#owner(r)
      if (ds) this.runner.enqueue(cacheKey(ds))
      else if (!getControllerOf(r)) this.#enqueueAdopters(r)
    }
    revisions.on({ add: onRevision, update: (_o, r) => onRevision(r), delete: onRevision })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  #owner(obj: Obj): Obj | undefined {
    const ref = getControllerOf(obj)
    if (ref?.kind !== 'DaemonSet') return undefined
    const ds = this.#sets.get(obj.metadata.namespace, ref.name)
    return ds && ds.metadata.uid === ref.uid ? ds : undefined
  }

  #enqueueAdopters(obj: Obj): void {
    if (obj.metadata.deletionTimestamp) return
    for (const d of this.#sets.list()) {
      if (d.metadata.namespace !== obj.metadata.namespace) continue
      try {
        if (matches(fromLabelSelector(asDs(d).spec?.selector ?? {}), obj.metadata.labels)) this.runner.enqueue(cacheKey(d))
      } catch {
        /* an invalid selector adopts nothing */
      }
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = key.split('/') as [string, string]
    const cached = this.#sets.get(ns, name)
    if (!cached) {
      this.expectations.forget(key)
      return
    }
    const ds = asDs(cached)
    const uid = cached.metadata.uid ?? ''
    const started = performance.now()
    const plan = planDaemonSet({
      ds,
      nodes: this.#nodes.list() as unknown as Node[],
      pods: [...this.#podsByOwner.get(uid), ...this.#orphanPods.get(ns)] as unknown as Pod[],
      revisions: this.#revisions.get(ns) as ControllerRevision[],
      now: this.#now(),
      expectationsSatisfied: this.expectations.satisfied(key),
      backoff: this.#backoff,
    })
    this.stats.syncs++
    this.stats.planMs += performance.now() - started
    if (plan.actions.length) log.debug('plan', { key, actions: plan.actions.map((a) => a.type) })

    const creates = plan.actions.filter((a) => a.type === 'createPod').length
    const deletes = plan.actions.filter((a) => a.type === 'deletePod').length
    if (creates || deletes) this.expectations.expect(key, creates, deletes)
    const attempted = { creates: 0, deletes: 0 }
    // The status goes last, so it can carry a ReplicaFailure condition for a create or delete
    // that failed in this sync (upstream's calculateStatus(…, manageReplicasErr)).
    const planned = plan.actions.find((a): a is Extract<DaemonSetAction, { type: 'updateStatus' }> => a.type === 'updateStatus')?.status
    const actions: DaemonSetAction[] = [...plan.actions.filter((a) => a.type !== 'updateStatus'), { type: 'updateStatus', status: planned ?? emptyStatus }]
    const outcome: SyncOutcome = {}
    let adoptChecked = false
    try {
      await runActions(actions, async (a) => {
        if (a.type === 'updateStatus') {
          const status = statusAfterSync(ds.status, planned, outcome, this.#now())
          if (status) await this.#updateStatus(ds, status as unknown as Record<string, unknown>)
          return
        }
        try {
          if ((a.type === 'adoptPod' || a.type === 'adoptRevision') && !adoptChecked) {
            await this.#checkCanAdopt(ds)
            adoptChecked = true
          }
          if (a.type === 'createPod') attempted.creates++
          if (a.type === 'deletePod') attempted.deletes++
          await this.#apply(key, ds, a)
        } catch (e) {
          noteFailure(outcome, a, e)
          throw e
        }
      }, {
        isFinally: (a) => a.type === 'updateStatus' || a.type === 'setBackoff',
        isCritical: (a) => ['adoptPod', 'releasePod', 'adoptRevision', 'releaseRevision', 'labelRevision', 'createRevision', 'updateRevisionNumber', 'relabelPod'].includes(a.type) ||
          (a.type === 'deleteRevision' && plan.actions.some((b) => b.type === 'relabelPod')),
      })
    } finally {
      // Creates and deletes never attempted (a batch failed first) are not expected any more.
      if (creates > attempted.creates) this.expectations.creationObserved(key, creates - attempted.creates)
      if (deletes > attempted.deletes) this.expectations.deletionObserved(key, deletes - attempted.deletes)
    }
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  async #checkCanAdopt(ds: DaemonSet): Promise<void> {
    const fresh = await this.#client.get(DAEMONSETS, ds.metadata?.namespace, ds.metadata?.name ?? '')
    if (fresh.metadata.uid !== ds.metadata?.uid) throw new Error(`original DaemonSet ${ds.metadata?.namespace ?? ''}/${ds.metadata?.name ?? ''} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${ds.metadata?.uid ?? ''}`)
    if (fresh.metadata.deletionTimestamp) throw new Error(`${ds.metadata?.namespace ?? ''}/${ds.metadata?.name ?? ''} has just been deleted at ${fresh.metadata.deletionTimestamp}`)
  }

  #event(ds: DaemonSet, event: Parameters<Recorder['record']>[1]): void {
    this.#recorder.record({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: ds.metadata }, event)
  }

  async #apply(key: string, ds: DaemonSet, a: DaemonSetAction): Promise<void> {
    const ns = ds.metadata?.namespace ?? ''
    switch (a.type) {
      case 'adoptPod': case 'releasePod': case 'relabelPod':
        await ignoreNotFound(this.#client.patch(PODS, ns, a.name, a.type === 'relabelPod' ? { metadata: { labels: { 'controller-revision-hash': a.hash } } } : a.patch))
        return
      case 'adoptRevision': case 'releaseRevision':
        await ignoreNotFound(this.#client.patch(REVISIONS, ns, a.name, a.patch))
        return
      case 'labelRevision':
        await this.#client.patch(REVISIONS, ns, a.name, { metadata: { labels: a.labels, resourceVersion: a.resourceVersion ?? null } })
        return
      case 'createRevision':
        return createRevision(this.#client, DAEMONSETS, ds as unknown as Obj, a.revision, { refuseStaleCount: true })
      case 'updateRevisionNumber':
        await this.#client.patch(REVISIONS, ns, a.name, { revision: a.revision })
        return
      case 'deleteRevision':
        await ignoreNotFound(this.#client.delete(REVISIONS, ns, a.name))
        return
      case 'createPod': {
        let created: Obj
        try {
          created = await this.#client.create(PODS, ns, a.pod as unknown as Obj)
        } catch (e) {
          this.expectations.creationObserved(key)
          if (isNamespaceTerminating(e)) return
          this.#event(ds, createFailedEvent(errText(e)))
          throw e
        }
        this.#event(ds, createdEvent(created.metadata.name ?? ''))
        return
      }
      case 'deletePod':
        try {
          await this.#client.delete(PODS, ns, a.name)
        } catch (e) {
          this.expectations.deletionObserved(key)
          if (isNotFound(e)) return
          this.#event(ds, deleteFailedEvent(errText(e)))
          throw e
        }
        this.#event(ds, deletedEvent(a.name))
        return
      case 'setBackoff':
        this.#backoff.set(a.key, a.entry)
        this.#gcBackoff()
        return
      case 'recordEvent':
        this.#event(ds, a.event)
        return
      case 'updateStatus':
        return this.#updateStatus(ds, a.status as unknown as Record<string, unknown>)
    }
  }

  /** Drops backoff entries that can no longer matter (flowcontrol.Backoff.GC). */
  #gcBackoff(): void {
    if (this.#backoff.size < 1024) return
    const now = this.#now()
    for (const [k, e] of this.#backoff) if (now - e.updatedAt > 2 * FAILED_POD_BACKOFF.maxMs) this.#backoff.delete(k)
  }

  async #updateStatus(ds: DaemonSet, status: Record<string, unknown>): Promise<void> {
    let target = ds as unknown as Obj
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.updateStatus(DAEMONSETS, { ...target, status })
        return
      } catch (e) {
        if (isNotFound(e)) return
        if (!isConflict(e) || attempt >= 3) throw e
        target = await this.#client.get(DAEMONSETS, ds.metadata?.namespace, ds.metadata?.name ?? '')
        const cur = (target['status'] ?? {}) as Record<string, unknown>
        const conditions = status['conditions']
        status = { ...cur, ...status, collisionCount: cur['collisionCount'] ?? status['collisionCount'] }
        if (status['collisionCount'] === undefined) delete status['collisionCount']
        if (conditions === undefined) delete status['conditions']
      }
    }
  }
}

const emptyStatus: DaemonSetStatus = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }

/** What a failed action means for the ReplicaFailure condition (the first create/delete failure wins). */
function noteFailure(outcome: SyncOutcome, a: DaemonSetAction, e: unknown): void {
  if (a.type === 'createPod') outcome.failure ??= { reason: 'FailedCreate', message: errText(e) }
  else if (a.type === 'deletePod') outcome.failure ??= { reason: 'FailedDelete', message: errText(e) }
  else outcome.otherError = true
}

function isNamespaceTerminating(e: unknown): boolean {
  const causes = (e as { status?: { details?: { causes?: Array<{ reason?: string }> } } }).status?.details?.causes ?? []
  return causes.some((c) => c.reason === 'NamespaceTerminating') || /because it is being terminated/.test(errText(e))
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p
  } catch (e) {
    if (!isNotFound(e)) throw e
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
