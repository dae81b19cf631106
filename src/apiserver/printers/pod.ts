/** Pods: upstream `printPod`, including the STATUS / RESTARTS derivation kubectl shows. */

import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../../api/index.js'
import { ageColumn, ageOf, nameColumn, nameOf } from './common.js'
import { DOC } from './descriptions.js'
import { humanDuration, parseTimestamp } from './duration.js'
import { col, view, type TablePrinter, type TableRowCondition } from './types.js'

/** `node.NodeUnreachablePodReason`: set by the node lifecycle controller on pods of a lost node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost'

/** `podutil.IsRestartableInitContainer`: a sidecar (`restartPolicy: Always`) init container. */
function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always'
}

function hasPodReadyCondition(conditions: readonly PodCondition[]): boolean {
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True')
}

/** Only the first `Initialized` condition counts, as upstream. */
function isPodInitializedConditionTrue(conditions: readonly PodCondition[]): boolean {
  const c = conditions.find((x) => x.type === 'Initialized')
  return c?.status === 'True'
}

/** Later of a running maximum and a container's last termination time (zero time = undefined). */
function laterRestart(current: number | undefined, status: ContainerStatus): number | undefined {
  const t = parseTimestamp(status.lastState?.terminated?.finishedAt)
  if (t === undefined) return current
  return current === undefined || current < t ? t : current
}

export interface PodSummary {
  ready: string
  status: string
  restarts: string
}

/** The READY, STATUS and RESTARTS cells of a pod. */
export function summarizePod(pod: Pod, now: number): PodSummary {
  const spec = pod.spec
  const status = pod.status ?? {}
  const conditions = status.conditions ?? []
  const initSpecs = spec?.initContainers ?? []

  let restarts = 0
  let restartableInitContainerRestarts = 0
  let totalContainers = spec?.containers.length ?? 0
  let readyContainers = 0
  let lastRestartDate: number | undefined
  let lastRestartableInitContainerRestartDate: number | undefined

  const podPhase = status.phase ?? ''
  let reason = podPhase
  if (status.reason) reason = status.reason

  // a pod held by scheduling gates says so
  for (const c of conditions) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated'
  }

  const initContainers = new Map<string, Container>()
  for (const c of initSpecs) {
    initContainers.set(c.name, c)
    if (isRestartableInitContainer(c)) totalContainers++
  }

  let initializing = false
  const initStatuses = status.initContainerStatuses ?? []
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]
    if (!container) continue
    const restartable = isRestartableInitContainer(initContainers.get(container.name))
    restarts += container.restartCount ?? 0
    lastRestartDate = laterRestart(lastRestartDate, container)
    if (restartable) {
      restartableInitContainerRestarts += container.restartCount ?? 0
      lastRestartableInitContainerRestartDate = laterRestart(lastRestartableInitContainerRestartDate, container)
    }
    const terminated = container.state?.terminated
    const waiting = container.state?.waiting
    if (terminated && (terminated.exitCode ?? 0) === 0) {
      continue
    } else if (restartable && container.started === true) {
      if (container.ready) readyContainers++
      continue
    } else if (terminated) {
      // initialization failed
      if (!terminated.reason) {
        reason = terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode ?? 0}`
      } else {
        reason = `Init:${terminated.reason}`
      }
      initializing = true
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`
      initializing = true
    } else {
      reason = `Init:${i}/${initSpecs.length}`
      initializing = true
    }
    break
  }

  if (!initializing || isPodInitializedConditionTrue(conditions)) {
    restarts = restartableInitContainerRestarts
    lastRestartDate = lastRestartableInitContainerRestartDate
    let hasRunning = false
    const statuses = status.containerStatuses ?? []
    // the first container's state wins: walk backwards so it is applied last
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]
      if (!container) continue
      restarts += container.restartCount ?? 0
      lastRestartDate = laterRestart(lastRestartDate, container)
      const waiting = container.state?.waiting
      const terminated = container.state?.terminated
      if (waiting?.reason) {
        reason = waiting.reason
      } else if (terminated?.reason) {
        reason = terminated.reason
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`
      } else if (container.ready && container.state?.running != null) {
        hasRunning = true
        readyContainers++
      }
    }

    // a pod with a container still running is not "Completed"
    if (reason === 'Completed' && hasRunning) {
      reason = hasPodReadyCondition(conditions) ? 'Running' : 'NotReady'
    }
  }

  const deleting = pod.metadata?.deletionTimestamp != null
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown'
  } else if (deleting && podPhase !== 'Failed' && podPhase !== 'Succeeded') {
    reason = 'Terminating'
  }

  let restartsStr = String(restarts)
  if (restarts !== 0 && lastRestartDate !== undefined) {
    restartsStr = `${restarts} (${humanDuration(now - lastRestartDate)} ago)`
  }

  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsStr }
}

function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? []
  if (gates.length === 0) return '<none>'
  const conditions = pod.status?.conditions ?? []
  let trueConditions = 0
  for (const gate of gates) {
    const c = conditions.find((x) => x.type === gate.conditionType)
    if (c?.status === 'True') trueConditions++
  }
  return `${trueConditions}/${gates.length}`
}

/** The pod's first IP (internally `status.podIPs[0]`, which conversion fills from `podIP`). */
function podIPOf(pod: Pod): string {
  const ips = pod.status?.podIPs
  const ip = ips && ips.length > 0 ? ips[0]?.ip : pod.status?.podIP
  return ip || '<none>'
}

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
]
const FAILED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
]

export const podPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    col('IP', 'string', DOC['PodStatus.podIP'], { priority: 1 }),
    col('Node', 'string', DOC['PodSpec.nodeName'], { priority: 1 }),
    col('Nominated Node', 'string', DOC['PodStatus.nominatedNodeName'], { priority: 1 }),
    col('Readiness Gates', 'string', DOC['PodSpec.readinessGates'], { priority: 1 }),
  ],
  cells(obj: KubeObject, now: number): unknown[] {
    const pod = view<Pod>(obj)
    const s = summarizePod(pod, now)
    return [
      nameOf(obj), s.ready, s.status, s.restarts, ageOf(obj, now),
      podIPOf(pod),
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGatesCell(pod),
    ]
  },
  conditions(obj: KubeObject): TableRowCondition[] | undefined {
    const phase = view<Pod>(obj).status?.phase
    return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined
  },
}
