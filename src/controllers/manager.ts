/**
 * The controller manager: one set of shared informers and the workload controllers on top
 * (StatefulSet, DaemonSet, garbage collector, namespace). Runners start only once every
 * informer has listed, as upstream waits for caches to sync, so no controller acts on a
 * partial view (a DaemonSet would otherwise create pods that already exist).
 */
import { setMaxListeners } from 'node:events'
import type { Client } from '../client/index.js'
import { EventRecorder } from './common/events.js'
import { SharedInformers } from './common/informers.js'
import { DaemonSetController } from './daemonset/controller.js'
import { GarbageCollector } from './gc/controller.js'
import { NamespaceController } from './namespace/controller.js'
import { StatefulSetController } from './statefulset/controller.js'

export interface ControllerManagerOptions {
  client: Client
  /** an existing informer set to share with other controllers (default: a new one) */
  informers?: SharedInformers
  /** which controllers to run (default all) */
  controllers?: ReadonlyArray<'statefulset' | 'daemonset' | 'garbagecollector' | 'namespace'>
}

export class ControllerManager {
  readonly informers: SharedInformers
  readonly statefulset: StatefulSetController | undefined
  readonly daemonset: DaemonSetController | undefined
  readonly garbageCollector: GarbageCollector | undefined
  readonly namespace: NamespaceController | undefined
  readonly recorders: EventRecorder[] = []

  constructor(opts: ControllerManagerOptions) {
    const { client } = opts
    const informers = (this.informers = opts.informers ?? new SharedInformers(client))
    const want = new Set(opts.controllers ?? ['statefulset', 'daemonset', 'garbagecollector', 'namespace'])
    const recorder = (component: string): EventRecorder => {
      const r = new EventRecorder(client, component)
      this.recorders.push(r)
      return r
    }
    this.statefulset = want.has('statefulset') ? new StatefulSetController({ client, informers, recorder: recorder('statefulset-controller') }) : undefined
    this.daemonset = want.has('daemonset') ? new DaemonSetController({ client, informers, recorder: recorder('daemonset-controller') }) : undefined
    this.garbageCollector = want.has('garbagecollector') ? new GarbageCollector({ client, informers }) : undefined
    this.namespace = want.has('namespace') ? new NamespaceController({ client, informers }) : undefined
  }

  /** Starts the informers, waits for their first lists, then the controllers. */
  async start(signal: AbortSignal): Promise<void> {
    // every informer, watch and worker listens on the one signal
    setMaxListeners(0, signal)
    this.informers.start(signal)
    await this.informers.synced()
    if (signal.aborted) return
    for (const c of [this.statefulset, this.daemonset, this.garbageCollector, this.namespace]) c?.start(signal)
  }

  /** Resolves once all recorded events are written (tests). */
  async flushEvents(): Promise<void> {
    await Promise.all(this.recorders.map((r) => r.flush()))
  }
}
