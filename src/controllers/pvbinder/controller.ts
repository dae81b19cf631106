/**
 * The PV binder's thin loop: one work queue of `claim:<ns>/<name>` and `volume:<name>` keys
 * and one worker (upstream: syncClaim is not reentrant — two concurrent syncs could bind two
 * claims to one volume), a view built from the informer caches, `planClaim` / `planVolume`,
 * and the writes applied in order through the client.
 *
 * As upstream, the loop remembers the objects it has just written (`#written`) and prefers
 * them to older cached versions, so the events of its own four-write bind do not make it
 * redo the bind against stale data. Every claim and volume is also resynced periodically
 * (a claim with no match binds once a matching volume appears, PV-014).
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import type { KubeObject } from '../../api/index.js'
import { getResource, isNotFound } from '../../api/index.js'
import type { Client, Informer } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import { runActions } from '../common/apply.js'
import type { Recorder } from '../common/events.js'
import { Index } from '../common/informers.js'
import type { SharedInformers } from '../common/informers.js'
import { ANN_BIND_COMPLETED, claimKey, claimRefKey, hasAnnotation, isPodTerminated, podClaimKeys } from '../../api/storage/helpers.js'
import { deleteOutcome, isVolumeReleased, planClaim, planVolume, recycleOutcome } from './plan.js'
import type { BinderAction, RecycleResult } from './plan.js'
import { hostPathReclaimer } from './reclaim.js'
import type { Reclaimer } from './reclaim.js'

export const VOLUMES = getResource('', 'persistentvolumes')
export const CLAIMS = getResource('', 'persistentvolumeclaims')
export const CLASSES = getResource('storage.k8s.io', 'storageclasses')
export const PODS = getResource('', 'pods')
export const NODES = getResource('', 'nodes')

const log = logger('controller/persistentvolume-binder')

export interface PersistentVolumeBinderOptions {
  client: Client
  informers: SharedInformers
  recorder: Recorder
  /** default Date.now */
  now?: () => number
  /** resync every claim and volume this often (default 15 s, upstream's pvClaimSyncPeriod) */
  resyncMs?: number
  /** the data side of Recycle and Delete (default: hostPath on this host) */
  reclaimer?: Reclaimer
}

type Obj = KubeObject

/** Resource versions are etcd revisions: compare numerically. */
function newer(a: Obj | undefined, b: Obj | undefined): boolean {
  const ra = a?.metadata.resourceVersion ?? ''
  const rb = b?.metadata.resourceVersion ?? ''
  if (/^\d+$/.test(ra) && /^\d+$/.test(rb)) return BigInt(ra) > BigInt(rb)
  return false
}

/** The newest of the informer's copy and the one the loop wrote itself. */
class WrittenCache {
  #items = new Map<string, Obj>()
  constructor(private readonly informer: Informer<Obj>) {
    informer.on({
      add: (o) => this.#catchUp(o),
      update: (_old, o) => this.#catchUp(o),
      delete: (o) => this.#items.delete(key(o)),
    })
  }
  #catchUp(o: Obj): void {
    const mine = this.#items.get(key(o))
    if (mine && !newer(mine, o)) this.#items.delete(key(o))
  }
  store(o: Obj): void {
    const cached = this.informer.get(o.metadata.namespace, o.metadata.name ?? '')
    if (!cached || newer(o, cached)) this.#items.set(key(o), o)
  }
  get(namespace: string | undefined, name: string): Obj | undefined {
    const cached = this.informer.get(namespace, name)
    const mine = this.#items.get(namespace ? `${namespace}/${name}` : name)
    if (mine && (!cached || newer(mine, cached))) return mine
    return cached
  }
  list(): Obj[] {
    return this.informer.list().map((o) => {
      const mine = this.#items.get(key(o))
      return mine && newer(mine, o) ? mine : o
    })
  }
}

const key = (o: Obj): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : o.metadata.name ?? '')

export class PersistentVolumeBinder implements Reconciler {
  readonly name = 'persistentvolume-binder'
  readonly runner: Runner
  readonly #client: Client
  readonly #recorder: Recorder
  readonly #now: () => number
  readonly #reclaimer: Reclaimer
  readonly #resyncMs: number
  readonly #volumes: WrittenCache
  readonly #claims: WrittenCache
  readonly #volumeInformer: Informer<Obj>
  readonly #claimInformer: Informer<Obj>
  readonly #classes: Informer<Obj>
  readonly #nodes: Informer<Obj>
  readonly #podsByClaim: Index<Obj>

  constructor(opts: PersistentVolumeBinderOptions) {
    this.#client = opts.client
    this.#recorder = opts.recorder
    this.#now = opts.now ?? Date.now
    this.#reclaimer = opts.reclaimer ?? hostPathReclaimer
    this.#resyncMs = opts.resyncMs ?? 15_000
    this.runner = new Runner(this, { workers: 1 })
    const inf = opts.informers
    this.#volumeInformer = inf.informer(VOLUMES)
    this.#claimInformer = inf.informer(CLAIMS)
    this.#classes = inf.informer(CLASSES)
    this.#nodes = inf.informer(NODES)
    const pods = inf.informer(PODS)
    this.#volumes = new WrittenCache(this.#volumeInformer)
    this.#claims = new WrittenCache(this.#claimInformer)
    this.#podsByClaim = new Index(pods, (p) => podClaimKeys(p as unknown as Pod))

    this.#volumeInformer.on({
      add: (v) => this.#onVolume(v),
      update: (_o, v) => this.#onVolume(v),
      delete: (v) => {
        this.#enqueueVolume(v.metadata.name ?? '')
        const ref = (v as unknown as PersistentVolume).spec?.claimRef
        if (ref) this.#enqueueClaim(claimRefKey(ref))
      },
    })
    this.#claimInformer.on({
      add: (c) => this.#enqueueClaim(key(c)),
      update: (_o, c) => this.#enqueueClaim(key(c)),
      delete: (c) => {
        // The claim is gone: its volume is released.
        const name = (c as unknown as PersistentVolumeClaim).spec?.volumeName
        if (name) this.#enqueueVolume(name)
      },
    })
    this.#classes.on({ add: () => this.#enqueueUnboundClaims(), update: () => this.#enqueueUnboundClaims() })
    const onPod = (p: Obj): void => {
      for (const k of podClaimKeys(p as unknown as Pod)) {
        const [ns, name] = splitKey(k)
        const claim = this.#claims.get(ns, name)
        if (claim && !hasAnnotation(claim, ANN_BIND_COMPLETED)) this.#enqueueClaim(k)
      }
    }
    pods.on({ add: onPod, update: (_o, p) => onPod(p), delete: onPod })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
    this.#resyncAll()
    const t = setInterval(() => this.#resyncAll(), this.#resyncMs)
    t.unref()
    signal.addEventListener('abort', () => clearInterval(t), { once: true })
  }

  #resyncAll(): void {
    for (const v of this.#volumeInformer.list()) this.#enqueueVolume(v.metadata.name ?? '')
    for (const c of this.#claimInformer.list()) this.#enqueueClaim(key(c))
  }

  #onVolume(v: Obj): void {
    this.#enqueueVolume(v.metadata.name ?? '')
    const pv = v as unknown as PersistentVolume
    if (pv.spec?.claimRef) this.#enqueueClaim(claimRefKey(pv.spec.claimRef))
    else if (pv.status?.phase === 'Available') this.#enqueueUnboundClaims()
  }

  #enqueueUnboundClaims(): void {
    for (const c of this.#claimInformer.list()) if (!hasAnnotation(c, ANN_BIND_COMPLETED)) this.#enqueueClaim(key(c))
  }

  #enqueueClaim(k: string): void {
    this.runner.enqueue(`claim:${k}`)
  }

  #enqueueVolume(name: string): void {
    this.runner.enqueue(`volume:${name}`)
  }

  async reconcile(k: string): Promise<ReconcileResult | void> {
    if (k.startsWith('claim:')) return this.#syncClaim(k.slice('claim:'.length))
    if (k.startsWith('volume:')) return this.#syncVolume(k.slice('volume:'.length))
    return undefined
  }

  #baseView(): { volumes: PersistentVolume[]; classes: StorageClass[]; nodes: Map<string, Node>; now: number } {
    return {
      volumes: this.#volumes.list() as unknown as PersistentVolume[],
      classes: this.#classes.list() as unknown as StorageClass[],
      nodes: new Map(this.#nodes.list().map((n) => [n.metadata.name ?? '', n as unknown as Node])),
      now: this.#now(),
    }
  }

  async #syncClaim(k: string): Promise<ReconcileResult | void> {
    const [ns, name] = splitKey(k)
    const claim = this.#claims.get(ns, name) as unknown as PersistentVolumeClaim | undefined
    if (!claim) return undefined
    const pods = this.#podsByClaim.get(k) as unknown as Pod[]
    const plan = planClaim({ ...this.#baseView(), claim, pods })
    await this.#run(plan.actions, `claim ${k}`)
    if (plan.blocked) throw new Error(plan.blocked)
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  async #syncVolume(name: string): Promise<ReconcileResult | void> {
    const volume = this.#volumes.get(undefined, name) as unknown as PersistentVolume | undefined
    if (!volume) return undefined
    const ref = volume.spec?.claimRef
    let claim: PersistentVolumeClaim | undefined
    if (ref?.uid) {
      claim = this.#claims.get(ref.namespace, ref.name ?? '') as unknown as PersistentVolumeClaim | undefined
      const phase = volume.status?.phase
      if ((!claim || claim.metadata?.uid !== ref.uid) && phase !== 'Released' && phase !== 'Failed') {
        // Before declaring the volume released (and reclaiming it), ask the API server: the
        // claim may be newer than our cache (created by a provisioner or the scheduler).
        claim = await this.#getClaimLive(ref.namespace ?? '', ref.name ?? '')
      }
    }
    const plan = planVolume({ volume, claim, now: this.#now() })
    await this.#run(plan.actions, `volume ${name}`)
    if (plan.blocked) throw new Error(plan.blocked)
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  async #getClaimLive(ns: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    try {
      const c = await this.#client.get(CLAIMS, ns, name)
      this.#claims.store(c)
      return c as unknown as PersistentVolumeClaim
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  async #getVolumeLive(name: string): Promise<PersistentVolume | undefined> {
    try {
      const v = await this.#client.get(VOLUMES, undefined, name)
      this.#volumes.store(v)
      return v as unknown as PersistentVolume
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  /** Applies actions in order; stops at the first failure. */
  async #run(actions: readonly BinderAction[], what: string): Promise<void> {
    if (actions.length === 0) return
    log.debug('plan', { what, actions: actions.map((a) => a.type) })
    // The resourceVersion each object was last written at during this run.
    const versions = new Map<string, string>()
    const withVersion = <T extends PersistentVolume | PersistentVolumeClaim>(obj: T, id: string): Obj => {
      const rv = versions.get(id) ?? obj.metadata?.resourceVersion
      return { ...(obj as unknown as Obj), metadata: { ...(obj.metadata ?? {}), ...(rv ? { resourceVersion: rv } : {}) } }
    }
    const written = (id: string, o: Obj, cache: WrittenCache): void => {
      if (o.metadata.resourceVersion) versions.set(id, o.metadata.resourceVersion)
      cache.store(o)
    }
    await runActions(actions, async (a) => {
      switch (a.type) {
        case 'updateVolume': {
          const id = `pv/${a.volume.metadata?.name ?? ''}`
          written(id, await this.#client.update(VOLUMES, withVersion(a.volume, id)), this.#volumes)
          return
        }
        case 'updateVolumeStatus': {
          const id = `pv/${a.volume.metadata?.name ?? ''}`
          written(id, await this.#client.updateStatus(VOLUMES, withVersion(a.volume, id)), this.#volumes)
          return
        }
        case 'updateClaim': {
          const id = `pvc/${claimKey(a.claim)}`
          written(id, await this.#client.update(CLAIMS, withVersion(a.claim, id)), this.#claims)
          return
        }
        case 'updateClaimStatus': {
          const id = `pvc/${claimKey(a.claim)}`
          written(id, await this.#client.updateStatus(CLAIMS, withVersion(a.claim, id)), this.#claims)
          return
        }
        case 'recordEvent':
          this.#recorder.record(a.object, a.event)
          return
        case 'enqueueClaim':
          this.#enqueueClaim(a.key)
          return
        case 'reclaimVolume':
          if (a.method === 'recycle') await this.#recycle(a.volume)
          else await this.#delete(a.volume)
          return
      }
    })
  }

  /** `recycleVolumeOperation`: fresh reads, the checks, the scrub, then the outcome's writes. */
  async #recycle(planned: PersistentVolume): Promise<void> {
    const name = planned.metadata?.name ?? ''
    const volume = await this.#getVolumeLive(name)
    if (!volume) return
    const result = await this.#recycleResult(volume)
    log.info('recycle', { volume: name, result: result.type, ...(result.type === 'failed' ? { err: result.error } : {}) })
    await this.#run(recycleOutcome(volume, result, this.#now()), `volume ${name}`)
  }

  async #recycleResult(volume: PersistentVolume): Promise<RecycleResult> {
    const ref = volume.spec?.claimRef
    const claim = ref ? await this.#getClaimLive(ref.namespace ?? '', ref.name ?? '') : undefined
    if (!isVolumeReleased(volume, claim)) return { type: 'notReleased' }
    if (ref) {
      const users = (this.#podsByClaim.get(claimRefKey(ref)) as unknown as Pod[])
        .filter((p) => !isPodTerminated(p))
        .map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`)
        .sort()
      // A claim with the same name that exists now is a different claim: its pods use another volume.
      if (users.length && !claim) return { type: 'inUse', pods: users }
    }
    try {
      await this.#reclaimer.recycle(volume)
      return { type: 'recycled' }
    } catch (e) {
      return { type: 'failed', error: e instanceof Error ? e.message : String(e) }
    }
  }

  /** `deleteVolumeOperation` for the in-tree (hostPath) deleter. */
  async #delete(planned: PersistentVolume): Promise<void> {
    const name = planned.metadata?.name ?? ''
    const volume = await this.#getVolumeLive(name)
    if (!volume) return
    const ref = volume.spec?.claimRef
    const claim = ref ? await this.#getClaimLive(ref.namespace ?? '', ref.name ?? '') : undefined
    let outcome
    if (!isVolumeReleased(volume, claim)) {
      outcome = deleteOutcome(volume, { type: 'notReleased' }, this.#now())
    } else {
      try {
        await this.#reclaimer.delete(volume)
        outcome = deleteOutcome(volume, { type: 'deleted' }, this.#now())
      } catch (e) {
        outcome = deleteOutcome(volume, { type: 'failed', error: e instanceof Error ? e.message : String(e) }, this.#now())
      }
    }
    if (outcome === 'deleteVolume') {
      log.info('deleting volume', { volume: name })
      try {
        await this.#client.delete(VOLUMES, undefined, name)
      } catch (e) {
        if (!isNotFound(e)) throw e
      }
    } else {
      await this.#run(outcome, `volume ${name}`)
    }
  }
}

function splitKey(k: string): [string, string] {
  const i = k.indexOf('/')
  return i < 0 ? ['', k] : [k.slice(0, i), k.slice(i + 1)]
}
