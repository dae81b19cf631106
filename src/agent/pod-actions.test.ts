import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Pod } from 'kubernetes-types/core/v1.js'
import { computePodActions, crashLoopDelayMs, goDuration } from './pod-actions.js'
import type { PodActions, PodMemory, PullFailure, RuntimePodState } from './pod-actions.js'
import type { ContainerStatus, PodSandboxStatus } from './runtime/index.js'

// Base fixtures, mutated per case (upstream TestComputePodActions style).
const NOW = Date.parse('2026-01-01T00:10:00Z')

function basePod(): Pod {
  return {
    metadata: { name: 'web-0', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'a', image: 'img:1' }, { name: 'b', image: 'img:1' }], restartPolicy: 'Always' },
  }
}

const sandbox = (id: string, state: 'ready' | 'notready' = 'ready', attempt = 0, createdAt = NOW - 60_000): PodSandboxStatus => ({
  id, metadata: { name: 'web-0', namespace: 'default', uid: 'u1', attempt }, state, createdAt, ip: '10.0.0.2', labels: {}, annotations: {},
})

const container = (id: string, name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  id, podSandboxId: 's1', podUid: 'u1', name, attempt: 0, image: 'img:1', imageRef: 'sha256:x', state, createdAt: NOW - 50_000,
  labels: {}, annotations: {}, ...(state !== 'created' ? { startedAt: NOW - 50_000 } : {}), ...(state === 'exited' ? { finishedAt: NOW - 1000, exitCode: 0 } : {}), ...extra,
})

const running = (): RuntimePodState => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'running'), container('cb', 'b', 'running')] })

const memory = (over: { startRequested?: string[]; pullFailures?: Record<string, PullFailure> } = {}): PodMemory => ({
  startRequested: new Set(over.startRequested ?? []),
  pullFailures: new Map(Object.entries(over.pullFailures ?? {})),
})

const NOTHING: PodActions = {
  killPod: false, createSandbox: false, sandboxId: 's1', attempt: 0, initToStart: undefined, containersToStart: [],
  containersToKill: [], containersToRemove: [], waiting: {}, requeueAfterMs: undefined,
}

interface Case {
  name: string
  pod?: (p: Pod) => void
  runtime: () => RuntimePodState
  memory?: PodMemory
  want: Partial<PodActions>
}

const cases: Case[] = [
  {
    name: 'a new pod gets a sandbox and all its containers',
    runtime: () => ({ sandboxes: [], containers: [] }),
    want: { createSandbox: true, sandboxId: undefined, containersToStart: ['a', 'b'] },
  },
  { name: 'a running pod needs nothing', runtime: running, want: {} },
  {
    name: 'a dead sandbox is replaced with attempt+1, killing what is left',
    runtime: () => ({ sandboxes: [sandbox('s1', 'notready', 2)], containers: [container('ca', 'a', 'running')] }),
    want: { killPod: true, createSandbox: true, sandboxId: undefined, attempt: 3, containersToStart: ['a', 'b'] },
  },
  {
    name: 'a container that exited is restarted at once the first time (restartPolicy Always)',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited', { exitCode: 1 }), container('cb', 'b', 'running')] }),
    want: { containersToStart: ['a'] },
  },
  {
    name: 'a crash-looping container waits out its back-off',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited', { exitCode: 1, attempt: 2, finishedAt: NOW - 5000 }), container('cb', 'b', 'running')] }),
    want: {
      waiting: { a: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=a pod=web-0_default(u1)' } },
      requeueAfterMs: 15_000,
    },
  },
  {
    name: 'after the back-off the container is restarted',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited', { exitCode: 1, attempt: 2, finishedAt: NOW - 25_000 }), container('cb', 'b', 'running')] }),
    want: { containersToStart: ['a'] },
  },
  {
    name: 'restartPolicy Never leaves exited containers alone',
    pod: (p) => { p.spec!.restartPolicy = 'Never' },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited', { exitCode: 1 }), container('cb', 'b', 'running')] }),
    want: {},
  },
  {
    name: 'restartPolicy OnFailure restarts failures only',
    pod: (p) => { p.spec!.restartPolicy = 'OnFailure' },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited', { exitCode: 0 }), container('cb', 'b', 'exited', { exitCode: 2 })] }),
    want: { containersToStart: ['b'] },
  },
  {
    name: 'a finished pod (Never, all exited) has its sandbox stopped',
    pod: (p) => { p.spec!.restartPolicy = 'Never' },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'exited'), container('cb', 'b', 'exited', { exitCode: 3 })] }),
    want: { killPod: true },
  },
  {
    name: 'a finished pod whose sandbox is gone is not restarted',
    pod: (p) => { p.spec!.restartPolicy = 'Never' },
    runtime: () => ({ sandboxes: [sandbox('s1', 'notready')], containers: [container('ca', 'a', 'exited'), container('cb', 'b', 'exited')] }),
    want: { sandboxId: undefined },
  },
  {
    name: 'a terminating pod is killed and nothing starts',
    pod: (p) => { Object.assign(p.metadata!, { deletionTimestamp: '2026-01-01T00:10:30Z' }) },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'running'), container('cb', 'b', 'exited', { exitCode: 1 })] }),
    want: { killPod: true },
  },
  {
    name: 'a container whose start was requested is left to start',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('ca', 'a', 'created'), container('cb', 'b', 'running')] }),
    memory: memory({ startRequested: ['ca'] }),
    want: {},
  },
  {
    name: 'an image pull failure backs off, then retries',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('cb', 'b', 'running')] }),
    memory: memory({ pullFailures: { a: { count: 2, at: NOW - 5000, message: 'not found' } } }),
    want: { waiting: { a: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "img:1"' } }, requeueAfterMs: 15_000 },
  },
  {
    name: 'an image pull failure past its back-off is retried',
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('cb', 'b', 'running')] }),
    memory: memory({ pullFailures: { a: { count: 1, at: NOW - 11_000, message: 'not found' } } }),
    want: { containersToStart: ['a'] },
  },
  {
    name: 'init containers run first, one at a time',
    pod: (p) => { p.spec!.initContainers = [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] },
    runtime: () => ({ sandboxes: [], containers: [] }),
    want: { createSandbox: true, sandboxId: undefined, initToStart: 'i1' },
  },
  {
    name: 'the next init container starts when the previous succeeded',
    pod: (p) => { p.spec!.initContainers = [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('c1', 'i1', 'exited')] }),
    want: { initToStart: 'i2' },
  },
  {
    name: 'regular containers wait for a running init container',
    pod: (p) => { p.spec!.initContainers = [{ name: 'i1', image: 'x' }] },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('c1', 'i1', 'running')] }),
    want: {},
  },
  {
    name: 'regular containers start once init is done',
    pod: (p) => { p.spec!.initContainers = [{ name: 'i1', image: 'x' }] },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('c1', 'i1', 'exited')] }),
    want: { containersToStart: ['a', 'b'] },
  },
  {
    name: 'a failed init container with restartPolicy Never fails the pod (sandbox stopped)',
    pod: (p) => { p.spec!.initContainers = [{ name: 'i1', image: 'x' }]; p.spec!.restartPolicy = 'Never' },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('c1', 'i1', 'exited', { exitCode: 1 })] }),
    want: { killPod: true },
  },
  {
    name: 'a sidecar (init with restartPolicy Always) keeps running while containers start',
    pod: (p) => { p.spec!.initContainers = [{ name: 'side', image: 'x', restartPolicy: 'Always' }] },
    runtime: () => ({ sandboxes: [sandbox('s1')], containers: [container('c1', 'side', 'running')] }),
    want: { containersToStart: ['a', 'b'] },
  },
  {
    name: 'old exited containers beyond the last two per name are removed',
    runtime: () => ({
      sandboxes: [sandbox('s1')],
      containers: [
        container('a0', 'a', 'exited', { attempt: 0 }), container('a1', 'a', 'exited', { attempt: 1 }), container('a2', 'a', 'running', { attempt: 2 }),
        container('cb', 'b', 'running'),
      ],
    }),
    want: { containersToRemove: ['a0'] },
  },
]

for (const c of cases) {
  test(`computePodActions() ${c.name}`, () => {
    const pod = basePod()
    c.pod?.(pod)
    const got = computePodActions({ pod, runtime: c.runtime(), memory: c.memory ?? memory(), now: NOW })
    assert.deepEqual(got, { ...NOTHING, ...c.want })
  })
}

test('crash-loop back-off doubles from 10s to a 5m cap; the first restart is immediate', () => {
  assert.deepEqual([0, 1, 2, 3, 5, 6, 10].map(crashLoopDelayMs), [0, 10_000, 20_000, 40_000, 160_000, 300_000, 300_000])
  assert.deepEqual([10_000, 160_000, 300_000, 3_700_000].map(goDuration), ['10s', '2m40s', '5m0s', '1h1m40s'])
})
