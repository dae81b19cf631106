/**
 * The local-path provisioner's thin loop: claims (`claim:<ns>/<name>`: provision, expand)
 * and volumes (`volume:<name>`: delete) from the shared caches, the pure plans, and the
 * directory work on this host under `volumesDir` (simulated nodes share the host; every path
 * it creates or removes is exactly `<volumesDir>/<pv-name>`). At start it creates the default
 * StorageClass `standard` unless it exists or another class is already the default.
 */
import { mkdir, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import type { KubeObject } from '../../api/index.js'
import { getResource, isAlreadyExists, isNotFound } from '../../api/index.js'
import type { Client, Informer } from '../../client/index.js'
import { cacheKey, sleep } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import { runActions } from '../common/apply.js'
import type { Recorder } from '../common/events.js'
import type { SharedInformers } from '../common/informers.js'
import { defaultClass } from '../../api/storage/helpers.js'
import { DEFAULT_CLASS_NAME, defaultStorageClass, planExpansion, planProvision, planVolumeDeletion, volumeDirectory } from './plan.js'
import type { ProvisionerAction } from './plan.js'

const VOLUMES = getResource('', 'persistentvolumes')
const CLAIMS = getResource('', 'persistentvolumeclaims')
const CLASSES = getResource('storage.k8s.io', 'storageclasses')
const NODES = getResource('', 'nodes')

const log = logger('controller/local-path-provisioner')

export interface LocalPathProvisionerOptions {
  client: Client
  informers: SharedInformers
  recorder: Recorder
  /** where volume directories go: `<dataDir>/volumes` */
  volumesDir: string
  /** create the default class `standard` at start when missing (default true) */
  createDefaultClass?: boolean
}

type Obj = KubeObject

export class LocalPathProvisioner implements Reconciler {
  readonly name = 'local-path-provisioner'
  readonly runner = new Runner(this, { workers: 2 })
  readonly #client: Client
  readonly #recorder: Recorder
  readonly #volumesDir: string
  readonly #createDefaultClass: boolean
  readonly #claims: Informer<Obj>
  readonly #volumes: Informer<Obj>
  readonly #classes: Informer<Obj>
  readonly #nodes: Informer<Obj>

  constructor(opts: LocalPathProvisionerOptions) {
    this.#client = opts.client
    this.#recorder = opts.recorder
    this.#volumesDir = resolve(opts.volumesDir)
    this.#createDefaultClass = opts.createDefaultClass ?? true
    this.#claims = opts.informers.informer(CLAIMS)
    this.#volumes = opts.informers.informer(VOLUMES)
    this.#classes = opts.informers.informer(CLASSES)
    this.#nodes = opts.informers.informer(NODES)
    const onClaim = (c: Obj): void => this.runner.enqueue(`claim:${cacheKey(c)}`)
    this.#claims.on({ add: onClaim, update: (_o, c) => onClaim(c) })
    const onVolume = (v: Obj): void => {
      this.runner.enqueue(`volume:${v.metadata.name ?? ''}`)
      const ref = (v as unknown as PersistentVolume).spec?.claimRef
      if (ref) this.runner.enqueue(`claim:${ref.namespace ?? ''}/${ref.name ?? ''}`)
    }
    this.#volumes.on({ add: onVolume, update: (_o, v) => onVolume(v) })
  }

  /** Starts the workers and, in the background, makes sure the default class exists. */
  start(signal: AbortSignal): void {
    this.runner.start(signal)
    if (this.#createDefaultClass) void this.#ensureDefaultClass(signal)
  }

  async #ensureDefaultClass(signal: AbortSignal): Promise<void> {
    for (let delay = 200; !signal.aborted; delay = Math.min(delay * 2, 10_000)) {
      try {
        const classes = this.#classes.list() as unknown as StorageClass[]
        if (classes.some((c) => c.metadata?.name === DEFAULT_CLASS_NAME)) return
        const sc = defaultStorageClass()
        if (defaultClass(classes)) {
          // Another class is the default already: ours joins without the annotation.
          delete sc.metadata?.annotations
        }
        await this.#client.create(CLASSES, undefined, sc as unknown as Obj)
        log.info('created the default StorageClass', { name: DEFAULT_CLASS_NAME })
        return
      } catch (e) {
        if (isAlreadyExists(e)) return
        log.warn('could not create the default StorageClass; retrying', { err: e, delayMs: delay })
        await sleep(delay, signal)
      }
    }
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    if (key.startsWith('claim:')) return this.#syncClaim(key.slice('claim:'.length))
    if (key.startsWith('volume:')) return this.#syncVolume(key.slice('volume:'.length))
    return undefined
  }

  async #syncClaim(key: string): Promise<void> {
    const i = key.indexOf('/')
    const cached = this.#claims.get(key.slice(0, i), key.slice(i + 1))
    if (!cached) return
    const claim = cached as unknown as PersistentVolumeClaim
    const classes = this.#classes.list() as unknown as StorageClass[]
    const provision = planProvision({
      claim,
      classes,
      volumeExists: (name) => this.#volumes.get(undefined, name) !== undefined,
      nodes: new Map(this.#nodes.list().map((n) => [n.metadata.name ?? '', n as unknown as Node])),
      volumesDir: this.#volumesDir,
    })
    const volume = claim.spec?.volumeName ? this.#volumes.get(undefined, claim.spec.volumeName) as unknown as PersistentVolume | undefined : undefined
    const expand = planExpansion(claim, volume, classes)
    await runActions([...provision.actions, ...expand.actions], (a) => this.#apply(a))
  }

  async #syncVolume(name: string): Promise<void> {
    const cached = this.#volumes.get(undefined, name)
    if (!cached) return
    const plan = planVolumeDeletion(cached as unknown as PersistentVolume, this.#volumesDir)
    await runActions(plan.actions, (a) => this.#apply(a))
  }

  /** The directory must be exactly `<volumesDir>/<pv-name>`: never anything else. */
  #checkDirectory(volume: PersistentVolume, directory: string): void {
    const expected = volumeDirectory(this.#volumesDir, volume.metadata?.name ?? '')
    if (!volume.metadata?.name || resolve(directory) !== expected) throw new Error(`refusing to touch ${directory}: expected ${expected}`)
  }

  async #apply(a: ProvisionerAction): Promise<void> {
    switch (a.type) {
      case 'createVolume': {
        this.#checkDirectory(a.volume, a.directory)
        await mkdir(a.directory, { recursive: true, mode: 0o777 })
        try {
          await this.#client.create(VOLUMES, undefined, a.volume as unknown as Obj)
          log.info('provisioned', { volume: a.volume.metadata?.name, claim: `${a.volume.spec?.claimRef?.namespace ?? ''}/${a.volume.spec?.claimRef?.name ?? ''}`, directory: a.directory })
        } catch (e) {
          if (!isAlreadyExists(e)) throw e
        }
        return
      }
      case 'deleteVolume': {
        this.#checkDirectory(a.volume, a.directory)
        try {
          await rm(a.directory, { recursive: true, force: true })
        } catch (e) {
          this.#recorder.record({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: a.volume.metadata }, { eventType: 'Warning', reason: 'VolumeFailedDelete', message: e instanceof Error ? e.message : String(e) })
          throw e
        }
        try {
          await this.#client.delete(VOLUMES, undefined, a.volume.metadata?.name ?? '', a.volume.metadata?.uid ? { preconditions: { uid: a.volume.metadata.uid } } : {})
          log.info('deleted', { volume: a.volume.metadata?.name, directory: a.directory })
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
        return
      }
      case 'updateVolume':
        await this.#client.update(VOLUMES, a.volume as unknown as Obj)
        return
      case 'updateClaimStatus':
        await this.#client.updateStatus(CLAIMS, a.claim as unknown as Obj)
        return
      case 'recordEvent':
        this.#recorder.record(a.object, a.event)
        return
    }
  }
}
