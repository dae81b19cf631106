/**
 * The node lifecycle controller against the real API server (memory store, in process),
 * with time as an input: a node whose lease stops moving goes Unknown and tainted, a pod
 * with a short toleration is evicted on time, the taints go when the node is back, and pods
 * of a deleted node are garbage-collected.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiServer } from '../../apiserver/index.js'
import { MemoryStore } from '../../storage/memory/memory-store.js'
import { Client } from '../../client/index.js'
import { getResource, isNotFound } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import { SharedInformers } from '../common/informers.js'
import { MemoryRecorder } from '../common/events.js'
import { NodeLifecycleController } from './controller.js'

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')
const LEASES = getResource('coordination.k8s.io', 'leases')

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check().catch(() => undefined)
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
const micro = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '000Z')

describe('NodeLifecycleController against an in-process API server', () => {
  let server: ApiServer
  let client: Client
  const ac = new AbortController()
  let now = Date.parse('2026-01-01T00:00:00Z')
  const recorder = new MemoryRecorder()
  let controller: NodeLifecycleController

  const readyConditions = (): unknown[] => ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
    type, status: type === 'Ready' ? 'True' : 'False', reason: 'Kubelet', message: 'ok', lastHeartbeatTime: iso(now), lastTransitionTime: iso(now),
  }))

  before(async () => {
    server = new ApiServer({ store: new MemoryStore() })
    client = new Client({ server: await server.start(0) })
    await client.create(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: readyConditions() } })
    await client.create(LEASES, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: micro(now) } })
    const pod = (name: string, tolerationSeconds: number): KubeObject => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        nodeName: 'n1', containers: [{ name: 'c', image: 'x' }],
        tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }],
      },
    })
    await client.create(PODS, 'default', pod('short', 5))
    await client.create(PODS, 'default', pod('long', 3600))
    for (const name of ['short', 'long']) {
      await client.patch(PODS, 'default', name, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, { type: 'merge', subresource: 'status' })
    }
    const informers = new SharedInformers(client)
    controller = new NodeLifecycleController({
      client, informers, recorder, gracePeriodMs: 40_000, monitorPeriodMs: 30, now: () => now,
      podGC: { periodMs: 30, quarantineMs: 40_000 },
    })
    informers.start(ac.signal)
    await informers.synced()
    controller.start(ac.signal)
  })
  after(async () => {
    ac.abort()
    client.close()
    await server.stop()
  })

  const node = (): Promise<KubeObject> => client.get(NODES, undefined, 'n1')
  const taints = async (): Promise<string[]> => (((await node())['spec'] as { taints?: Array<{ key: string; effect: string }> } | undefined)?.taints ?? []).map((t) => `${t.key}:${t.effect}`)
  const ready = async (): Promise<string | undefined> => ((await node())['status'] as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'Ready')?.status

  test('a node whose lease keeps moving stays Ready', async () => {
    now += 30_000
    await client.patch(LEASES, 'kube-node-lease', 'n1', { spec: { renewTime: micro(now) } })
    now += 30_000
    await new Promise((r) => setTimeout(r, 150))
    assert.equal(await ready(), 'True')
    assert.deepEqual(await taints(), [])
  })

  test('after the grace period the node is Unknown and tainted unreachable, its pods not ready', async () => {
    now += 11_000
    await until('Ready=Unknown', async () => (await ready()) === 'Unknown')
    const conds = ((await node())['status'] as { conditions: Array<{ status: string; reason: string; message: string }> }).conditions
    assert.ok(conds.every((c) => c.status === 'Unknown' && c.reason === 'NodeStatusUnknown' && c.message === 'Kubelet stopped posting node status.'))
    assert.deepEqual(await until('taints', async () => { const t = await taints(); return t.length === 2 ? t : undefined }), [
      'node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute',
    ])
    await until('pods not ready', async () => {
      const p = await client.get(PODS, 'default', 'long')
      return (p['status'] as { conditions: Array<{ type: string; status: string }> }).conditions.find((c) => c.type === 'Ready')?.status === 'False'
    })
    assert.ok(recorder.events.some((e) => e.reason === 'NodeNotReady' && e.message === 'Node n1 status is now: NodeNotReady'))
  })

  test('a pod tolerating unreachable for 5 s is evicted after 5 s, not before; the other stays', async () => {
    await new Promise((r) => setTimeout(r, 150))
    assert.equal((await client.get(PODS, 'default', 'short')).metadata.deletionTimestamp, undefined)
    now += 5_000
    const evicted = await until('short terminating', async () => { const p = await client.get(PODS, 'default', 'short'); return p.metadata.deletionTimestamp ? p : undefined })
    const cond = (evicted['status'] as { conditions: Array<{ type: string; reason?: string }> }).conditions.find((c) => c.type === 'DisruptionTarget')
    assert.equal(cond?.reason, 'DeletionByTaintManager')
    assert.equal((await client.get(PODS, 'default', 'long')).metadata.deletionTimestamp, undefined)
    assert.ok(recorder.events.some((e) => e.reason === 'TaintManagerEviction' && e.message === 'Marking for deletion Pod default/short'))
  })

  test('when the kubelet is back the taints go away', async () => {
    await client.patch(LEASES, 'kube-node-lease', 'n1', { spec: { renewTime: micro(now) } })
    await client.patch(NODES, undefined, 'n1', { status: { conditions: readyConditions() } }, { type: 'merge', subresource: 'status' })
    await until('taints removed', async () => (await taints()).length === 0)
  })

  test('pods bound to a deleted node are garbage-collected after the quarantine', async () => {
    await client.delete(NODES, undefined, 'n1')
    await new Promise((r) => setTimeout(r, 150))
    assert.ok(await client.get(PODS, 'default', 'long'))
    now += 41_000
    await until('long force-deleted', async () => {
      try {
        await client.get(PODS, 'default', 'long')
        return false
      } catch (e) {
        return isNotFound(e)
      }
    })
    assert.ok(controller.stats.gcDeletes >= 1)
  })
})
