/**
 * The pvc-protection and pv-protection controllers' thin loops (one runner each, as
 * upstream). Finalizer changes are merge patches guarded by the cached resourceVersion: a
 * stale cache gives a Conflict and a retry, never a lost finalizer. Before removing a claim's
 * finalizer the loop lists the namespace's pods from the API server, as upstream's
 * askAPIServer, so a pod the cache has not seen yet still protects the claim.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../../api/index.js'
import { getResource, isNotFound } from '../../api/index.js'
import type { Client, Informer } from '../../client/index.js'
import { cacheKey } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import { Index } from '../common/informers.js'
import type { SharedInformers } from '../common/informers.js'
import { podClaimKeys } from '../../api/storage/helpers.js'
import { planClaimProtection, planVolumeProtection } from './plan.js'
import type { ProtectionAction } from './plan.js'

const VOLUMES = getResource('', 'persistentvolumes')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const PODS = getResource('', 'pods')

const log = logger('controller/storage-protection')

export interface ProtectionControllerOptions {
  client: Client
  informers: SharedInformers
}

type Obj = KubeObject

async function setFinalizers(client: Client, info: typeof CLAIMS, ns: string | undefined, name: string, a: ProtectionAction): Promise<void> {
  try {
    await client.patch(info, ns, name, { metadata: { finalizers: a.finalizers.length ? a.finalizers : null, resourceVersion: a.resourceVersion ?? null } })
  } catch (e) {
    if (!isNotFound(e)) throw e
  }
}

/** `kubernetes.io/pvc-protection`: a claim used by a pod stays until the pod is gone. */
export class PvcProtectionController implements Reconciler {
  readonly name = 'pvc-protection'
  readonly runner = new Runner(this, { workers: 2 })
  readonly #client: Client
  readonly #claims: Informer<Obj>
  readonly #podsByClaim: Index<Obj>

  constructor(opts: ProtectionControllerOptions) {
    this.#client = opts.client
    this.#claims = opts.informers.informer(CLAIMS)
    const pods = opts.informers.informer(PODS)
    this.#podsByClaim = new Index(pods, (p) => podClaimKeys(p as unknown as Pod))
    this.#claims.on({ add: (c) => this.runner.enqueue(cacheKey(c)), update: (_o, c) => this.runner.enqueue(cacheKey(c)) })
    // A pod that goes away (or finishes) may release its claims.
    const onPod = (p: Obj): void => { for (const k of podClaimKeys(p as unknown as Pod)) this.runner.enqueue(k) }
    pods.on({ add: onPod, update: (_o, p) => onPod(p), delete: onPod })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const i = key.indexOf('/')
    const ns = key.slice(0, i)
    const name = key.slice(i + 1)
    const cached = this.#claims.get(ns, name)
    if (!cached) return
    const claim = cached as unknown as PersistentVolumeClaim
    let plan = planClaimProtection(claim, this.#podsByClaim.get(key) as unknown as Pod[])
    const action = plan.actions[0]
    if (!action) {
      if (plan.users.length && claim.metadata?.deletionTimestamp) log.debug('keeping claim: in use', { claim: key, pods: plan.users })
      return
    }
    if (action.reason === 'remove') {
      // askAPIServer: the cache may not have seen a pod that uses the claim yet.
      const live = await this.#client.list(PODS, ns)
      plan = planClaimProtection(claim, live.items as unknown as Pod[])
      if (!plan.actions[0]) return
    }
    await setFinalizers(this.#client, CLAIMS, ns, name, plan.actions[0] ?? action)
  }
}

/** `kubernetes.io/pv-protection`: a Bound volume stays until it is released. */
export class PvProtectionController implements Reconciler {
  readonly name = 'pv-protection'
  readonly runner = new Runner(this, { workers: 2 })
  readonly #client: Client
  readonly #volumes: Informer<Obj>

  constructor(opts: ProtectionControllerOptions) {
    this.#client = opts.client
    this.#volumes = opts.informers.informer(VOLUMES)
    this.#volumes.on({ add: (v) => this.runner.enqueue(cacheKey(v)), update: (_o, v) => this.runner.enqueue(cacheKey(v)) })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const cached = this.#volumes.get(undefined, name)
    if (!cached) return
    const action = planVolumeProtection(cached as unknown as PersistentVolume).actions[0]
    if (!action) return
    await setFinalizers(this.#client, VOLUMES, undefined, name, action)
  }
}
