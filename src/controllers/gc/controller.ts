/**
 * The garbage collector's loop: an OwnerGraph fed by the shared informers of every resource
 * that can carry ownerReferences, a work queue of UIDs, and the decisions of plan.ts. Before
 * acting on a cache-based decision it re-reads the item live and decides again, and an owner
 * missing from the graph is looked up live, so a lagging cache never deletes a live object's
 * dependent.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import type { KubeObject, ResourceInfo } from '../../api/index.js'
import { RESOURCES, apiVersionOf, getResource, isConflict, isNotFound, resourceForKind } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import { logger } from '../../lib/log.js'
import { Runner } from '../loop/index.js'
import type { ReconcileResult, Reconciler } from '../loop/index.js'
import type { SharedInformers } from '../common/informers.js'
import type { ObjectNode } from './graph.js'
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, OwnerGraph, isDeletingDependents } from './graph.js'
import type { GcAction, OwnerState, ResolvedOwner } from './plan.js'
import { ownerStateOf, planAttemptToDelete, planDeletingOwner } from './plan.js'

const log = logger('controller/garbagecollector')

/** Every served resource except events (which never own or are owned in practice). */
export const GC_RESOURCES: readonly ResourceInfo[] = RESOURCES.filter((r) => r.resource !== 'events')

export interface GarbageCollectorOptions {
  client: Client
  informers: SharedInformers
  resources?: readonly ResourceInfo[]
  /** concurrent items (default 10) */
  workers?: number
}

export function toNode(obj: KubeObject, info: ResourceInfo): ObjectNode {
  const m = obj.metadata
  return {
    uid: m.uid ?? '',
    group: info.group,
    resource: info.resource,
    namespaced: info.namespaced,
    apiVersion: apiVersionOf(info),
    kind: info.kind,
    namespace: m.namespace,
    name: m.name ?? '',
    resourceVersion: m.resourceVersion,
    ownerReferences: m.ownerReferences ?? [],
    finalizers: m.finalizers ?? [],
    deletionTimestamp: m.deletionTimestamp,
  }
}

export class GarbageCollector implements Reconciler {
  readonly name = 'garbagecollector'
  readonly runner: Runner
  readonly graph = new OwnerGraph()
  readonly #client: Client
  /** UIDs of owners known to be gone (upstream's absentOwnerCache) */
  readonly #absent = new Set<string>()

  constructor(opts: GarbageCollectorOptions) {
    this.#client = opts.client
    this.runner = new Runner(this, { workers: opts.workers ?? 10 })
    for (const info of opts.resources ?? GC_RESOURCES) {
      opts.informers.informer(info).on({
        add: (o) => this.#observe(toNode(o, info)),
        update: (_old, o) => this.#observe(toNode(o, info)),
        delete: (o) => this.#forget(o.metadata.uid ?? ''),
      })
    }
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal)
  }

  #observe(node: ObjectNode): void {
    if (!node.uid) return
    const removed = this.graph.upsert(node)
    if (node.ownerReferences.length > 0) this.runner.enqueue(node.uid)
    if (node.deletionTimestamp && (node.finalizers.includes(ORPHAN_FINALIZER) || node.finalizers.includes(FOREGROUND_FINALIZER))) this.runner.enqueue(node.uid)
    for (const uid of removed) {
      const owner = this.graph.get(uid)
      if (owner && isDeletingDependents(owner)) this.runner.enqueue(uid)
    }
  }

  #forget(uid: string): void {
    const node = this.graph.remove(uid)
    if (!node) return
    this.#absent.add(uid)
    if (this.#absent.size > 10_000) this.#absent.delete(this.#absent.values().next().value as string)
    for (const d of this.graph.dependentsOf(uid)) this.runner.enqueue(d.uid)
    for (const r of node.ownerReferences) {
      const owner = this.graph.get(r.uid)
      if (owner?.deletionTimestamp) this.runner.enqueue(r.uid)
    }
  }

  async reconcile(uid: string): Promise<ReconcileResult | void> {
    const node = this.graph.get(uid)
    if (!node) return
    if (node.deletionTimestamp) {
      if (node.finalizers.includes(ORPHAN_FINALIZER) || node.finalizers.includes(FOREGROUND_FINALIZER)) {
        await this.#execute(planDeletingOwner(node, this.graph.dependentsOf(uid)))
      }
      return
    }
    if (node.ownerReferences.length === 0) return
    let actions = planAttemptToDelete(node, await this.#resolveOwners(node), this.graph.dependentsOf(uid))
    if (actions.length === 0) return
    // Decide again on the live object before changing anything.
    const latest = await this.#getLive(node)
    if (!latest || latest.metadata.uid !== node.uid) return
    const fresh = toNode(latest, getResource(node.group, node.resource))
    if (fresh.deletionTimestamp) return
    actions = planAttemptToDelete(fresh, await this.#resolveOwners(fresh), this.graph.dependentsOf(uid))
    if (actions.length) log.debug('collecting', { uid, name: `${fresh.namespace ?? ''}/${fresh.name}`, actions: actions.map((a) => a.type) })
    await this.#execute(actions)
  }

  async #resolveOwners(node: ObjectNode): Promise<ResolvedOwner[]> {
    const out: ResolvedOwner[] = []
    for (const ref of node.ownerReferences) out.push({ ref, state: await this.#ownerState(node, ref) })
    return out
  }

  async #ownerState(node: ObjectNode, ref: OwnerReference): Promise<OwnerState> {
    const cached = ownerStateOf(node, ref, this.graph.get(ref.uid))
    if (cached !== 'unknown') return cached
    if (this.#absent.has(ref.uid)) return 'dangling'
    const info = resourceForKind(ref.apiVersion, ref.kind)
    // An owner of a kind we do not serve cannot be resolved: never collect on its account.
    if (!info) return 'solid'
    // GC-007: a cluster-scoped dependent cannot have a namespaced owner; it is never collected.
    if (info.namespaced && !node.namespaced) return 'solid'
    try {
      const owner = await this.#client.get(info, info.namespaced ? node.namespace : undefined, ref.name)
      if (owner.metadata.uid !== ref.uid) return 'dangling'
      const on = toNode(owner, info)
      return isDeletingDependents(on) ? 'waiting' : 'solid'
    } catch (e) {
      if (isNotFound(e)) {
        this.#absent.add(ref.uid)
        return 'dangling'
      }
      throw e
    }
  }

  async #getLive(node: ObjectNode): Promise<KubeObject | undefined> {
    try {
      return await this.#client.get(getResource(node.group, node.resource), node.namespace, node.name)
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  async #execute(actions: readonly GcAction[]): Promise<void> {
    for (const a of actions) {
      switch (a.type) {
        case 'attemptToDelete':
          for (const uid of a.uids) this.runner.enqueue(uid)
          break
        case 'deleteObject':
          try {
            await this.#client.delete(getResource(a.target.group, a.target.resource), a.target.namespace, a.target.name, {
              propagationPolicy: a.policy, preconditions: { uid: a.target.uid },
            })
          } catch (e) {
            if (!isNotFound(e) && !isConflict(e)) throw e
          }
          break
        case 'removeOwnerRefs':
          await this.#patchLive(a.target, (o) => {
            const refs = (o.metadata.ownerReferences ?? []).filter((r) => !a.uids.includes(r.uid))
            return refs.length === (o.metadata.ownerReferences ?? []).length ? undefined : { metadata: { ownerReferences: refs.length ? refs : null } }
          })
          break
        case 'unblockOwnerRefs':
          await this.#patchLive(a.target, (o) => {
            const refs = o.metadata.ownerReferences ?? []
            if (!refs.some((r) => r.blockOwnerDeletion)) return undefined
            return { metadata: { ownerReferences: refs.map((r) => ({ ...r, blockOwnerDeletion: false })) } }
          })
          break
        case 'removeFinalizer':
          await this.#patchLive(a.target, (o) => {
            const f = o.metadata.finalizers ?? []
            if (!f.includes(a.finalizer)) return undefined
            const rest = f.filter((x) => x !== a.finalizer)
            return { metadata: { finalizers: rest.length ? rest : null } }
          })
          break
      }
    }
  }

  /** Read-modify-write with the live resourceVersion as precondition; a vanished object is fine. */
  async #patchLive(target: ObjectNode, change: (o: KubeObject) => Record<string, unknown> | undefined): Promise<void> {
    const info = getResource(target.group, target.resource)
    for (let attempt = 0; ; attempt++) {
      const live = await this.#getLive(target)
      if (!live || live.metadata.uid !== target.uid) return
      const patch = change(live)
      if (!patch) return
      const meta = patch['metadata'] as Record<string, unknown>
      meta['resourceVersion'] = live.metadata.resourceVersion
      try {
        await this.#client.patch(info, target.namespace, target.name, patch)
        return
      } catch (e) {
        if (isNotFound(e)) return
        if (!isConflict(e) || attempt >= 3) throw e
      }
    }
  }
}
