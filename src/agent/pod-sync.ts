/**
 * syncPod: executes computePodActions for one pod in the kubelet's numbered steps, then
 * reports status. Runtime calls that take time (image pulls) are awaited; container stops
 * are not (the runtime's events bring the pod back when they finish), so a worker is never
 * held for a grace period.
 *
 *   1. kill the pod (terminating / finished / sandbox replaced)
 *   2. remove old exited containers
 *   3. create the sandbox, once the pod's claims can be mounted (else FailedMount; the pod
 *      stays Pending and is synced again when its claims or volumes change)
 *   4. start the next init container, then 5. the containers (pull → create → start)
 *   6. compute and write status (only when it changed)
 *   7. a terminating pod whose containers have all exited: final status, then DELETE with
 *      gracePeriodSeconds=0 (uid precondition), then remove it from the runtime.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../api/index.js'
import { getResource, isConflict, isInvalid, isNotFound } from '../api/index.js'
import { podVolumesReady } from '../api/storage/index.js'
import type { PodVolumeMount, PodVolumesView } from '../api/storage/index.js'
import type { Client } from '../client/index.js'
import { logger } from '../lib/log.js'
import type { ContainerConfig, ContainerRuntime, Mount, PodSandboxConfig } from './runtime/index.js'
import { PROBE_ANNOTATION_PREFIX } from './runtime/index.js'
import type { Clock } from './runtime/index.js'
import { computePodActions, containersByName } from './pod-actions.js'
import type { PullFailure, RuntimePodState, Waiting } from './pod-actions.js'
import { computePodStatus } from './pod-status.js'
import { createHash } from 'node:crypto'
import { canonicalJson, sameJson } from '../api/index.js'
import type { EventObject, EventRecorder } from './events.js'
import {
  REASON_BACKOFF, REASON_CREATED, REASON_FAILED, REASON_FAILED_MOUNT, REASON_FAILED_SANDBOX, REASON_KILLING, REASON_NEVER_PULL,
  REASON_PULLED, REASON_PULLING, REASON_STARTED,
} from './events.js'

const log = logger('agent')
const PODS = getResource('', 'pods')

export type PodObject = Pod & KubeObject

/** What the agent keeps per pod (by uid) between syncs. */
export interface PodRecord {
  readonly uid: string
  readonly nodeName: string
  pod: PodObject
  /** the API object is gone (deleted, force-deleted, or our final delete) */
  gone: boolean
  readonly startRequested: Set<string>
  readonly pullFailures: Map<string, PullFailure>
  /** containers whose Started / Killing events were recorded */
  readonly announced: Set<string>
  /** digest of the last status written, to avoid rewriting it before the informer catches up */
  lastStatus: string | undefined
  deleting: boolean
  /** the pod's claim-backed volumes, once they could be mounted */
  mounts: readonly PodVolumeMount[] | undefined
  /** the last FailedMount event (re-sent when the message changes or after FAILED_MOUNT_REPEAT_MS) */
  failedMount: { message: string; at: number } | undefined
}

/** How often a pod still waiting for its volumes repeats FailedMount (the kubelet's ~2 min). */
export const FAILED_MOUNT_REPEAT_MS = 120_000

export function newPodRecord(pod: PodObject): PodRecord {
  return {
    uid: pod.metadata.uid ?? '', nodeName: pod.spec?.nodeName ?? '', pod, gone: false,
    startRequested: new Set(), pullFailures: new Map(), announced: new Set(), lastStatus: undefined, deleting: false,
    mounts: undefined, failedMount: undefined,
  }
}

export interface NodeContext {
  readonly name: string
  readonly hostIP: string
  readonly runtime: ContainerRuntime
  readonly events: EventRecorder
}

export interface SyncDeps {
  readonly client: Client
  readonly clock: Clock
  /** counters (benchmarks) */
  readonly stats?: { statusWrites: number; deletes: number }
  /** claim and volume lookups (informer caches); without them volumes are not checked */
  readonly volumes?: PodVolumesView
  /**
   * uids of pods waiting for their volumes: syncPod adds and removes the pod's uid (right
   * after reading the caches, so a claim or volume event that follows finds it there)
   */
  readonly volumeWaiters?: Set<string>
}

export interface SyncResult {
  /** the record can be forgotten (pod gone and cleaned up) */
  forget: boolean
  requeueAfterMs?: number
}

const podRef = (pod: PodObject, fieldPath?: string): EventObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion },
  ...(fieldPath ? { fieldPath } : {}),
})

function fieldPathOf(pod: Pod, name: string): string {
  if ((pod.spec?.initContainers ?? []).some((c) => c.name === name)) return `spec.initContainers{${name}}`
  return `spec.containers{${name}}`
}

export function sandboxConfig(pod: Pod, attempt: number): PodSandboxConfig {
  const m = pod.metadata ?? {}
  return {
    metadata: { name: m.name ?? '', namespace: m.namespace ?? 'default', uid: m.uid ?? '', attempt },
    hostname: pod.spec?.hostname ?? m.name ?? '',
    ...(pod.spec?.hostNetwork ? { hostNetwork: true } : {}),
    labels: { ...(m.labels ?? {}) },
    annotations: { ...(m.annotations ?? {}) },
  }
}

/** CRI mounts for one container: its volumeMounts of the pod's claim-backed volumes. */
export function containerMounts(c: Container, mounts: readonly PodVolumeMount[]): Mount[] {
  const out: Mount[] = []
  for (const vm of c.volumeMounts ?? []) {
    const m = mounts.find((x) => x.name === vm.name)
    if (!m) continue
    const host = m.hostPath ?? ''
    out.push({
      volumeName: m.name,
      containerPath: vm.mountPath,
      hostPath: host && vm.subPath ? `${host.replace(/\/+$/, '')}/${vm.subPath}` : host,
      readonly: m.readOnly || vm.readOnly === true,
    })
  }
  return out
}

export function containerConfig(c: Container, attempt: number, mounts: readonly PodVolumeMount[] = []): ContainerConfig {
  const annotations: Record<string, string> = {}
  if (c.readinessProbe) annotations[`${PROBE_ANNOTATION_PREFIX}readiness`] = JSON.stringify(c.readinessProbe)
  if (c.livenessProbe) annotations[`${PROBE_ANNOTATION_PREFIX}liveness`] = JSON.stringify(c.livenessProbe)
  if (c.startupProbe) annotations[`${PROBE_ANNOTATION_PREFIX}startup`] = JSON.stringify(c.startupProbe)
  const cm = containerMounts(c, mounts)
  return {
    name: c.name,
    attempt,
    image: c.image ?? '',
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    env: (c.env ?? []).filter((e) => e.value !== undefined).map((e) => ({ name: e.name, value: e.value ?? '' })),
    ...(cm.length ? { mounts: cm } : {}),
    labels: {},
    annotations,
  }
}

/** The grace period for stopping a terminating pod's containers. */
export function gracePeriodSeconds(pod: Pod): number {
  const g = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30
  return Math.max(0, g)
}

function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy
  const image = c.image ?? ''
  const last = image.slice(image.lastIndexOf('/') + 1)
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent'
}

async function runtimeState(rt: ContainerRuntime, uid: string): Promise<RuntimePodState> {
  const [sandboxes, containers] = await Promise.all([rt.listPodSandboxes({ podUid: uid }), rt.listContainers({ podUid: uid })])
  return { sandboxes, containers }
}

/** Pull per policy; records events. Returns false (with `waiting[name]` set) when the image is not usable. */
async function ensureImage(node: NodeContext, rec: PodRecord, c: Container, sb: PodSandboxConfig, deps: SyncDeps, waiting: Record<string, Waiting>): Promise<boolean> {
  const image = c.image ?? ''
  const ref = podRef(rec.pod, fieldPathOf(rec.pod, c.name))
  const policy = pullPolicy(c)
  if (policy !== 'Always') {
    const present = await node.runtime.imageStatus(image)
    if (present) {
      node.events.event(ref, 'Normal', REASON_PULLED, `Container image "${image}" already present on machine`)
      return true
    }
    if (policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`
      node.events.event(ref, 'Warning', REASON_NEVER_PULL, msg)
      waiting[c.name] = { reason: 'ErrImageNeverPull', message: msg }
      return false
    }
  }
  node.events.event(ref, 'Normal', REASON_PULLING, `Pulling image "${image}"`)
  const started = deps.clock.now()
  try {
    await node.runtime.pullImage(image, sb)
    rec.pullFailures.delete(c.name)
    const took = ((deps.clock.now() - started) / 1000).toFixed(3).replace(/\.?0+$/, '') || '0'
    const status = await node.runtime.imageStatus(image)
    node.events.event(ref, 'Normal', REASON_PULLED, `Successfully pulled image "${image}" in ${took}s (${took}s including waiting). Image size: ${status?.size ?? 0} bytes.`)
    return true
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    const prev = rec.pullFailures.get(c.name)
    rec.pullFailures.set(c.name, { count: (prev?.count ?? 0) + 1, at: deps.clock.now(), message: msg })
    node.events.event(ref, 'Warning', REASON_FAILED, `Failed to pull image "${image}": ${msg}`)
    node.events.event(ref, 'Warning', REASON_FAILED, 'Error: ErrImagePull')
    waiting[c.name] = { reason: 'ErrImagePull', message: msg }
    return false
  }
}

function findContainer(pod: Pod, name: string): Container | undefined {
  return (pod.spec?.initContainers ?? []).find((c) => c.name === name) ?? (pod.spec?.containers ?? []).find((c) => c.name === name)
}

/** Stops whatever runs (without waiting) and, once all exited, the sandboxes. */
async function killPod(node: NodeContext, rec: PodRecord, state: RuntimePodState, grace: number, announce: boolean): Promise<void> {
  for (const c of state.containers) {
    if (c.state === 'exited') continue
    if (announce && c.state === 'running' && !rec.announced.has(`kill:${c.id}`)) {
      rec.announced.add(`kill:${c.id}`)
      node.events.event(podRef(rec.pod, fieldPathOf(rec.pod, c.name)), 'Normal', REASON_KILLING, `Stopping container ${c.name}`)
    }
    node.runtime.stopContainer(c.id, grace).catch((e: unknown) => log.info('stopContainer failed', { pod: rec.uid, container: c.id, err: e }))
  }
  const stillRunning = state.containers.some((c) => c.state !== 'exited')
  if (!stillRunning) {
    for (const s of state.sandboxes) if (s.state === 'ready') await node.runtime.stopPodSandbox(s.id)
  }
}

async function removeAll(node: NodeContext, state: RuntimePodState): Promise<void> {
  for (const c of state.containers) if (c.state !== 'exited') await node.runtime.stopContainer(c.id, 0)
  for (const s of state.sandboxes) {
    await node.runtime.stopPodSandbox(s.id)
    await node.runtime.removePodSandbox(s.id)
  }
}

function announceStarts(node: NodeContext, rec: PodRecord, state: RuntimePodState): void {
  for (const c of state.containers) {
    if ((c.state === 'running' || (c.state === 'exited' && c.startedAt !== undefined && c.reason !== 'StartError')) && !rec.announced.has(c.id)) {
      rec.announced.add(c.id)
      node.events.event(podRef(rec.pod, fieldPathOf(rec.pod, c.name)), 'Normal', REASON_STARTED, `Started container ${c.name}`)
    }
    if (c.state === 'exited' && c.reason === 'StartError' && !rec.announced.has(`fail:${c.id}`)) {
      rec.announced.add(`fail:${c.id}`)
      node.events.event(podRef(rec.pod, fieldPathOf(rec.pod, c.name)), 'Warning', REASON_FAILED, `Error: ${c.message ?? 'failed to start container'}`)
    }
  }
}

export async function syncPod(node: NodeContext, rec: PodRecord, deps: SyncDeps): Promise<SyncResult> {
  const rt = node.runtime
  let state = await runtimeState(rt, rec.uid)
  if (rec.gone) {
    await removeAll(node, state)
    return { forget: true }
  }
  const pod = rec.pod
  const now = deps.clock.now()
  const terminating = pod.metadata.deletionTimestamp !== undefined
  const actions = computePodActions({ pod, runtime: state, memory: rec, now })
  log.debug('pod actions', { pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`, node: node.name, actions })
  const waiting: Record<string, Waiting> = { ...actions.waiting }

  for (const [name, w] of Object.entries(actions.waiting)) {
    const c = findContainer(pod, name)
    const ref = podRef(pod, fieldPathOf(pod, name))
    if (w.reason === 'ImagePullBackOff') {
      node.events.event(ref, 'Normal', REASON_BACKOFF, `Back-off pulling image "${c?.image ?? ''}"`)
      node.events.event(ref, 'Warning', REASON_FAILED, 'Error: ImagePullBackOff')
    } else if (w.reason === 'CrashLoopBackOff') {
      node.events.event(ref, 'Warning', REASON_BACKOFF, `Back-off restarting failed container ${name} in pod ${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${rec.uid})`)
    }
  }

  // 1. kill
  if (actions.killPod) await killPod(node, rec, state, terminating ? gracePeriodSeconds(pod) : 0, terminating)
  // 2. garbage: old exited containers
  for (const id of actions.containersToRemove) await rt.removeContainer(id)
  // volumes (the kubelet's WaitForAttachAndMount), before anything is created
  const mountsReady = checkVolumes(node, rec, actions.createSandbox || actions.initToStart !== undefined || actions.containersToStart.length > 0, deps)
  // 3. sandbox
  let sandboxId = mountsReady ? actions.sandboxId : undefined
  let sbConfig = sandboxConfig(pod, actions.attempt)
  if (!mountsReady) {
    // stays Pending (containers waiting in ContainerCreating) until the volumes are there
  } else if (actions.createSandbox) {
    for (const s of state.sandboxes) {
      if (s.state !== 'ready') await rt.removePodSandbox(s.id)
    }
    try {
      sandboxId = await rt.runPodSandbox(sbConfig)
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e)
      node.events.event(podRef(pod), 'Warning', REASON_FAILED_SANDBOX, `Failed to create pod sandbox: ${msg}`)
      sandboxId = undefined
    }
  } else if (sandboxId) {
    const s = state.sandboxes.find((x) => x.id === sandboxId)
    if (s) sbConfig = sandboxConfig(pod, s.metadata.attempt)
  }
  // 4./5. init container, then containers
  if (sandboxId) {
    const byName = containersByName(state.containers)
    const names = [...(actions.initToStart ? [actions.initToStart] : []), ...actions.containersToStart]
    for (const name of names) {
      const c = findContainer(pod, name)
      if (!c) continue
      if (!(await ensureImage(node, rec, c, sbConfig, deps, waiting))) continue
      const attempt = (byName.get(name)?.[0]?.attempt ?? -1) + 1
      const ref = podRef(pod, fieldPathOf(pod, name))
      let id: string
      try {
        id = await rt.createContainer(sandboxId, containerConfig(c, attempt, rec.mounts ?? []), sbConfig)
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e)
        node.events.event(ref, 'Warning', REASON_FAILED, `Error: ${msg}`)
        waiting[name] = { reason: 'CreateContainerError', message: msg }
        continue
      }
      node.events.event(ref, 'Normal', REASON_CREATED, `Created container: ${name}`)
      try {
        await rt.startContainer(id)
        rec.startRequested.add(id)
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e)
        node.events.event(ref, 'Warning', REASON_FAILED, `Error: ${msg}`)
        waiting[name] = { reason: 'RunContainerError', message: msg }
      }
    }
  }
  // 6. status
  state = await runtimeState(rt, rec.uid)
  announceStarts(node, rec, state)
  for (const id of rec.startRequested) if (!state.containers.some((c) => c.id === id && c.state === 'created')) rec.startRequested.delete(id)
  const status = computePodStatus({ pod, runtime: state, waiting, hostIP: node.hostIP, runtimeName: rt.name, now: deps.clock.now() })
  const written = await writeStatus(rec, status, deps)
  if (!written) return { forget: false, requeueAfterMs: 1000 }
  // 7. a terminating pod that has stopped: delete it for good
  const stopped = state.containers.every((c) => c.state === 'exited') && !state.sandboxes.some((s) => s.state === 'ready')
  if (terminating && stopped && !rec.deleting) {
    rec.deleting = true
    try {
      await deps.client.delete(PODS, pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: rec.uid } })
      if (deps.stats) deps.stats.deletes++
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) {
        rec.deleting = false
        throw e
      }
    }
    rec.gone = true
    await removeAll(node, state)
    return { forget: true }
  }
  return actions.requeueAfterMs !== undefined ? { forget: false, requeueAfterMs: actions.requeueAfterMs } : { forget: false }
}

/**
 * Can the pod's claims be mounted? Records FailedMount (once per message, repeated every
 * FAILED_MOUNT_REPEAT_MS) and keeps `deps.volumeWaiters` current. A pod that mounted its
 * volumes once keeps them; only a pod that never did waits. True when the sync may create
 * the sandbox and containers.
 */
function checkVolumes(node: NodeContext, rec: PodRecord, wantsToRun: boolean, deps: SyncDeps): boolean {
  const pod = rec.pod
  if (!deps.volumes || !wantsToRun || pod.metadata.deletionTimestamp) {
    deps.volumeWaiters?.delete(rec.uid)
    return true
  }
  const state = podVolumesReady(pod, deps.volumes)
  if (state.ready) {
    deps.volumeWaiters?.delete(rec.uid)
    rec.mounts = state.mounts
    rec.failedMount = undefined
    return true
  }
  // Mounted once: the volumes stay mounted for the pod's life on the node (the kubelet
  // unmounts only when the pod goes), so restarts and a new sandbox go ahead.
  if (rec.mounts !== undefined) return true
  deps.volumeWaiters?.add(rec.uid)
  const now = deps.clock.now()
  const last = rec.failedMount
  if (!last || last.message !== state.message || now - last.at >= FAILED_MOUNT_REPEAT_MS) {
    rec.failedMount = { message: state.message, at: now }
    node.events.event(podRef(pod), 'Warning', REASON_FAILED_MOUNT, state.message)
  }
  return false
}

/** Merge-patches the pod status when it differs from what the API (or our last write) has. */
async function writeStatus(rec: PodRecord, status: Pod['status'], deps: SyncDeps): Promise<boolean> {
  if (sameJson(status, rec.pod.status ?? {})) return true
  // a digest, not the text: 150k pods on one agent fleet would keep 150k statuses otherwise
  const digest = createHash('sha1').update(canonicalJson(status)).digest('base64')
  if (digest === rec.lastStatus) return true
  const pod = rec.pod
  try {
    await deps.client.patch(PODS, pod.metadata.namespace, pod.metadata.name ?? '', { metadata: { uid: rec.uid }, status }, { type: 'merge', subresource: 'status' })
    rec.lastStatus = digest
    if (deps.stats) deps.stats.statusWrites++
    return true
  } catch (e) {
    if (isNotFound(e)) {
      rec.gone = true
      return true
    }
    if (isConflict(e) || isInvalid(e)) {
      log.info('pod status write rejected', { pod: rec.uid, err: e })
      return false
    }
    throw e
  }
}
