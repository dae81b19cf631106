/**
 * NodeInfo: a node plus the pods assigned to it and their summed requests, kept up to date
 * incrementally by the scheduler cache (add/remove pod). Filters and scores only read it.
 */
import type { Node } from 'kubernetes-types/core/v1.js'
import type { PodInfo } from './pod-info.js'
import { RESOURCE_CPU, RESOURCE_MEMORY, RESOURCE_PODS, toResources } from './resources.js'
import type { Resources } from './resources.js'

export class NodeInfo {
  node: Node
  allocatable: Resources
  readonly pods = new Map<string, PodInfo>()
  readonly requested: Resources = new Map()
  nonZeroCpu = 0
  /** cpu and memory of `allocatable` / `requested` as fields: read for every pod on every node */
  allocatableCpu = 0
  allocatableMemory = 0
  requestedCpu = 0
  requestedMemory = 0
  nonZeroMemory = 0
  readonly usedPorts = new Map<string, number>()
  readonly ownerCounts = new Map<string, number>()
  /** pods here with required anti-affinity terms (checked for symmetry) */
  readonly withRequiredAntiAffinity = new Set<PodInfo>()
  readonly withAffinity = new Set<PodInfo>()

  constructor(node: Node) {
    this.node = node
    this.allocatable = toResources(node.status?.allocatable as Record<string, string> | undefined)
    this.allowedPods = this.allocatable.get(RESOURCE_PODS) ?? 0
    this.allocatableCpu = this.allocatable.get(RESOURCE_CPU) ?? 0
    this.allocatableMemory = this.allocatable.get(RESOURCE_MEMORY) ?? 0
  }

  get name(): string {
    return this.node.metadata?.name ?? ''
  }

  get labels(): Readonly<Record<string, string>> {
    return this.node.metadata?.labels ?? {}
  }

  /** allocatable pods (cached: read for every pod on every node) */
  allowedPods: number

  setNode(node: Node): void {
    this.node = node
    this.allocatable = toResources(node.status?.allocatable as Record<string, string> | undefined)
    this.allowedPods = this.allocatable.get(RESOURCE_PODS) ?? 0
    this.allocatableCpu = this.allocatable.get(RESOURCE_CPU) ?? 0
    this.allocatableMemory = this.allocatable.get(RESOURCE_MEMORY) ?? 0
  }

  /** allocatable minus requested */
  free(resource: string): number {
    if (resource === RESOURCE_CPU) return this.allocatableCpu - this.requestedCpu
    if (resource === RESOURCE_MEMORY) return this.allocatableMemory - this.requestedMemory
    return (this.allocatable.get(resource) ?? 0) - (this.requested.get(resource) ?? 0)
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.key)) this.removePod(p.key)
    this.pods.set(p.key, p)
    this.#account(p, 1)
  }

  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key)
    if (!p) return undefined
    this.pods.delete(key)
    this.#account(p, -1)
    return p
  }

  #account(p: PodInfo, sign: 1 | -1): void {
    for (const [k, v] of p.requests) this.requested.set(k, (this.requested.get(k) ?? 0) + sign * v)
    this.requestedCpu = this.requested.get(RESOURCE_CPU) ?? 0
    this.requestedMemory = this.requested.get(RESOURCE_MEMORY) ?? 0
    this.nonZeroCpu += sign * p.nonZero.cpu
    this.nonZeroMemory += sign * p.nonZero.memory
    for (const port of p.hostPorts) bump(this.usedPorts, port, sign)
    if (p.ownerUid) bump(this.ownerCounts, p.ownerUid, sign)
    const anti = p.requiredAntiAffinity.length > 0
    const any = anti || p.requiredAffinity.length > 0 || p.preferredAffinity.length > 0 || p.preferredAntiAffinity.length > 0
    if (sign > 0) {
      if (anti) this.withRequiredAntiAffinity.add(p)
      if (any) this.withAffinity.add(p)
    } else {
      this.withRequiredAntiAffinity.delete(p)
      this.withAffinity.delete(p)
    }
  }
}

function bump(m: Map<string, number>, key: string, by: number): void {
  const v = (m.get(key) ?? 0) + by
  if (v <= 0) m.delete(key)
  else m.set(key, v)
}

/** What `schedulePod` sees: every node, in a stable order. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[]
  /** how many placed pods have required anti-affinity terms (undefined: unknown, scan) */
  readonly podsWithRequiredAntiAffinity?: number
}
