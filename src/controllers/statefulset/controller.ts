/**
 * The StatefulSet controller's thin loop: builds a StatefulSetView from the shared informer
 * caches, asks planStatefulSet what to do, and does it through the API client. Created
 * objects have deterministic names, so `AlreadyExists` on create and `NotFound` on delete
 * count as success; every other error fails the key and the runner retries it with backoff.
 */
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StatefulSet } from 'kubernetes-types/apps/v1.js'
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
import { Index, byControllerUid, byNamespace } from '../common/informers.js'
import type { SharedInformers } from '../common/informers.js'
import { getControllerOf } from '../common/owners.js'
import { createRevision } from '../history/create.js'
import type { ControllerRevision } from '../history/revisions.js'
import { claimEvent, planStatefulSet, podEvent } from './plan.js'
import type { StatefulSetAction } from './plan.js'

const STATEFULSETS = getResource('apps', 'statefulsets')
const PODS = getResource('', 'pods')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const REVISIONS = getResource('apps', 'controllerrevisions')

const log = logger('controller/statefulset')

export interface StatefulSetControllerOptions {
  client: Client
  informers: SharedInformers
  recorder: Recorder
  /** concurrent syncs (default 5, upstream's ConcurrentStatefulSetSyncs) */
  workers?: number
  now?: () => number
}

type Obj = KubeObject

export class StatefulSetController implements Reconciler {
  readonly name = 'statefulset'
  readonly runner: Runner
  readonly #client: Client
  readonly #recorder: Recorder
  readonly #now: () => number
  readonly #sets
  readonly #podsByOwner: Index<Obj>
  readonly #orphanPods: Index<Obj>
  readonly #claims: Index<Obj>
  readonly #revisions: Index<Obj>
  /** sync count and time spent planning (for benchmarks) */
  readonly stats = { syncs: 0, planMs: 0 }

  constructor(opts: StatefulSetControllerOptions) {
    this.#client = opts.client
    this.#recorder = opts.recorder
    this.#now = opts.now ?? Date.now
    this.runner = new Runner(this, { workers: opts.workers ?? 5 })
    const inf = opts.informers
    this.#sets = inf.informer(STATEFULSETS)
    const pods = inf.informer(PODS)
    this.#podsByOwner = new Index(pods, byControllerUid)
    this.#orphanPods = new Index(pods, (p) => (getControllerOf(p) ? [] : byNamespace(p)))
    this.#claims = new Index(inf.informer(CLAIMS), byNamespace)
    const revisions = inf.informer(REVISIONS)
    this.#revisions = new Index(revisions, byNamespace)

    this.#sets.on({
      add: (s) => this.runner.enqueue(cacheKey(s)),
      update: (_o, s) => this.runner.enqueue(cacheKey(s)),
      delete: (s) => this.runner.enqueue(cacheKey(s)),
    })
    pods.on({
      add: (p) => this.#enqueueFor(p),
      update: (old, p) => {
        if (old.metadata.resourceVersion === p.metadata.resourceVersion) return
        const oldRef = getControllerOf(old)
        if (oldRef && oldRef.uid !== getControllerOf(p)?.uid) this.#enqueueFor(old)
        this.#enqueueFor(p)
      },
      delete: (p) => this.#enqueueFor(p),
    })
    revisions.on({ add: (r) => this.#enqueueFor(r), delete: (r) => this.#enqueueFor(r) })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  /** Enqueue the set controlling `obj`, or every set in its namespace that could adopt it. */
  #enqueueFor(obj: Obj): void {
    const ref = getControllerOf(obj)
    const ns = obj.metadata.namespace ?? ''
    if (ref) {
      if (ref.kind !== 'StatefulSet') return
      const set = this.#sets.get(ns, ref.name)
      if (set && set.metadata.uid === ref.uid) this.runner.enqueue(cacheKey(set))
      return
    }
    if (obj.metadata.deletionTimestamp) return
    for (const set of this.#sets.list()) {
      if (set.metadata.namespace !== ns) continue
      try {
        const spec = set['spec'] as StatefulSet['spec']
        if (matches(fromLabelSelector(spec?.selector ?? {}), obj.metadata.labels)) this.runner.enqueue(cacheKey(set))
      } catch {
        /* an invalid selector adopts nothing */
      }
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const [ns, name] = key.split('/') as [string, string]
    const cached = this.#sets.get(ns, name)
    if (!cached) return
    const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', ...cached } as unknown as StatefulSet
    const uid = cached.metadata.uid ?? ''
    const claims = new Map<string, PersistentVolumeClaim>()
    for (const c of this.#claims.get(ns)) claims.set(c.metadata.name ?? '', c as unknown as PersistentVolumeClaim)
    const started = performance.now()
    const plan = planStatefulSet({
      set,
      pods: [...this.#podsByOwner.get(uid), ...this.#orphanPods.get(ns)] as unknown as Pod[],
      claims,
      revisions: this.#revisions.get(ns) as ControllerRevision[],
      now: this.#now(),
    })
    this.stats.syncs++
    this.stats.planMs += performance.now() - started
    if (plan.actions.length) log.debug('plan', { key, actions: plan.actions.map((a) => a.type) })
    // The status goes last, so it can carry a ReplicaFailure condition for a create or delete
    // that failed in this sync (upstream's calculateStatus(…, manageReplicasErr)).
    const planned = plan.actions.find((a): a is Extract<StatefulSetAction, { type: 'updateStatus' }> => a.type === 'updateStatus')?.status
    const actions: StatefulSetAction[] = [...plan.actions.filter((a) => a.type !== 'updateStatus'), { type: 'updateStatus', status: planned ?? { replicas: 0 } }]
    const outcome: SyncOutcome = {}
    let adoptChecked = false
    await runActions(actions, async (a) => {
      if (a.type === 'updateStatus') {
        const status = statusAfterSync(set.status, planned, outcome, this.#now())
        if (status) await this.#updateStatus(set, status)
        return
      }
      try {
        if ((a.type === 'adoptPod' || a.type === 'adoptRevision') && !adoptChecked) {
          await this.#checkCanAdopt(set)
          adoptChecked = true
        }
        await this.#apply(set, a)
      } catch (e) {
        noteFailure(outcome, a, e)
        throw e
      }
    }, {
      isFinally: (a) => a.type === 'updateStatus' || a.type === 'deleteRevision',
      isCritical: (a) => a.type === 'createRevision' || a.type === 'updateRevisionNumber' || a.type === 'adoptPod' || a.type === 'releasePod' || a.type === 'adoptRevision',
    })
    if (plan.blocked) throw new Error(`statefulset ${key}: ${plan.blocked}`)
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  /** RecheckDeletionTimestamp: adopt only for a live set with the same UID (uncached read). */
  async #checkCanAdopt(set: StatefulSet): Promise<void> {
    const fresh = await this.#client.get(STATEFULSETS, set.metadata?.namespace, set.metadata?.name ?? '')
    if (fresh.metadata.uid !== set.metadata?.uid) throw new Error(`original StatefulSet ${set.metadata?.namespace ?? ''}/${set.metadata?.name ?? ''} is gone: got uid ${fresh.metadata.uid ?? ''}, wanted ${set.metadata?.uid ?? ''}`)
    if (fresh.metadata.deletionTimestamp) throw new Error(`${set.metadata?.namespace ?? ''}/${set.metadata?.name ?? ''} has just been deleted at ${fresh.metadata.deletionTimestamp}`)
  }

  #event(set: StatefulSet, event: Parameters<Recorder['record']>[1]): void {
    this.#recorder.record({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: set.metadata }, event)
  }

  async #apply(set: StatefulSet, a: StatefulSetAction): Promise<void> {
    const ns = set.metadata?.namespace ?? ''
    const setName = set.metadata?.name ?? ''
    switch (a.type) {
      case 'adoptPod':
      case 'releasePod':
        await ignoreNotFound(this.#client.patch(PODS, ns, a.name, a.patch))
        return
      case 'adoptRevision':
        await ignoreNotFound(this.#client.patch(REVISIONS, ns, a.name, a.patch))
        return
      case 'createRevision':
        return createRevision(this.#client, STATEFULSETS, set as unknown as Obj, a.revision)
      case 'updateRevisionNumber':
        await this.#client.patch(REVISIONS, ns, a.name, { revision: a.revision })
        return
      case 'deleteRevision':
        await ignoreNotFound(this.#client.delete(REVISIONS, ns, a.name))
        return
      case 'createClaims':
        return this.#createClaims(set, a.podName, a.claims)
      case 'createPod': {
        const podName = a.pod.metadata?.name ?? ''
        await this.#createClaims(set, podName, a.claims)
        try {
          await this.#client.create(PODS, ns, a.pod as unknown as Obj)
        } catch (e) {
          if (isAlreadyExists(e)) return
          this.#event(set, podEvent('create', setName, podName, errText(e)))
          throw e
        }
        this.#event(set, podEvent('create', setName, podName))
        return
      }
      case 'updatePod': {
        const podName = a.pod.metadata?.name ?? ''
        try {
          await this.#client.update(PODS, a.pod as unknown as Obj)
        } catch (e) {
          this.#event(set, podEvent('update', setName, podName, errText(e)))
          throw e
        }
        this.#event(set, podEvent('update', setName, podName))
        return
      }
      case 'updateClaimOwners':
        try {
          await this.#client.patch(CLAIMS, ns, a.name, { metadata: { ownerReferences: a.ownerReferences.length ? a.ownerReferences : null, resourceVersion: a.resourceVersion ?? null } })
        } catch (e) {
          if (isNotFound(e)) return
          this.#event(set, podEvent('update', setName, a.podName, `Could not update claim ${a.name} for delete policy ownerRefs: ${errText(e)}`))
          throw e
        }
        return
      case 'deletePod':
        try {
          await this.#client.delete(PODS, ns, a.name, a.uid ? { preconditions: { uid: a.uid } } : {})
        } catch (e) {
          if (isNotFound(e) || isConflict(e)) return
          this.#event(set, podEvent('delete', setName, a.name, errText(e)))
          throw e
        }
        this.#event(set, podEvent('delete', setName, a.name))
        return
      case 'recordEvent':
        this.#event(set, a.event)
        return
      case 'updateStatus':
        return this.#updateStatus(set, a.status)
    }
  }

  async #createClaims(set: StatefulSet, podName: string, claims: readonly PersistentVolumeClaim[]): Promise<void> {
    const ns = set.metadata?.namespace ?? ''
    const setName = set.metadata?.name ?? ''
    for (const claim of claims) {
      const claimName = claim.metadata?.name ?? ''
      try {
        await this.#client.create(CLAIMS, ns, claim as unknown as Obj)
        this.#event(set, claimEvent(setName, podName, claimName))
      } catch (e) {
        if (isAlreadyExists(e)) continue
        this.#event(set, claimEvent(setName, podName, claimName, errText(e)))
        this.#event(set, podEvent('create', setName, podName, `failed to create PVC ${claimName}: ${errText(e)}`))
        throw e
      }
    }
  }

  /** UpdateStatefulSetStatus, retrying conflicts against a fresh read (collisionCount never decreases). */
  async #updateStatus(set: StatefulSet, status: object): Promise<void> {
    let target = set as unknown as Obj
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.updateStatus(STATEFULSETS, { ...target, status })
        return
      } catch (e) {
        if (!isConflict(e) || attempt >= 3) {
          if (isNotFound(e)) return
          throw e
        }
        target = await this.#client.get(STATEFULSETS, set.metadata?.namespace, set.metadata?.name ?? '')
        const cur = (target['status'] ?? {}) as { collisionCount?: number }
        const mine = status as { collisionCount?: number }
        if ((cur.collisionCount ?? 0) > (mine.collisionCount ?? 0)) status = { ...status, collisionCount: cur.collisionCount }
      }
    }
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p
  } catch (e) {
    if (!isNotFound(e)) throw e
  }
}

/** What a failed action means for the ReplicaFailure condition (the first create/delete failure wins). */
function noteFailure(outcome: SyncOutcome, a: StatefulSetAction, e: unknown): void {
  if (a.type === 'createPod' || a.type === 'createClaims') outcome.failure ??= { reason: 'FailedCreate', message: errText(e) }
  else if (a.type === 'deletePod') outcome.failure ??= { reason: 'FailedDelete', message: errText(e) }
  else outcome.otherError = true
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
