/**
 * The garbage collector's view of the cluster: every watched object by UID, with its owner
 * references, and the reverse index from owner UID to dependents (upstream's GraphBuilder,
 * without virtual nodes: an owner missing from the graph is resolved by a live lookup).
 * Pure data structure; the controller feeds it informer events.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'

export interface ObjectNode {
  readonly uid: string
  /** resource identity: group and plural, and whether it is namespaced */
  readonly group: string
  readonly resource: string
  readonly namespaced: boolean
  readonly apiVersion: string
  readonly kind: string
  readonly namespace: string | undefined
  readonly name: string
  readonly resourceVersion: string | undefined
  readonly ownerReferences: readonly OwnerReference[]
  readonly finalizers: readonly string[]
  readonly deletionTimestamp: string | undefined
}

export const ORPHAN_FINALIZER = 'orphan'
export const FOREGROUND_FINALIZER = 'foregroundDeletion'

export const isDeletingDependents = (n: ObjectNode): boolean => !!n.deletionTimestamp && n.finalizers.includes(FOREGROUND_FINALIZER)

export class OwnerGraph {
  #nodes = new Map<string, ObjectNode>()
  #dependents = new Map<string, Set<string>>()

  get(uid: string): ObjectNode | undefined {
    return this.#nodes.get(uid)
  }

  get size(): number {
    return this.#nodes.size
  }

  /** Inserts or replaces a node; returns the owner UIDs it no longer references. */
  upsert(node: ObjectNode): string[] {
    const prev = this.#nodes.get(node.uid)
    const removed: string[] = []
    if (prev) {
      const now = new Set(node.ownerReferences.map((r) => r.uid))
      for (const r of prev.ownerReferences) {
        if (!now.has(r.uid)) {
          this.#dependents.get(r.uid)?.delete(node.uid)
          removed.push(r.uid)
        }
      }
    }
    this.#nodes.set(node.uid, node)
    for (const r of node.ownerReferences) {
      let set = this.#dependents.get(r.uid)
      if (!set) this.#dependents.set(r.uid, (set = new Set()))
      set.add(node.uid)
    }
    return removed
  }

  /** Removes a node; its dependents stay indexed under its UID (they still reference it). */
  remove(uid: string): ObjectNode | undefined {
    const prev = this.#nodes.get(uid)
    if (!prev) return undefined
    this.#nodes.delete(uid)
    for (const r of prev.ownerReferences) {
      const set = this.#dependents.get(r.uid)
      set?.delete(uid)
      if (set && set.size === 0) this.#dependents.delete(r.uid)
    }
    return prev
  }

  /** Objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): ObjectNode[] {
    const out: ObjectNode[] = []
    for (const d of this.#dependents.get(uid) ?? []) {
      const n = this.#nodes.get(d)
      if (n) out.push(n)
    }
    return out
  }
}
