/**
 * The scheduler's loop against the real API server (memory store, in process): binding
 * through pods/binding, the Unschedulable condition and FailedScheduling event, retry when
 * a node changes, schedulerName.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from '../apiserver/index.js'
import { MemoryStore } from '../storage/memory/memory-store.js'
import { Client } from '../client/index.js'
import { getResource } from '../api/index.js'
import type { KubeObject } from '../api/index.js'
import { Scheduler } from './scheduler.js'
import { ApiEventRecorder } from './event-recorder.js'

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const EVENTS = getResource('', 'events')

const node = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '10' }, capacity: { cpu: '2', memory: '4Gi', pods: '10' }, conditions: [{ type: 'Ready', status: 'True' }] },
})

const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'pause:3.9' }], ...spec },
})

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('Scheduler against an in-process API server', () => {
  let server: ApiServer
  let client: Client
  const ac = new AbortController()
  let events: ApiEventRecorder

  before(async () => {
    server = new ApiServer({ store: new MemoryStore() })
    const url = await server.start(0)
    client = new Client({ server: url })
    await client.create(NODES, undefined, node('n1'))
    await client.create(NODES, undefined, node('n2', { disk: 'ssd' }))
    events = new ApiEventRecorder(client, { component: 'default-scheduler' })
    const scheduler = new Scheduler({ client, events, queue: { initialBackoffMs: 10, maxBackoffMs: 50 } })
    void scheduler.run(ac.signal)
  })
  after(async () => {
    ac.abort()
    client.close()
    await server.stop()
  })

  const get = (name: string): Promise<KubeObject> => client.get(PODS, 'default', name)
  const nodeName = async (name: string): Promise<string | undefined> => ((await get(name))['spec'] as { nodeName?: string }).nodeName

  test('binds a pod and records Scheduled', async () => {
    await client.create(PODS, 'default', pod('a', { nodeSelector: { disk: 'ssd' } }))
    assert.equal(await until('a bound', () => nodeName('a')), 'n2')
    const cond = ((await get('a'))['status'] as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'PodScheduled')
    assert.equal(cond?.status, 'True')
    await events.flush()
    const evs = await client.list(EVENTS, 'default', { fieldSelector: 'involvedObject.name=a' })
    assert.deepEqual(evs.items.map((e) => [e['reason'], e['message'], (e['source'] as { component: string }).component]), [['Scheduled', 'Successfully assigned default/a to n2', 'default-scheduler']])
  })

  test('an unschedulable pod gets PodScheduled=False/Unschedulable and FailedScheduling, then is retried when a node changes', async () => {
    await client.create(PODS, 'default', pod('b', { nodeSelector: { gpu: 'yes' } }))
    const msg = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    const cond = await until('Unschedulable condition', async () => {
      const c = ((await get('b'))['status'] as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions?.find((x) => x.type === 'PodScheduled')
      return c?.reason === 'Unschedulable' ? c : undefined
    })
    assert.equal(cond.status, 'False')
    assert.equal(cond.message, msg)
    await events.flush()
    const evs = await client.list(EVENTS, 'default', { fieldSelector: 'involvedObject.name=b' })
    assert.ok(evs.items.some((e) => e['reason'] === 'FailedScheduling' && e['type'] === 'Warning' && e['message'] === msg))
    await client.patch(NODES, undefined, 'n1', { metadata: { labels: { gpu: 'yes' } } })
    assert.equal(await until('b bound after the label', () => nodeName('b')), 'n1')
  })

  test('a new node lets a waiting pod in', async () => {
    await client.create(PODS, 'default', pod('c', { nodeSelector: { zone: 'z9' } }))
    await until('c unschedulable', async () => JSON.stringify((await get('c'))['status']).includes('Unschedulable'))
    await client.create(NODES, undefined, node('n3', { zone: 'z9' }))
    assert.equal(await until('c bound to the new node', () => nodeName('c')), 'n3')
  })

  test('pods for another scheduler are left alone', async () => {
    await client.create(PODS, 'default', pod('d', { schedulerName: 'other' }))
    await new Promise((r) => setTimeout(r, 300))
    const p = await get('d')
    assert.equal(await nodeName('d'), undefined)
    assert.equal(JSON.stringify(p['status']).includes('PodScheduled'), false)
  })

  test('resources freed by a deleted pod make room', async () => {
    await client.create(PODS, 'default', pod('big1', { nodeName: 'n3', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' } } }] }))
    await client.create(PODS, 'default', pod('big2', { nodeSelector: { zone: 'z9' }, containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' } } }] }))
    await until('big2 Insufficient cpu', async () => JSON.stringify((await get('big2'))['status']).includes('Insufficient cpu'))
    await client.delete(PODS, 'default', 'big1', { gracePeriodSeconds: 0 })
    assert.equal(await until('big2 bound once big1 is gone', () => nodeName('big2')), 'n3')
  })
})
