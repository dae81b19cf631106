/**
 * Fixtures for the binder's tables, after upstream's framework_test.go: `newVolume` /
 * `newClaim` build objects from a few positional facts, `runSync` applies a plan to an
 * in-memory world, and `summarize*` reduce objects to what the tables compare.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import type { BinderAction } from './plan.js'
import { planClaim, planVolume } from './plan.js'
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_IS_DEFAULT_CLASS } from '../../api/storage/helpers.js'

export const NS = 'default'
export const NOW = Date.parse('2026-01-01T00:00:00Z')

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * A volume: capacity, the claim it is bound to (`uid` may be '' for a user pre-binding),
 * phase, reclaim policy and class. `ann` adds annotations.
 */
export function newVolume(name: string, capacity: string, claimUid: string, claimName: string, phase: string, policy = 'Retain', cls = '', ann: string[] = []): PersistentVolume {
  const spec: Mutable<NonNullable<PersistentVolume['spec']>> = {
    capacity: { storage: capacity },
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
    persistentVolumeReclaimPolicy: policy,
    volumeMode: 'Filesystem',
    hostPath: { path: `/tmp/${name}`, type: '' },
  }
  if (cls) spec.storageClassName = cls
  if (claimName) spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: NS, name: claimName, ...(claimUid ? { uid: claimUid } : {}), apiVersion: 'v1' }
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, uid: `pv-${name}`, resourceVersion: '1', ...(ann.length ? { annotations: Object.fromEntries(ann.map((a) => [a, 'yes'])) } : {}) },
    spec,
    status: { phase },
  }
}

/** A claim: uid, request, the volume it names ('' none), phase, class (undefined: none set). */
export function newClaim(name: string, uid: string, request: string, volumeName: string, phase: string, cls?: string, ann: string[] = []): PersistentVolumeClaim {
  const spec: Mutable<NonNullable<PersistentVolumeClaim['spec']>> = {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: request } },
    volumeMode: 'Filesystem',
  }
  if (volumeName) spec.volumeName = volumeName
  if (cls !== undefined) spec.storageClassName = cls
  const status: Mutable<NonNullable<PersistentVolumeClaim['status']>> = { phase }
  if (phase === 'Bound') {
    status.accessModes = ['ReadWriteOnce', 'ReadOnlyMany']
    status.capacity = { storage: request }
  }
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: NS, uid, resourceVersion: '1', ...(ann.length ? { annotations: Object.fromEntries(ann.map((a) => [a, 'yes'])) } : {}) },
    spec,
    status,
  }
}

export function withAnn<T extends { metadata?: { annotations?: Record<string, string> } }>(obj: T, key: string, value: string): T {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), annotations: { ...(obj.metadata?.annotations ?? {}), [key]: value } } }
}

export function withSpec<T extends PersistentVolume | PersistentVolumeClaim>(obj: T, spec: Partial<NonNullable<T['spec']>>): T {
  return { ...obj, spec: { ...(obj.spec ?? {}), ...spec } }
}

export function newClass(name: string, mode: 'Immediate' | 'WaitForFirstConsumer', provisioner = 'kubeling.dev/local-path', isDefault = false): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z', ...(isDefault ? { annotations: { [ANN_IS_DEFAULT_CLASS]: 'true' } } : {}) },
    provisioner, volumeBindingMode: mode, reclaimPolicy: 'Delete',
  }
}

export function newNode(name: string, labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } }
}

export function podUsing(name: string, claim: string, nodeName = ''): Pod {
  return {
    metadata: { name, namespace: NS, uid: `pod-${name}` },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] },
    status: { phase: nodeName ? 'Running' : 'Pending' },
  }
}

/** The world a sync acts on. */
export interface World {
  volumes: PersistentVolume[]
  claims: PersistentVolumeClaim[]
  classes?: StorageClass[]
  nodes?: Node[]
  pods?: Pod[]
}

export interface SyncResult {
  volumes: string[]
  claims: string[]
  /** "Normal FailedBinding" … */
  events: string[]
  /** reclaim operations, enqueued claims, requeue and blocked notes */
  other: string[]
  actions: readonly BinderAction[]
}

const ANN_SHORT: Record<string, string> = { [ANN_BOUND_BY_CONTROLLER]: 'byCtrl', [ANN_BIND_COMPLETED]: 'completed' }

/** `name phase [claim ns/name@uid] {annotations}` */
export function summarizeVolume(v: PersistentVolume): string {
  const ref = v.spec?.claimRef
  const claim = ref ? ` ${ref.namespace ?? ''}/${ref.name ?? ''}@${ref.uid ?? ''}` : ''
  const ann = Object.keys(v.metadata?.annotations ?? {}).map((k) => ANN_SHORT[k] ?? k).sort()
  return `${v.metadata?.name ?? ''} ${v.status?.phase ?? ''}${claim}${ann.length ? ` {${ann.join(',')}}` : ''}`
}

/** `name phase [volume] [capacity] {annotations} [class=…]` */
export function summarizeClaim(c: PersistentVolumeClaim): string {
  const ann = Object.entries(c.metadata?.annotations ?? {}).map(([k, v]) => (ANN_SHORT[k] ?? (v === 'yes' ? k : `${k}=${v}`))).sort()
  const cap = c.status?.capacity?.['storage']
  const cls = c.spec?.storageClassName
  return `${c.metadata?.name ?? ''} ${c.status?.phase ?? ''}${c.spec?.volumeName ? ` ->${c.spec.volumeName}` : ''}${cap ? ` ${cap}` : ''}${ann.length ? ` {${ann.join(',')}}` : ''}${cls !== undefined ? ` class=${cls}` : ''}`
}

function applyActions(world: World, actions: readonly BinderAction[], out: SyncResult): void {
  for (const a of actions) {
    switch (a.type) {
      case 'updateVolume':
      case 'updateVolumeStatus': {
        const i = world.volumes.findIndex((v) => v.metadata?.name === a.volume.metadata?.name)
        const cur = world.volumes[i]!
        world.volumes[i] = a.type === 'updateVolume' ? { ...a.volume, status: cur.status ?? {} } : { ...cur, status: a.volume.status ?? {} }
        break
      }
      case 'updateClaim':
      case 'updateClaimStatus': {
        const i = world.claims.findIndex((c) => c.metadata?.name === a.claim.metadata?.name)
        const cur = world.claims[i]!
        world.claims[i] = a.type === 'updateClaim' ? { ...a.claim, status: cur.status ?? {} } : { ...cur, status: a.claim.status ?? {} }
        break
      }
      case 'recordEvent':
        out.events.push(`${a.event.eventType} ${a.event.reason}`)
        break
      case 'enqueueClaim':
        out.other.push(`enqueue ${a.key}`)
        break
      case 'reclaimVolume':
        out.other.push(`${a.method} ${a.volume.metadata?.name ?? ''}`)
        break
    }
  }
}

function view(world: World): { volumes: PersistentVolume[]; classes: StorageClass[]; nodes: Map<string, Node>; now: number } {
  return { volumes: world.volumes, classes: world.classes ?? [], nodes: new Map((world.nodes ?? []).map((n) => [n.metadata?.name ?? '', n])), now: NOW }
}

/** Syncs one claim (by name) or one volume (by name) once against `world` and returns the new state. */
export function runSync(world: World, what: { claim: string } | { volume: string }): SyncResult {
  const w: World = { ...world, volumes: [...world.volumes], claims: [...world.claims] }
  const out: SyncResult = { volumes: [], claims: [], events: [], other: [], actions: [] }
  let plan
  if ('claim' in what) {
    const claim = w.claims.find((c) => c.metadata?.name === what.claim)!
    const pods = (w.pods ?? []).filter((p) => p.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === what.claim))
    plan = planClaim({ ...view(w), claim, pods })
  } else {
    const volume = w.volumes.find((v) => v.metadata?.name === what.volume)!
    const ref = volume.spec?.claimRef
    const claim = ref ? w.claims.find((c) => c.metadata?.name === ref.name && c.metadata?.namespace === ref.namespace) : undefined
    plan = planVolume({ volume, claim, now: NOW })
  }
  applyActions(w, plan.actions, out)
  if (plan.requeueAfterMs !== undefined) out.other.push(`requeue ${plan.requeueAfterMs}ms`)
  if (plan.blocked) out.other.push(`blocked`)
  out.actions = plan.actions
  out.volumes = w.volumes.map(summarizeVolume)
  out.claims = w.claims.map(summarizeClaim)
  return out
}
