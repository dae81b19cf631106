/**
 * The controller manager: one set of shared informers and the workload controllers on top
 * (StatefulSet, DaemonSet, garbage collector, namespace), plus the storage controllers (PV
 * binder, pvc/pv protection, and — given a data dir — the local-path provisioner). Runners start only once every
 * informer has listed, as upstream waits for caches to sync, so no controller acts on a
 * partial view (a DaemonSet would otherwise create pods that already exist).
 */
import { setMaxListeners } from 'node:events'
import { join } from 'node:path'
import type { Client } from '../client/index.js'
import { EventRecorder } from './common/events.js'
import { SharedInformers } from './common/informers.js'
import { DaemonSetController } from './daemonset/controller.js'
import { GarbageCollector } from './gc/controller.js'
import { NamespaceController } from './namespace/controller.js'
import { LocalPathProvisioner } from './provisioner/controller.js'
import { PersistentVolumeBinder } from './pvbinder/controller.js'
import { PvProtectionController, PvcProtectionController } from './pvprotection/controller.js'
import { StatefulSetController } from './statefulset/controller.js'

export interface ControllerManagerOptions {
  client: Client
  /** an existing informer set to share with other controllers (default: a new one) */
  informers?: SharedInformers
  /** which controllers to run (default all; the local-path provisioner only with `dataDir`) */
  controllers?: ReadonlyArray<ControllerName>
  /** the cluster's data dir: local-path volumes are made under `<dataDir>/volumes` */
  dataDir?: string | undefined
}

export type ControllerName =
  | 'statefulset' | 'daemonset' | 'garbagecollector' | 'namespace'
  | 'persistentvolume-binder' | 'pvc-protection' | 'pv-protection' | 'local-path-provisioner'

/** The event source of the local-path provisioner (external provisioners report as `<name>_<host>`). */
const PROVISIONER_COMPONENT = 'kubeling.dev/local-path'

export class ControllerManager {
  readonly informers: SharedInformers
  readonly statefulset: StatefulSetController | undefined
  readonly daemonset: DaemonSetController | undefined
  readonly garbageCollector: GarbageCollector | undefined
  readonly namespace: NamespaceController | undefined
  readonly volumeBinder: PersistentVolumeBinder | undefined
  readonly pvcProtection: PvcProtectionController | undefined
  readonly pvProtection: PvProtectionController | undefined
  readonly provisioner: LocalPathProvisioner | undefined
  readonly recorders: EventRecorder[] = []

  constructor(opts: ControllerManagerOptions) {
    const { client } = opts
    const informers = (this.informers = opts.informers ?? new SharedInformers(client))
    const want = new Set<ControllerName>(opts.controllers ?? ['statefulset', 'daemonset', 'garbagecollector', 'namespace', 'persistentvolume-binder', 'pvc-protection', 'pv-protection', 'local-path-provisioner'])
    const recorder = (component: string): EventRecorder => {
      const r = new EventRecorder(client, component)
      this.recorders.push(r)
      return r
    }
    this.statefulset = want.has('statefulset') ? new StatefulSetController({ client, informers, recorder: recorder('statefulset-controller') }) : undefined
    this.daemonset = want.has('daemonset') ? new DaemonSetController({ client, informers, recorder: recorder('daemonset-controller') }) : undefined
    this.garbageCollector = want.has('garbagecollector') ? new GarbageCollector({ client, informers }) : undefined
    this.namespace = want.has('namespace') ? new NamespaceController({ client, informers }) : undefined
    this.volumeBinder = want.has('persistentvolume-binder') ? new PersistentVolumeBinder({ client, informers, recorder: recorder('persistentvolume-controller') }) : undefined
    this.pvcProtection = want.has('pvc-protection') ? new PvcProtectionController({ client, informers }) : undefined
    this.pvProtection = want.has('pv-protection') ? new PvProtectionController({ client, informers }) : undefined
    this.provisioner = want.has('local-path-provisioner') && opts.dataDir
      ? new LocalPathProvisioner({ client, informers, recorder: recorder(PROVISIONER_COMPONENT), volumesDir: join(opts.dataDir, 'volumes') })
      : undefined
  }

  /** Starts the informers, waits for their first lists, then the controllers. */
  async start(signal: AbortSignal): Promise<void> {
    // every informer, watch and worker listens on the one signal
    setMaxListeners(0, signal)
    this.informers.start(signal)
    await this.informers.synced()
    if (signal.aborted) return
    for (const c of [this.statefulset, this.daemonset, this.garbageCollector, this.namespace]) c?.start(signal)
    for (const c of [this.volumeBinder, this.pvcProtection, this.pvProtection, this.provisioner]) c?.start(signal)
  }

  /** Resolves once all recorded events are written (tests). */
  async flushEvents(): Promise<void> {
    await Promise.all(this.recorders.map((r) => r.flush()))
  }
}
