/**
 * Resource arithmetic for scheduling: quantities become plain numbers (cpu in millicores,
 * everything else in base units), a pod's request is computed as upstream's
 * `computePodResourceRequest` (sum of containers, max with each init container, sidecars
 * counted, plus overhead). Pure; quantity strings are memoised because a cluster uses few.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js'
import { tryParseQuantity } from '../api/quantity/index.js'

/** resource name → amount (cpu in millicores, others in base units) */
export type Resources = Map<string, number>

const CPU = 'cpu'
const MEMORY = 'memory'
const PODS = 'pods'
export const RESOURCE_CPU = CPU
export const RESOURCE_MEMORY = MEMORY
export const RESOURCE_PODS = PODS

/** Upstream's non-zero defaults used only for scoring pods that request nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

const memo = new Map<string, number>()

/** Amount of `resource` in `quantity` (cpu in milli units). Unparseable quantities count as 0. */
export function amount(resource: string, quantity: string | number | undefined): number {
  if (quantity === undefined) return 0
  const key = `${resource === CPU ? 'm' : 'u'}${quantity}`
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const q = tryParseQuantity(quantity)
  const v = q === undefined ? 0 : Number(resource === CPU ? q.milliValue() : q.value())
  if (memo.size < 10_000) memo.set(key, v)
  return v
}

/** Parses a ResourceList (`{cpu: '2', memory: '4Gi'}`). */
export function toResources(list: Readonly<Record<string, string | number>> | undefined): Resources {
  const out: Resources = new Map()
  for (const [k, v] of Object.entries(list ?? {})) out.set(k, amount(k, v))
  return out
}

function addInto(into: Resources, r: Resources): void {
  for (const [k, v] of r) into.set(k, (into.get(k) ?? 0) + v)
}

function maxInto(into: Resources, r: Resources): void {
  for (const [k, v] of r) if (v > (into.get(k) ?? 0)) into.set(k, v)
}

function containerRequests(c: Container): Resources {
  return toResources(c.resources?.requests as Record<string, string> | undefined)
}

/**
 * Effective request of a pod: max(sum(containers) + sum(sidecars), each init container +
 * the sidecars started before it) + overhead. The `pods` resource is not included.
 */
export function podRequests(pod: Pod): Resources {
  const spec = pod.spec
  const reqs: Resources = new Map()
  for (const c of spec?.containers ?? []) addInto(reqs, containerRequests(c))
  const sidecars: Resources = new Map()
  const initMax: Resources = new Map()
  for (const ic of spec?.initContainers ?? []) {
    const r = containerRequests(ic)
    if (ic.restartPolicy === 'Always') {
      addInto(reqs, r)
      addInto(sidecars, r)
    } else {
      const withSidecars = new Map(sidecars)
      addInto(withSidecars, r)
      maxInto(initMax, withSidecars)
    }
  }
  maxInto(reqs, initMax)
  addInto(reqs, toResources(spec?.overhead as Record<string, string> | undefined))
  return reqs
}

/** cpu/memory used for scoring: a container without a request counts upstream's defaults. */
export function nonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0
  let memory = 0
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c)
    cpu += r.has(CPU) ? r.get(CPU)! : DEFAULT_MILLI_CPU_REQUEST
    memory += r.has(MEMORY) ? r.get(MEMORY)! : DEFAULT_MEMORY_REQUEST
  }
  const overhead = toResources(pod.spec?.overhead as Record<string, string> | undefined)
  return { cpu: cpu + (overhead.get(CPU) ?? 0), memory: memory + (overhead.get(MEMORY) ?? 0) }
}
