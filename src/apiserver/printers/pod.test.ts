import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../api/index.js'
import { printerFor } from './index.js'

const NOW = Date.parse('2024-05-01T12:00:00Z')
const ago = (ms: number) => new Date(NOW - ms).toISOString()
const printer = printerFor('', 'pods')

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', uid: 'u1', creationTimestamp: ago(5 * 60_000), ...meta },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }], ...spec },
    status,
  }
}

const running = (extra: Record<string, unknown> = {}) => ({
  name: 'nginx', ready: true, restartCount: 0, started: true,
  state: { running: { startedAt: ago(60_000) } }, ...extra,
})

/** [name, ready, status, restarts, age, ip, node, nominated node, readiness gates] */
function cells(p: KubeObject): unknown[] {
  return printer.cells(p, NOW)
}

void describe('pod printer', () => {
  void it('has upstream columns, wide ones at priority 1', () => {
    assert.deepEqual(
      printer.columns.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0], ['Ready', 'string', '', 0], ['Status', 'string', '', 0],
        ['Restarts', 'string', '', 0], ['Age', 'string', '', 0], ['IP', 'string', '', 1], ['Node', 'string', '', 1],
        ['Nominated Node', 'string', '', 1], ['Readiness Gates', 'string', '', 1],
      ],
    )
  })

  void it('prints a running pod with wide cells', () => {
    const p = pod({ nodeName: 'node-1' }, {
      phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [running()],
    })
    assert.deepEqual(cells(p), ['web-0', '1/1', 'Running', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'])
  })

  void it('prints restarts with the time of the last one', () => {
    const p = pod({}, {
      phase: 'Running',
      containerStatuses: [running({
        restartCount: 5,
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(3 * 60_000 + 20_000) } },
      })],
    })
    const [, ready, status, restarts] = cells(p)
    assert.deepEqual([ready, status, restarts], ['1/1', 'Running', '5 (3m20s ago)'])
  })

  void it('prints bare restart counts without a last termination time', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [running({ restartCount: 2 })] })
    assert.equal(cells(p)[3], '2')
  })

  void it('shows CrashLoopBackOff from the waiting reason', () => {
    const p = pod({}, {
      phase: 'Running',
      containerStatuses: [{
        name: 'nginx', ready: false, restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(40_000) } },
      }],
    })
    assert.deepEqual(cells(p).slice(1, 4), ['0/1', 'CrashLoopBackOff', '4 (40s ago)'])
  })

  void it('shows ContainerCreating for a scheduled pod whose container waits', () => {
    const p = pod({ nodeName: 'node-1' }, {
      phase: 'Pending',
      containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, image: 'nginx', state: { waiting: { reason: 'ContainerCreating' } } }],
    })
    assert.deepEqual(cells(p).slice(0, 4), ['web-0', '0/1', 'ContainerCreating', '0'])
    assert.deepEqual(cells(p).slice(5), ['<none>', 'node-1', '<none>', '<none>'])
  })

  void it('shows Pending for an unscheduled pod with no status', () => {
    assert.deepEqual(cells(pod({}, { phase: 'Pending' })).slice(1, 4), ['0/1', 'Pending', '0'])
  })

  void it('shows Terminating when a deletion timestamp is set', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [running()] }, { deletionTimestamp: ago(1000) })
    assert.equal(cells(p)[2], 'Terminating')
  })

  void it('keeps the terminal phase of a deleted pod that already finished', () => {
    const p = pod({}, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }, { deletionTimestamp: ago(1000) })
    assert.equal(cells(p)[2], 'Completed')
  })

  void it('shows Unknown for a deleted pod on a lost node (NodeLost)', () => {
    const p = pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running()] }, { deletionTimestamp: ago(1000) })
    assert.equal(cells(p)[2], 'Unknown')
  })

  void it('shows the pod-level reason (Evicted)', () => {
    const p = pod({}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })
    assert.equal(cells(p)[2], 'Evicted')
  })

  void it('shows SchedulingGated', () => {
    const p = pod({ schedulingGates: [{ name: 'example.com/gate' }] }, {
      phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    })
    assert.equal(cells(p)[2], 'SchedulingGated')
  })

  void it('shows Completed, Error and exit codes of terminated containers', () => {
    const done = (t: Record<string, unknown>) =>
      pod({}, { phase: 'Failed', containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { terminated: t } }] })
    assert.equal(cells(done({ exitCode: 0, reason: 'Completed' }))[2], 'Completed')
    assert.equal(cells(done({ exitCode: 1, reason: 'Error' }))[2], 'Error')
    assert.equal(cells(done({ exitCode: 137 }))[2], 'ExitCode:137')
    assert.equal(cells(done({ exitCode: 0, signal: 9 }))[2], 'Signal:9')
  })

  void it('turns Completed back into Running/NotReady while another container runs', () => {
    const statuses = [
      running({ name: 'a' }),
      { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
    ]
    const spec = { containers: [{ name: 'a' }, { name: 'b' }] }
    const ready = pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses })
    const notReady = pod(spec, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: statuses })
    assert.deepEqual(cells(ready).slice(1, 3), ['1/2', 'Running'])
    assert.deepEqual(cells(notReady).slice(1, 3), ['1/2', 'NotReady'])
  })

  void describe('init containers', () => {
    const spec = { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] }
    const initDone = { name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }

    void it('shows Init:x/y while an init container runs', () => {
      const p = pod(spec, {
        phase: 'Pending',
        initContainerStatuses: [
          initDone,
          { name: 'init-b', ready: false, restartCount: 0, state: { running: { startedAt: ago(1000) } } },
        ],
        containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      })
      assert.deepEqual(cells(p).slice(1, 4), ['0/1', 'Init:1/2', '0'])
    })

    void it('shows Init:0/2 before any init container starts (waiting PodInitializing)', () => {
      const p = pod(spec, {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init-a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          { name: 'init-b', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      })
      assert.equal(cells(p)[2], 'Init:0/2')
    })

    void it('shows Init:<reason> for a waiting or failed init container', () => {
      const waiting = pod(spec, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      })
      assert.deepEqual(cells(waiting).slice(2, 4), ['Init:CrashLoopBackOff', '3'])
      const failed = pod(spec, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }],
      })
      assert.equal(cells(failed)[2], 'Init:ExitCode:2')
      const errored = pod(spec, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
      })
      assert.equal(cells(errored)[2], 'Init:Error')
    })

    void it('shows PodInitializing once init containers are done', () => {
      const p = pod(spec, {
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [initDone, { ...initDone, name: 'init-b' }],
        containerStatuses: [{ name: 'nginx', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      })
      assert.deepEqual(cells(p).slice(1, 3), ['0/1', 'PodInitializing'])
    })

    void it('counts a started sidecar (restartPolicy Always) towards READY and RESTARTS', () => {
      const p = pod({ initContainers: [{ name: 'sidecar', restartPolicy: 'Always' }] }, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
        initContainerStatuses: [{
          name: 'sidecar', ready: true, started: true, restartCount: 1, state: { running: { startedAt: ago(1000) } },
          lastState: { terminated: { exitCode: 1, finishedAt: ago(70_000) } },
        }],
        containerStatuses: [running()],
      })
      assert.deepEqual(cells(p).slice(1, 4), ['2/2', 'Running', '1 (70s ago)'])
    })
  })

  void it('prints readiness gates as true/total', () => {
    const p = pod({ readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] }, {
      phase: 'Running',
      conditions: [{ type: 'example.com/a', status: 'True' }, { type: 'example.com/b', status: 'False' }],
      containerStatuses: [running()],
    })
    assert.equal(cells(p)[8], '1/2')
  })

  void it('prints the nominated node', () => {
    assert.equal(cells(pod({}, { phase: 'Pending', nominatedNodeName: 'node-2' }))[7], 'node-2')
  })

  void it('marks finished pods with a Completed row condition', () => {
    assert.deepEqual(printer.conditions?.(pod({}, { phase: 'Succeeded' })), [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ])
    assert.deepEqual(printer.conditions?.(pod({}, { phase: 'Failed' })), [
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ])
    assert.equal(printer.conditions?.(pod({}, { phase: 'Running' })), undefined)
  })
})
