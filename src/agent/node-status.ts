/**
 * What a node agent says about its node: the Node object it registers, the status it
 * reports (conditions, capacity, addresses, nodeInfo) and its Lease. Pure builders plus
 * `nodeStatusNeedsUpdate`, the kubelet's "write only when something changed or the report
 * interval passed" rule.
 */
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js'
import type { Lease } from 'kubernetes-types/coordination/v1.js'
import { iso } from './pod-status.js'
import { sameJson } from '../api/index.js'
import { tryParseQuantity } from '../api/quantity/index.js'

export const KUBELET_VERSION = 'v1.33.0-kubeling'
export const LEASE_NAMESPACE = 'kube-node-lease'
export const LEASE_DURATION_SECONDS = 40

/** Who set a label: the kubelet, on registration (well-known labels, upstream names). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname'
export const LABEL_OS = 'kubernetes.io/os'
export const LABEL_ARCH = 'kubernetes.io/arch'
export const LABEL_INSTANCE_TYPE = 'node.kubernetes.io/instance-type'
/** kubeling's own: which runtime backs the node (`simulated`, `containerd`). */
export const LABEL_RUNTIME = 'kubeling.dev/runtime'

export interface NodeIdentity {
  name: string
  /** InternalIP */
  address: string
  podCIDR: string
  runtimeName: string
  runtimeVersion: string
  capacity: { cpu: string; memory: string; pods: string; ephemeralStorage: string }
  /** extra labels (`--node-labels`) */
  labels?: Record<string, string>
  osImage?: string
  kernelVersion?: string
  architecture?: string
  /** stable per node: machineID / systemUUID / bootID are derived from it */
  seed?: string
}

const MEMORY_RESERVED_KI = 100 * 1024 // eviction-hard memory.available<100Mi

function ki(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(q)
  if (!m) return 0
  const n = Number(m[1])
  return n * ({ Ki: 1, Mi: 1024, Gi: 1024 ** 2, Ti: 1024 ** 3 }[m[2] ?? ''] ?? 1 / 1024)
}

function hexId(seed: string, salt: string): string {
  let h = 0x811c9dc5
  let out = ''
  for (let round = 0; round < 4; round++) {
    for (const ch of `${salt}:${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
    out += h.toString(16).padStart(8, '0')
  }
  return out
}

const uuid = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`

export function nodeLabels(id: NodeIdentity): Record<string, string> {
  const arch = id.architecture ?? 'amd64'
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    [LABEL_ARCH]: arch,
    [LABEL_HOSTNAME]: id.name,
    [LABEL_OS]: 'linux',
    [LABEL_INSTANCE_TYPE]: `kubeling-${id.runtimeName}`,
    [LABEL_RUNTIME]: id.runtimeName,
    ...(id.labels ?? {}),
  }
}

/** The four kubelet conditions, all healthy. Transition times kept from `old` when unchanged. */
export function healthyConditions(name: string, now: number, old: readonly NodeCondition[] = []): NodeCondition[] {
  const prev = new Map(old.map((c) => [c.type, c]))
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const before = prev.get(type)
    return {
      type, status, reason, message,
      lastHeartbeatTime: iso(now),
      lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : iso(now),
    }
  }
  void name
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ]
}

export function nodeStatus(id: NodeIdentity, now: number, old?: NodeStatus): NodeStatus {
  const seed = id.seed ?? id.name
  const capacity = {
    cpu: id.capacity.cpu,
    'ephemeral-storage': id.capacity.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: id.capacity.memory,
    pods: id.capacity.pods,
  }
  const memKi = ki(id.capacity.memory)
  const storageKi = ki(id.capacity.ephemeralStorage)
  const allocatable = {
    ...capacity,
    memory: memKi > MEMORY_RESERVED_KI ? `${Math.floor(memKi - MEMORY_RESERVED_KI)}Ki` : id.capacity.memory,
    'ephemeral-storage': storageKi > 0 ? String(Math.floor(storageKi * 1024 * 0.9)) : id.capacity.ephemeralStorage,
  }
  return {
    capacity: quantities(capacity) as Record<string, string>,
    allocatable: quantities(allocatable) as Record<string, string>,
    conditions: healthyConditions(id.name, now, old?.conditions),
    addresses: [{ type: 'InternalIP', address: id.address }, { type: 'Hostname', address: id.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hexId(seed, 'machine'),
      systemUUID: uuid(hexId(seed, 'system')),
      bootID: uuid(hexId(seed, 'boot')),
      kernelVersion: id.kernelVersion ?? '6.1.0-kubeling',
      osImage: id.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: `${id.runtimeName}://${id.runtimeVersion}`,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: id.architecture ?? 'amd64',
    },
  }
}

/** A ResourceList with every quantity in its canonical spelling (`16674816Ki` → `16284Mi`). */
function quantities(list: unknown): unknown {
  if (!list || typeof list !== 'object') return list
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(list as Record<string, string>)) out[k] = tryParseQuantity(v)?.toString() ?? String(v)
  return out
}

/** The Node an agent registers (kubelet's initialNode). */
export function initialNode(id: NodeIdentity, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: nodeLabels(id),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] },
    status: nodeStatus(id, now),
  }
}

export const NODE_STATUS_REPORT_MS = 5 * 60_000

/**
 * Should the agent write its node status? Yes when the stored conditions say anything but
 * healthy (e.g. the lifecycle controller set Ready=Unknown), when capacity or addresses
 * differ, or when the last heartbeat is older than the report interval.
 */
export function nodeStatusNeedsUpdate(stored: NodeStatus | undefined, desired: NodeStatus, now: number): boolean {
  if (!stored) return true
  const want = new Map((desired.conditions ?? []).map((c) => [c.type, c.status]))
  const have = new Map((stored.conditions ?? []).map((c) => [c.type, c.status]))
  for (const [t, s] of want) if (have.get(t) !== s) return true
  for (const k of ['capacity', 'allocatable', 'addresses', 'nodeInfo'] as const) {
    const norm = k === 'capacity' || k === 'allocatable' ? quantities : (x: unknown): unknown => x
    if (!sameJson(norm(stored[k]), norm(desired[k]))) return true
  }
  const beat = (stored.conditions ?? []).find((c) => c.type === 'Ready')?.lastHeartbeatTime
  return !beat || now - Date.parse(beat) >= NODE_STATUS_REPORT_MS
}

const micro = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z')

export function nodeLease(name: string, nodeUid: string | undefined, now: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: micro(now) },
  }
}

export const leaseRenewTime = micro

/**
 * Pod CIDR and InternalIP for the n-th simulated node (n ≥ 1): `node-1` gets 10.244.0.0/24
 * and 172.18.0.2, `node-2` 10.244.1.0/24 … (65,536 distinct /24s, wrapping within 10/8).
 */
export function simulatedAddresses(n: number): { podCIDR: string; address: string } {
  const block = (244 * 256 + (n - 1)) % 65536
  const host = n + 1
  return {
    podCIDR: `10.${block >> 8}.${block & 255}.0/24`,
    address: `172.18.${(host >> 8) & 255}.${host & 255}`,
  }
}

/**
 * A stable index for a standalone agent's node (30000…59999, from a hash of the name), so
 * that its addresses do not collide with `kubeling up`'s `node-N` (which use N).
 */
export function nodeIndexFor(name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0
  return 30000 + (h % 30000)
}
