/**
 * The scheduler cache: NodeInfos kept current from the node and pod informers, plus
 * "assumed" pods (chosen but not yet confirmed bound) so that the next scheduling cycle
 * already sees their requests. Synchronous and single-threaded: a cycle runs to completion
 * between informer events, so the cache itself is the snapshot.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import { NodeInfo } from './node-info.js'
import type { Snapshot } from './node-info.js'
import { podInfo } from './pod-info.js'
import type { PodInfo } from './pod-info.js'

export class SchedulerCache implements Snapshot {
  readonly #nodes = new Map<string, NodeInfo>()
  #list: NodeInfo[] = []
  #dirty = false
  /** pod key → node it is accounted on */
  readonly #podNode = new Map<string, string>()
  /** pod key → accounted although the informer has not shown it bound yet */
  readonly #assumed = new Set<string>()
  /** pods bound to nodes the cache does not know (yet) */
  readonly #orphans = new Map<string, PodInfo>()

  get nodes(): readonly NodeInfo[] {
    if (this.#dirty) {
      this.#list = [...this.#nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      this.#dirty = false
    }
    return this.#list
  }

  node(name: string): NodeInfo | undefined {
    return this.#nodes.get(name)
  }

  setNode(node: Node): void {
    const name = node.metadata?.name ?? ''
    const existing = this.#nodes.get(name)
    if (existing) {
      existing.setNode(node)
      return
    }
    const info = new NodeInfo(node)
    this.#nodes.set(name, info)
    this.#dirty = true
    for (const [key, p] of this.#orphans) {
      if (p.pod.spec?.nodeName === name) {
        this.#orphans.delete(key)
        this.#added(info, p)
        this.#podNode.set(key, name)
      }
    }
  }

  removeNode(name: string): void {
    const info = this.#nodes.get(name)
    if (!info) return
    this.#nodes.delete(name)
    this.#dirty = true
    for (const [key, p] of info.pods) {
      if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity--
      this.#podNode.delete(key)
      if (!this.#assumed.has(key)) this.#orphans.set(key, p)
      this.#assumed.delete(key)
    }
  }

  /** A bound, non-terminal pod as the informer shows it (confirms an assumed pod). */
  setPod(pod: Pod): void {
    const p = podInfo(pod)
    this.#assumed.delete(p.key)
    this.#place(p, pod.spec?.nodeName ?? '')
  }

  /** A pod that is gone, terminal, or not bound. */
  removePod(key: string): void {
    this.#assumed.delete(key)
    this.#orphans.delete(key)
    const node = this.#podNode.get(key)
    if (node === undefined) return
    this.#podNode.delete(key)
    this.#removed(this.#nodes.get(node), key)
  }

  /** Accounts a pod on the node the scheduler just chose, before the binding lands. */
  assume(p: PodInfo, nodeName: string): void {
    this.#assumed.add(p.key)
    const bound: Pod = { ...p.pod, spec: { ...p.pod.spec!, nodeName } }
    this.#place(podInfo(bound), nodeName)
  }

  /** The binding failed: undo `assume`. */
  forget(key: string): void {
    if (this.#assumed.has(key)) this.removePod(key)
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key)
  }

  /** placed pods with required anti-affinity terms (lets preFilter skip its cluster scan) */
  podsWithRequiredAntiAffinity = 0

  #added(info: NodeInfo, p: PodInfo): void {
    const prev = info.pods.get(p.key)
    if (prev?.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity--
    info.addPod(p)
    if (p.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity++
  }

  #removed(info: NodeInfo | undefined, key: string): void {
    const p = info?.removePod(key)
    if (p?.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity--
  }

  get podCount(): number {
    return this.#podNode.size
  }

  #place(p: PodInfo, nodeName: string): void {
    const prev = this.#podNode.get(p.key)
    if (prev !== undefined && prev !== nodeName) this.#removed(this.#nodes.get(prev), p.key)
    const info = this.#nodes.get(nodeName)
    if (!info) {
      this.#podNode.delete(p.key)
      this.#orphans.set(p.key, p)
      return
    }
    this.#added(info, p)
    this.#podNode.set(p.key, nodeName)
  }
}
