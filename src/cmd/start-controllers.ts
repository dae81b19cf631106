/**
 * Starts the controller manager inside `kubeling up` / `kubeling server`: StatefulSet,
 * DaemonSet, garbage collector and namespace controllers over shared informers.
 * (Owned by the workloads stage; `up.ts` calls it after the API server is listening.)
 */
import type { Client } from '../client/index.js'
import { ControllerManager } from '../controllers/index.js'
import type { SharedInformers } from '../controllers/index.js'
import { logger } from '../lib/log.js'

export interface StartControllersOptions {
  client: Client
  dataDir: string
  signal: AbortSignal
  progress: (line: string) => void
  /** informers shared with other components in the process (default: a new set) */
  informers?: SharedInformers | undefined
}

const log = logger('controller-manager')

export function startControllers(opts: StartControllersOptions): Promise<void> {
  const manager = new ControllerManager({ client: opts.client, dataDir: opts.dataDir, ...(opts.informers ? { informers: opts.informers } : {}) })
  // Informers sync in the background; controllers start once they have (never blocks `up`).
  manager.start(opts.signal).catch((e: unknown) => log.error('controller manager failed', { err: e }))
  opts.progress('kubeling: controllers: statefulset, daemonset, garbagecollector, namespace, persistentvolume-binder, pvc-protection, pv-protection, local-path-provisioner')
  return Promise.resolve()
}
