/**
 * computePodStatus: the pod status the agent reports, from the runtime's view of the pod,
 * after the kubelet's `generateAPIPodStatus` / `getPhase`. Pure: `now` and the previous
 * status (for transition times and startTime) are inputs.
 */
import type {
  Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus,
} from 'kubernetes-types/core/v1.js'
import type { ContainerStatus } from './runtime/index.js'
import { imageIdFor, normalizeImage } from './runtime/index.js'
import { containersByName, latestSandbox } from './pod-actions.js'
import type { RuntimePodState, Waiting } from './pod-actions.js'
import { rfc3339 } from '../api/index.js'

export interface PodStatusInput {
  readonly pod: Pod
  readonly runtime: RuntimePodState
  /** why containers are not running: back-off from computePodActions, errors from the executor */
  readonly waiting: Readonly<Record<string, Waiting>>
  readonly hostIP: string
  /** `simulated` → containerIDs look like `simulated://<id>` */
  readonly runtimeName: string
  readonly now: number
}

export const iso = rfc3339

const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']

function terminated(c: ContainerStatus, runtimeName: string): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt !== undefined ? { startedAt: iso(c.startedAt) } : {}),
      ...(c.finishedAt !== undefined ? { finishedAt: iso(c.finishedAt) } : {}),
      containerID: `${runtimeName}://${c.id}`,
    },
  }
}

const hasReadinessProbe = (c: Container): boolean => c.readinessProbe !== undefined

function containerStatus(
  spec: Container, list: readonly ContainerStatus[] | undefined, waiting: Waiting | undefined, defaultReason: string, runtimeName: string,
): ApiContainerStatus {
  const latest = list?.[0]
  const prev = list?.[1]
  const base = { name: spec.name, image: spec.image ?? '', imageID: '', restartCount: 0, ready: false, started: false }
  if (!latest) {
    return { ...base, state: { waiting: { reason: waiting?.reason ?? defaultReason, ...(waiting?.message ? { message: waiting.message } : {}) } } }
  }
  const common = {
    name: spec.name,
    image: normalizeImage(latest.image),
    imageID: imageIdFor(latest.image, latest.imageRef),
    containerID: `${runtimeName}://${latest.id}`,
    restartCount: latest.attempt,
  }
  let lastState: ContainerState = {}
  if (latest.state === 'exited' && waiting) lastState = terminated(latest, runtimeName)
  else if (prev?.state === 'exited') lastState = terminated(prev, runtimeName)
  switch (latest.state) {
    case 'running': {
      const ready = !hasReadinessProbe(spec) || latest.ready === true
      return { ...common, state: { running: { startedAt: iso(latest.startedAt ?? latest.createdAt) } }, lastState, ready, started: true }
    }
    case 'exited':
      if (waiting) return { ...common, state: { waiting: { reason: waiting.reason, message: waiting.message } }, lastState, ready: false, started: false }
      return { ...common, state: terminated(latest, runtimeName), lastState, ready: false, started: false }
    case 'created':
    case 'unknown':
      return { ...common, state: { waiting: { reason: waiting?.reason ?? 'ContainerCreating', ...(waiting?.message ? { message: waiting.message } : {}) } }, lastState, ready: false, started: false }
  }
}

/** Upstream getPhase. */
export function podPhase(pod: Pod, init: readonly ApiContainerStatus[], regular: readonly ApiContainerStatus[], podIsTerminal: boolean): string {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always'
  const inits = pod.spec?.initContainers ?? []
  let pendingInit = 0
  let failedInit = false
  inits.forEach((ic, i) => {
    const st = init[i]
    if (ic.restartPolicy === 'Always') {
      if (!st?.state?.running && !st?.started) pendingInit++
      return
    }
    const t = st?.state?.terminated
    if (t && t.exitCode === 0) return
    if (t && t.exitCode !== 0) failedInit = true
    pendingInit++
  })
  if (failedInit && restartPolicy === 'Never') return 'Failed'
  let running = 0
  let waiting = 0
  let stopped = 0
  let succeeded = 0
  for (const st of regular) {
    if (st.state?.running) running++
    else if (st.state?.terminated) {
      stopped++
      if (st.state.terminated.exitCode === 0) succeeded++
    } else if (st.state?.waiting) {
      if (st.lastState?.terminated) stopped++
      else waiting++
    }
  }
  if (pendingInit > 0 && !podIsTerminal) return 'Pending'
  if (waiting > 0) return 'Pending'
  if (running > 0) return 'Running'
  if (stopped > 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed'
    if (restartPolicy === 'Always') return 'Running'
    if (stopped === succeeded) return 'Succeeded'
    if (restartPolicy === 'Never') return 'Failed'
    return 'Running'
  }
  return 'Pending'
}

function condition(type: string, ok: boolean, reason: string | undefined, message: string | undefined, old: PodCondition | undefined, now: number): PodCondition {
  const status = ok ? 'True' : 'False'
  return {
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : iso(now),
  }
}

export function computePodStatus(input: PodStatusInput): PodStatus {
  const { pod, runtime, waiting, hostIP, runtimeName, now } = input
  const prev = pod.status ?? {}
  const byName = containersByName(runtime.containers)
  const sandbox = latestSandbox(runtime.sandboxes)
  const ready = sandbox?.state === 'ready' ? sandbox : undefined
  const inits = pod.spec?.initContainers ?? []
  const initDone = inits.every((ic) => {
    const st = byName.get(ic.name)?.[0]
    return ic.restartPolicy === 'Always' ? st?.state === 'running' : st?.state === 'exited' && st.exitCode === 0
  })
  const initStatuses = inits.map((ic) => containerStatus(ic, byName.get(ic.name), waiting[ic.name], 'PodInitializing', runtimeName))
  const statuses = (pod.spec?.containers ?? []).map((c) =>
    containerStatus(c, byName.get(c.name), waiting[c.name], initDone ? 'ContainerCreating' : 'PodInitializing', runtimeName))
  const allExited = runtime.containers.every((c) => c.state === 'exited')
  const podIsTerminal = pod.metadata?.deletionTimestamp !== undefined && !ready && allExited && runtime.containers.length > 0
  let phase = podPhase(pod, initStatuses, statuses, podIsTerminal)
  if (prev.phase === 'Succeeded' || prev.phase === 'Failed') phase = prev.phase // terminal phases never change
  const terminal = phase === 'Succeeded' || phase === 'Failed'

  const old = new Map((prev.conditions ?? []).map((c) => [c.type, c]))
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name)
  const incompleteInit = inits.filter((ic, i) => {
    const st = initStatuses[i]
    return ic.restartPolicy === 'Always' ? !st?.started : st?.state?.terminated?.exitCode !== 0
  }).map((ic) => ic.name)
  const containersReady = unready.length === 0 && !terminal
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType)
  const missingGate = gates.find((g) => !old.has(g))
  const falseGate = gates.find((g) => old.get(g)?.status !== 'True')
  const conds: PodCondition[] = [
    condition('PodReadyToStartContainers', ready !== undefined, undefined, undefined, old.get('PodReadyToStartContainers'), now),
    condition('Initialized', incompleteInit.length === 0 || terminal && initDone, incompleteInit.length ? 'ContainersNotInitialized' : undefined,
      incompleteInit.length ? `containers with incomplete status: [${incompleteInit.join(' ')}]` : undefined, old.get('Initialized'), now),
  ]
  const notReady = terminal
    ? { reason: 'PodCompleted', message: undefined }
    : unready.length
      ? { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
      : undefined
  let readyReason = notReady
  if (!readyReason && missingGate) readyReason = { reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${missingGate}" does not exist.` }
  else if (!readyReason && falseGate) readyReason = { reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${falseGate}" is not "True", but ${old.get(falseGate)?.status ?? ''}` }
  conds.push(condition('Ready', containersReady && !readyReason, readyReason?.reason, readyReason?.message, old.get('Ready'), now))
  conds.push(condition('ContainersReady', containersReady, notReady?.reason, notReady?.message, old.get('ContainersReady'), now))
  const scheduled = old.get('PodScheduled')
  if (scheduled) conds.push(scheduled)
  for (const c of prev.conditions ?? []) if (!CONDITION_ORDER.includes(c.type)) conds.push(c)

  const podIP = pod.spec?.hostNetwork ? hostIP : ready?.ip ?? prev.podIP
  const status: PodStatus = {
    ...prev,
    phase,
    conditions: conds,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: prev.startTime ?? iso(now),
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
  }
  return status
}
