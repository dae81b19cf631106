/**
 * computePodActions: the agent's pure decision of what to do with one pod, after the
 * kubelet's `computePodActions`. Input: the pod, what the runtime reports for it, what the
 * agent remembers (containers it asked to start, image pull failures) and `now`. Output:
 * plain data that `syncPod` executes in order (kill → sandbox → init → containers).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js'
import type { ContainerStatus, PodSandboxStatus } from './runtime/index.js'

export interface RuntimePodState {
  readonly sandboxes: readonly PodSandboxStatus[]
  readonly containers: readonly ContainerStatus[]
}

export interface PullFailure {
  readonly count: number
  readonly at: number
  readonly message: string
}

/** What the agent remembers about a pod between syncs. */
export interface PodMemory {
  /** container ids the agent asked to start (a simulated start completes asynchronously) */
  readonly startRequested: ReadonlySet<string>
  /** by container name */
  readonly pullFailures: ReadonlyMap<string, PullFailure>
}

export interface ContainerToKill {
  readonly id: string
  readonly name: string
  readonly message: string
}

export interface Waiting {
  readonly reason: string
  readonly message: string
}

export interface PodActions {
  /** stop every container and the sandbox (pod terminating, finished, or sandbox replaced) */
  readonly killPod: boolean
  readonly createSandbox: boolean
  /** the ready sandbox to use when not creating one */
  readonly sandboxId: string | undefined
  /** attempt number of a new sandbox */
  readonly attempt: number
  /** the init container to start next, if any */
  readonly initToStart: string | undefined
  /** regular containers (and sidecars) to start, in spec order */
  readonly containersToStart: readonly string[]
  readonly containersToKill: readonly ContainerToKill[]
  /** exited containers no longer needed for status (older than the last two per name) */
  readonly containersToRemove: readonly string[]
  /** why containers that should run are not being started (back-off) */
  readonly waiting: Readonly<Record<string, Waiting>>
  /** when to look again (a back-off ends) */
  readonly requeueAfterMs: number | undefined
}

export const BACKOFF_INITIAL_MS = 10_000
export const BACKOFF_MAX_MS = 300_000

/** Upstream's crash-loop delay before restart number `restartCount` (first restart is immediate). */
export function crashLoopDelayMs(restartCount: number): number {
  if (restartCount <= 0) return 0
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (restartCount - 1))
}

export function pullBackoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, failures - 1))
}

/** `10s`, `2m40s`, `5m0s` as Go prints a Duration. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${s % 60}s`
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`
}

/** Containers of one name, newest first. */
export function containersByName(containers: readonly ContainerStatus[]): Map<string, ContainerStatus[]> {
  const out = new Map<string, ContainerStatus[]>()
  for (const c of containers) {
    const list = out.get(c.name) ?? []
    list.push(c)
    out.set(c.name, list)
  }
  for (const list of out.values()) list.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt)
  return out
}

export function latestSandbox(sandboxes: readonly PodSandboxStatus[]): PodSandboxStatus | undefined {
  let best: PodSandboxStatus | undefined
  for (const s of sandboxes) if (!best || s.createdAt > best.createdAt || (s.createdAt === best.createdAt && s.metadata.attempt > best.metadata.attempt)) best = s
  return best
}

const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always'

function shouldRestart(pod: Pod, exitCode: number | undefined): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always'
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)
}

/** All regular containers exited and none will be restarted (restartPolicy Never/OnFailure). */
export function podIsFinished(pod: Pod, byName: ReadonlyMap<string, readonly ContainerStatus[]>): boolean {
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return true
  const containers = pod.spec?.containers ?? []
  if (containers.length === 0) return false
  const initFailed = (pod.spec?.initContainers ?? []).some((ic) => {
    const st = byName.get(ic.name)?.[0]
    return !isSidecar(ic) && st?.state === 'exited' && st.exitCode !== 0 && (pod.spec?.restartPolicy ?? 'Always') === 'Never'
  })
  if (initFailed) return true
  return containers.every((c) => {
    const st = byName.get(c.name)?.[0]
    return st?.state === 'exited' && !shouldRestart(pod, st.exitCode)
  })
}

interface Acc {
  toStart: string[]
  waiting: Record<string, Waiting>
  requeue: number | undefined
}

function later(acc: Acc, ms: number): void {
  acc.requeue = acc.requeue === undefined ? ms : Math.min(acc.requeue, ms)
}

/**
 * Decides whether `c` (not running) should be started now, or why not. Returns true to
 * start. Pull back-off and crash-loop back-off are applied here.
 */
function startable(pod: Pod, c: Container, latest: ContainerStatus | undefined, memory: PodMemory, now: number, acc: Acc): boolean {
  const pull = memory.pullFailures.get(c.name)
  if (pull) {
    const until = pull.at + pullBackoffMs(pull.count)
    if (now < until) {
      acc.waiting[c.name] = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image ?? ''}"` }
      later(acc, until - now)
      return false
    }
  }
  if (latest?.state === 'exited') {
    const restarts = latest.attempt + 1
    const delay = crashLoopDelayMs(restarts - 1)
    const until = (latest.finishedAt ?? now) + delay
    if (delay > 0 && now < until) {
      const meta = pod.metadata
      acc.waiting[c.name] = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${meta?.name ?? ''}_${meta?.namespace ?? ''}(${meta?.uid ?? ''})`,
      }
      later(acc, until - now)
      return false
    }
  }
  return true
}

export interface PodActionsInput {
  readonly pod: Pod
  readonly runtime: RuntimePodState
  readonly memory: PodMemory
  readonly now: number
}

export function computePodActions({ pod, runtime, memory, now }: PodActionsInput): PodActions {
  const byName = containersByName(runtime.containers)
  const sandbox = latestSandbox(runtime.sandboxes)
  const ready = sandbox?.state === 'ready' ? sandbox : undefined
  const anyRunning = runtime.containers.some((c) => c.state === 'running' || (c.state === 'created' && memory.startRequested.has(c.id)))
  const remove = oldContainers(byName)
  const none: Omit<PodActions, 'killPod'> = {
    createSandbox: false, sandboxId: ready?.id, attempt: 0, initToStart: undefined, containersToStart: [],
    containersToKill: [], containersToRemove: remove, waiting: {}, requeueAfterMs: undefined,
  }

  // Terminating or finished: stop everything, start nothing.
  if (pod.metadata?.deletionTimestamp || podIsFinished(pod, byName)) {
    return { ...none, killPod: ready !== undefined || anyRunning }
  }

  const acc: Acc = { toStart: [], waiting: {}, requeue: undefined }
  const spec = pod.spec
  const inits = spec?.initContainers ?? []
  const containers = spec?.containers ?? []

  if (!ready) {
    // A pod that ran before and must not restart does not get a new sandbox.
    if (sandbox && (spec?.restartPolicy ?? 'Always') !== 'Always' && runtime.containers.length > 0) {
      return { ...none, killPod: anyRunning }
    }
    const first = inits[0]
    if (first) {
      const initToStart = startable(pod, first, undefined, memory, now, acc) ? first.name : undefined
      return {
        ...none, killPod: anyRunning, createSandbox: true, sandboxId: undefined, attempt: sandbox ? sandbox.metadata.attempt + 1 : 0,
        initToStart, waiting: acc.waiting, requeueAfterMs: acc.requeue,
      }
    }
    for (const c of containers) if (startable(pod, c, undefined, memory, now, acc)) acc.toStart.push(c.name)
    return {
      ...none, killPod: anyRunning, createSandbox: true, sandboxId: undefined, attempt: sandbox ? sandbox.metadata.attempt + 1 : 0,
      containersToStart: acc.toStart, waiting: acc.waiting, requeueAfterMs: acc.requeue,
    }
  }

  // Init containers run one at a time; sidecars keep running alongside.
  let initToStart: string | undefined
  let initDone = true
  for (const ic of inits) {
    const st = byName.get(ic.name)?.[0]
    const inProgress = st !== undefined && (st.state === 'running' || (st.state === 'created' && memory.startRequested.has(st.id)))
    if (isSidecar(ic)) {
      if (inProgress) continue
      if (startable(pod, ic, st, memory, now, acc)) initToStart = ic.name
      initDone = false
      break
    }
    if (st?.state === 'exited' && st.exitCode === 0) continue
    initDone = false
    if (inProgress) break
    if (st?.state === 'exited' && !shouldRestart(pod, st.exitCode) && (spec?.restartPolicy ?? 'Always') === 'Never') break
    if (startable(pod, ic, st, memory, now, acc)) initToStart = ic.name
    break
  }

  if (initDone) {
    for (const c of containers) {
      const st = byName.get(c.name)?.[0]
      if (st && (st.state === 'running' || (st.state === 'created' && memory.startRequested.has(st.id)))) continue
      if (st?.state === 'exited' && !shouldRestart(pod, st.exitCode)) continue
      if (startable(pod, c, st, memory, now, acc)) acc.toStart.push(c.name)
    }
  }

  return {
    ...none, killPod: false, initToStart, containersToStart: acc.toStart, waiting: acc.waiting, requeueAfterMs: acc.requeue,
  }
}

/** Exited containers beyond the newest two per name (the newest gives state, the next lastState). */
function oldContainers(byName: ReadonlyMap<string, readonly ContainerStatus[]>): string[] {
  const out: string[] = []
  for (const list of byName.values()) {
    list.slice(2).forEach((c) => { if (c.state === 'exited') out.push(c.id) })
  }
  return out
}
