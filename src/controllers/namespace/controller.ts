/**
 * The namespace controller's loop: for a Terminating namespace, list every namespaced
 * resource in it (live reads: the decision to finalize must not rest on a lagging cache),
 * delete what is left with background propagation, and once nothing remains finalize the
 * namespace through `namespaces/NAME/finalize` (falling back to a plain update when the
 * server has no finalize subresource).
 */
import type { KubeObject } from '../../api/index.js'
import { RESOURCES, getResource, isApiError, isConflict, isNotFound, rfc3339 } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import type { SharedInformers } from '../common/informers.js'
import type { NamespaceAction } from './plan.js'
import { planNamespaceDeletion } from './plan.js'

const NAMESPACES = getResource('', 'namespaces')
const NAMESPACED = RESOURCES.filter((r) => r.namespaced && r.verbs.includes('delete'))

export interface NamespaceControllerOptions {
  client: Client
  informers: SharedInformers
  workers?: number
}

export class NamespaceController implements Reconciler {
  readonly name = 'namespace'
  readonly runner: Runner
  readonly #client: Client
  readonly #namespaces

  constructor(opts: NamespaceControllerOptions) {
    this.#client = opts.client
    this.runner = new Runner(this, { workers: opts.workers ?? 2 })
    this.#namespaces = opts.informers.informer(NAMESPACES)
    this.#namespaces.on({
      add: (n) => { if (n.metadata.deletionTimestamp) this.runner.enqueue(n.metadata.name ?? '') },
      update: (_o, n) => { if (n.metadata.deletionTimestamp) this.runner.enqueue(n.metadata.name ?? '') },
    })
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = this.#namespaces.get(undefined, name)
    if (!ns?.metadata.deletionTimestamp) return
    const contents = new Map<string, KubeObject[]>()
    await Promise.all(NAMESPACED.map(async (info) => {
      const list = await this.#client.list(info, name)
      if (list.items.length) contents.set(`${info.group}/${info.resource}`, list.items)
    }))
    const plan = planNamespaceDeletion({ namespace: ns, contents }, rfc3339())
    await Promise.all(plan.actions.map((a) => this.#apply(ns, a)))
    return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined
  }

  async #apply(ns: KubeObject, a: NamespaceAction): Promise<void> {
    const name = ns.metadata.name ?? ''
    switch (a.type) {
      case 'deleteObject': {
        const [group, resource] = a.resource.split('/') as [string, string]
        try {
          await this.#client.delete(getResource(group, resource), name, a.name, { propagationPolicy: 'Background', ...(a.uid ? { preconditions: { uid: a.uid } } : {}) })
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e
        }
        return
      }
      case 'updateConditions': {
        const status = { ...((ns['status'] ?? {}) as object), conditions: a.conditions }
        try {
          await this.#client.updateStatus(NAMESPACES, { ...ns, status })
        } catch (e) {
          if (!isNotFound(e) && !isConflict(e)) throw e
        }
        return
      }
      case 'finalize': {
        const body = { ...ns, spec: { ...((ns['spec'] ?? {}) as object), finalizers: a.finalizers } }
        try {
          await this.#client.update(NAMESPACES, body, 'finalize')
        } catch (e) {
          if (isNotFound(e) && !(isApiError(e) && e.status.details?.name)) {
            // no finalize subresource on this server: a plain update carries the same change
            await this.#client.update(NAMESPACES, body)
          } else if (isApiError(e) && e.code === 405) {
            await this.#client.update(NAMESPACES, body)
          } else if (!isNotFound(e)) throw e
        }
        return
      }
    }
  }
}
