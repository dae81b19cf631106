/**
 * Fixture builders for the scheduler's table tests: a base node / pod plus small mutators,
 * as upstream's TestComputePodActions builds its cases.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js'
import { NodeInfo } from './node-info.js'
import type { Snapshot } from './node-info.js'
import { podInfo } from './pod-info.js'

export type Mut<T> = (x: T) => void

export function makeNode(name: string, ...muts: Mut<Node>[]): Node {
  const n: Node = {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  }
  for (const m of muts) m(n)
  return n
}

export function makePod(name: string, ...muts: Mut<Pod>[]): Pod {
  const p: Pod = {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: {} },
    spec: { containers: [{ name: 'c', image: 'nginx' }], schedulerName: 'default-scheduler' },
  }
  for (const m of muts) m(p)
  return p
}

/** A snapshot with the given nodes and `placed` pods already bound (by spec.nodeName). */
export function snapshotOf(nodes: readonly Node[], placed: readonly Pod[] = []): Snapshot & { byName: Map<string, NodeInfo> } {
  const infos = nodes.map((n) => new NodeInfo(n))
  const byName = new Map(infos.map((i) => [i.name, i]))
  for (const p of placed) byName.get(p.spec?.nodeName ?? '')?.addPod(podInfo(p))
  return { nodes: infos, byName }
}

export const labels = <T extends Node | Pod>(l: Record<string, string>): Mut<T> => (x) => {
  x.metadata = { ...x.metadata, labels: { ...(x.metadata?.labels ?? {}), ...l } }
}
export const requests = (r: Record<string, string>): Mut<Pod> => (p) => {
  p.spec!.containers[0]!.resources = { requests: r }
}
export const onNode = (node: string): Mut<Pod> => (p) => {
  p.spec!.nodeName = node
}
export const allocatable = (a: Record<string, string>): Mut<Node> => (n) => {
  Object.assign(n, { status: { ...n.status, allocatable: { ...(n.status?.allocatable ?? {}), ...a } } })
}
