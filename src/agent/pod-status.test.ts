import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Pod } from 'kubernetes-types/core/v1.js'
import { computePodStatus } from './pod-status.js'
import type { RuntimePodState } from './pod-actions.js'
import type { ContainerStatus, PodSandboxStatus } from './runtime/index.js'

const NOW = Date.parse('2026-01-01T00:10:00Z')
const T = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

function pod(mut?: (p: Pod) => void): Pod {
  const p: Pod = {
    metadata: { name: 'web-0', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: T(NOW - 5000) }] },
  }
  mut?.(p)
  return p
}

const sb: PodSandboxStatus = { id: 's1', metadata: { name: 'web-0', namespace: 'default', uid: 'u1', attempt: 0 }, state: 'ready', createdAt: NOW - 2000, ip: '10.244.0.5', labels: {}, annotations: {} }
const c = (state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  id: 'c1', podSandboxId: 's1', podUid: 'u1', name: 'app', attempt: 0, image: 'nginx:1.27', imageRef: 'sha256:abc', state,
  createdAt: NOW - 1000, labels: {}, annotations: {}, ...extra,
})

function status(p: Pod, runtime: RuntimePodState, waiting = {}) {
  return computePodStatus({ pod: p, runtime, waiting, hostIP: '172.18.0.2', runtimeName: 'simulated', now: NOW })
}

const cond = (s: ReturnType<typeof status>, type: string): string | undefined => s.conditions?.find((x) => x.type === type)?.status

test('computePodStatus() reports ContainerCreating before the containers exist', () => {
  const s = status(pod(), { sandboxes: [], containers: [] })
  assert.equal(s.phase, 'Pending')
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'ContainerCreating' } })
  assert.equal(s.podIP, undefined)
  assert.equal(s.hostIP, '172.18.0.2')
  assert.equal(s.startTime, T(NOW))
  assert.equal(cond(s, 'PodReadyToStartContainers'), 'False')
  assert.equal(s.conditions?.find((x) => x.type === 'Ready')?.message, 'containers with unready status: [app]')
  assert.deepEqual(s.conditions?.map((x) => x.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'])
})

test('computePodStatus() reports a running, ready pod with its IP, image ID and container ID', () => {
  const s = status(pod(), { sandboxes: [sb], containers: [c('running', { startedAt: NOW - 500 })] })
  assert.equal(s.phase, 'Running')
  assert.equal(s.podIP, '10.244.0.5')
  assert.deepEqual(s.podIPs, [{ ip: '10.244.0.5' }])
  const cs = s.containerStatuses?.[0]
  assert.deepEqual(cs, {
    name: 'app', image: 'docker.io/library/nginx:1.27', imageID: 'docker.io/library/nginx@sha256:abc', containerID: 'simulated://c1',
    restartCount: 0, state: { running: { startedAt: T(NOW - 500) } }, lastState: {}, ready: true, started: true,
  })
  assert.equal(cond(s, 'Ready'), 'True')
  assert.equal(cond(s, 'ContainersReady'), 'True')
  assert.equal(s.qosClass, 'BestEffort')
})

test('computePodStatus() keeps a readiness-probed container unready until the probe passes', () => {
  const p = pod((x) => { x.spec!.containers[0]!.readinessProbe = { httpGet: { port: 80 } } })
  assert.equal(status(p, { sandboxes: [sb], containers: [c('running')] }).containerStatuses?.[0]?.ready, false)
  assert.equal(status(p, { sandboxes: [sb], containers: [c('running', { ready: true })] }).containerStatuses?.[0]?.ready, true)
})

test('computePodStatus() shows a crash loop as waiting with the last termination', () => {
  const exited = c('exited', { attempt: 3, exitCode: 1, reason: 'Error', startedAt: NOW - 900, finishedAt: NOW - 800 })
  const s = status(pod(), { sandboxes: [sb], containers: [exited] }, { app: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app pod=web-0_default(u1)' } })
  const cs = s.containerStatuses?.[0]
  assert.equal(cs?.restartCount, 3)
  assert.equal(cs?.state?.waiting?.reason, 'CrashLoopBackOff')
  assert.equal(cs?.lastState?.terminated?.exitCode, 1)
  assert.equal(s.phase, 'Running')
})

test('computePodStatus() keeps transition times of unchanged conditions', () => {
  const first = status(pod(), { sandboxes: [sb], containers: [c('running')] })
  const later = computePodStatus({ pod: pod((p) => { Object.assign(p, { status: first }) }), runtime: { sandboxes: [sb], containers: [c('running')] }, waiting: {}, hostIP: '172.18.0.2', runtimeName: 'simulated', now: NOW + 60_000 })
  assert.deepEqual(later.conditions, first.conditions)
  assert.equal(later.startTime, first.startTime)
})

test('computePodStatus() marks a pod Succeeded when all containers exit 0 (restartPolicy Never)', () => {
  const p = pod((x) => { x.spec!.restartPolicy = 'Never' })
  const s = status(p, { sandboxes: [sb], containers: [c('exited', { exitCode: 0, reason: 'Completed', startedAt: NOW - 900, finishedAt: NOW - 100 })] })
  assert.equal(s.phase, 'Succeeded')
  assert.equal(s.conditions?.find((x) => x.type === 'Ready')?.reason, 'PodCompleted')
})

test('computePodStatus() gives a deleted pod whose containers stopped a terminal phase', () => {
  const p = pod((x) => { Object.assign(x.metadata!, { deletionTimestamp: T(NOW + 30_000) }) })
  const stopped = { sandboxes: [{ ...sb, state: 'notready' as const }], containers: [c('exited', { exitCode: 0, startedAt: NOW - 900, finishedAt: NOW - 100 })] }
  assert.equal(status(p, stopped).phase, 'Succeeded')
  const killed = { sandboxes: [{ ...sb, state: 'notready' as const }], containers: [c('exited', { exitCode: 137, startedAt: NOW - 900, finishedAt: NOW - 100 })] }
  assert.equal(status(p, killed).phase, 'Failed')
})

test('computePodStatus() reports init progress', () => {
  const p = pod((x) => { x.spec!.initContainers = [{ name: 'init', image: 'busybox' }] })
  const s = status(p, { sandboxes: [sb], containers: [c('running', { id: 'i1', name: 'init' })] })
  assert.equal(s.phase, 'Pending')
  assert.equal(s.initContainerStatuses?.[0]?.state?.running !== undefined, true)
  assert.deepEqual(s.containerStatuses?.[0]?.state, { waiting: { reason: 'PodInitializing' } })
  assert.equal(s.conditions?.find((x) => x.type === 'Initialized')?.message, 'containers with incomplete status: [init]')
})

test('computePodStatus() uses the host IP for host-network pods', () => {
  const p = pod((x) => { x.spec!.hostNetwork = true })
  const { ip: _ip, ...noIp } = sb
  const s = status(p, { sandboxes: [noIp], containers: [c('running')] })
  assert.equal(s.podIP, '172.18.0.2')
})
