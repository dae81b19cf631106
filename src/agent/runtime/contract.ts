import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ContainerConfig, ContainerRuntime, PodSandboxConfig, RuntimeEvent } from './types.js'
import { isRuntimeError } from './types.js'
import type { FakeClock } from './clock.js'

/**
 * The behaviour every ContainerRuntime must have, as one node:test suite (Hono's `runTest`
 * idea). Each implementation's test file calls
 * `runRuntimeContract('simulated', () => ({ runtime, clock }))`; every test gets a fresh
 * runtime and the FakeClock that drives it (real runtimes pass a clock whose `advance`
 * simply waits).
 *
 * @example
 * runRuntimeContract('fake', () => { const clock = new FakeClock(); return { runtime: new FakeRuntime(clock), clock } })
 */
export interface RuntimeFixture {
  runtime: ContainerRuntime
  clock: Pick<FakeClock, 'advance' | 'now'>
}

let uidSeq = 0

export function sandboxConfig(name = 'web-0', extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}-${++uidSeq}`, attempt: 0 },
    hostname: name,
    labels: { app: 'web' },
    annotations: {},
    ...extra,
  }
}

export function containerConfig(name = 'app', image = 'registry.example/app:1'): ContainerConfig {
  return { name, attempt: 0, image, labels: {}, annotations: {} }
}

const LONG = 60_000

export function runRuntimeContract(name: string, setup: () => RuntimeFixture): void {
  const it = (title: string, fn: (f: RuntimeFixture) => Promise<void>): void => {
    void test(`${name}: ${title}`, { timeout: 10_000 }, async () => {
      const f = setup()
      await f.runtime.updateRuntimeConfig({ podCIDR: '10.244.7.0/24' })
      try {
        await fn(f)
      } finally {
        await f.runtime.close()
      }
    })
  }

  /** sandbox + pulled image + created and started container, running after the clock moves */
  async function running(f: RuntimeFixture, sb = sandboxConfig()): Promise<{ sandboxId: string; containerId: string; sb: PodSandboxConfig }> {
    const sandboxId = await f.runtime.runPodSandbox(sb)
    const pulling = f.runtime.pullImage('registry.example/app:1', sb)
    await f.clock.advance(LONG)
    await pulling
    const containerId = await f.runtime.createContainer(sandboxId, containerConfig(), sb)
    await f.runtime.startContainer(containerId)
    await f.clock.advance(LONG)
    return { sandboxId, containerId, sb }
  }

  it('version() names the runtime', async ({ runtime }) => {
    const v = await runtime.version()
    assert.ok(v.runtimeName.length > 0)
    assert.equal(v.runtimeApiVersion, 'v1')
  })

  it('runPodSandbox() gives a ready sandbox an IP from the pod CIDR, distinct per sandbox', async ({ runtime }) => {
    const a = sandboxConfig('a')
    const b = sandboxConfig('b')
    const ida = await runtime.runPodSandbox(a)
    const idb = await runtime.runPodSandbox(b)
    assert.notEqual(ida, idb)
    const [sa] = await runtime.listPodSandboxes({ podUid: a.metadata.uid })
    const [sb] = await runtime.listPodSandboxes({ podUid: b.metadata.uid })
    assert.equal(sa?.state, 'ready')
    assert.equal(sa?.metadata.name, 'a')
    assert.match(sa?.ip ?? '', /^10\.244\.7\.\d+$/)
    assert.match(sb?.ip ?? '', /^10\.244\.7\.\d+$/)
    assert.notEqual(sa?.ip, sb?.ip)
  })

  it('a host-network sandbox has no pod IP', async ({ runtime }) => {
    const sb = sandboxConfig('h', { hostNetwork: true })
    await runtime.runPodSandbox(sb)
    const [s] = await runtime.listPodSandboxes({ podUid: sb.metadata.uid })
    assert.equal(s?.ip, undefined)
  })

  it('createContainer() in an unknown sandbox fails with NotFound', async ({ runtime }) => {
    await assert.rejects(runtime.createContainer('no-such-sandbox', containerConfig(), sandboxConfig()), (e: unknown) => isRuntimeError(e, 'NotFound'))
  })

  it('pullImage() makes the image present and its id becomes the container imageRef', async (f) => {
    const sb = sandboxConfig()
    assert.equal(await f.runtime.imageStatus('registry.example/app:1'), undefined)
    const pulling = f.runtime.pullImage('registry.example/app:1', sb)
    await f.clock.advance(LONG)
    const ref = await pulling
    const img = await f.runtime.imageStatus('registry.example/app:1')
    assert.equal(img?.id, ref)
    const sandboxId = await f.runtime.runPodSandbox(sb)
    const id = await f.runtime.createContainer(sandboxId, containerConfig(), sb)
    const [c] = await f.runtime.listContainers({ id })
    assert.equal(c?.imageRef, ref)
  })

  it('a created container is "created"; started, it becomes "running" with startedAt', async (f) => {
    const sb = sandboxConfig()
    const sandboxId = await f.runtime.runPodSandbox(sb)
    const id = await f.runtime.createContainer(sandboxId, containerConfig(), sb)
    const [created] = await f.runtime.listContainers({ id })
    assert.equal(created?.state, 'created')
    assert.equal(created?.podUid, sb.metadata.uid)
    assert.equal(created?.podSandboxId, sandboxId)
    assert.equal(created?.name, 'app')
    await f.runtime.startContainer(id)
    await f.clock.advance(LONG)
    const [started] = await f.runtime.listContainers({ id })
    assert.equal(started?.state, 'running')
    assert.ok((started?.startedAt ?? 0) >= (started?.createdAt ?? Infinity))
  })

  it('startContainer() twice fails with InvalidArgument', async (f) => {
    const { containerId } = await running(f)
    await assert.rejects(f.runtime.startContainer(containerId), (e: unknown) => isRuntimeError(e, 'InvalidArgument'))
  })

  it('onEvent() reports container state changes for the pod', async (f) => {
    const events: RuntimeEvent[] = []
    const off = f.runtime.onEvent((e) => events.push(e))
    const { containerId, sb } = await running(f)
    off()
    const mine = events.filter((e) => e.containerId === containerId)
    assert.ok(mine.some((e) => e.type === 'ContainerCreated'))
    assert.ok(mine.some((e) => e.type === 'ContainerStarted'))
    assert.ok(mine.every((e) => e.podUid === sb.metadata.uid))
  })

  it('stopContainer() resolves once the container has exited, with exitCode and finishedAt', async (f) => {
    const { containerId } = await running(f)
    const stopping = f.runtime.stopContainer(containerId, 30)
    await f.clock.advance(LONG)
    await stopping
    const [c] = await f.runtime.listContainers({ id: containerId })
    assert.equal(c?.state, 'exited')
    assert.equal(typeof c?.exitCode, 'number')
    assert.ok((c?.finishedAt ?? 0) >= (c?.startedAt ?? Infinity))
  })

  it('stopContainer() with timeout 0 stops at once', async (f) => {
    const { containerId } = await running(f)
    const stopping = f.runtime.stopContainer(containerId, 0)
    await f.clock.advance(1)
    await stopping
    const [c] = await f.runtime.listContainers({ id: containerId })
    assert.equal(c?.state, 'exited')
  })

  it('stop and remove of unknown ids succeed (idempotent)', async ({ runtime }) => {
    await runtime.stopContainer('nope', 1)
    await runtime.removeContainer('nope')
    await runtime.stopPodSandbox('nope')
    await runtime.removePodSandbox('nope')
  })

  it('removeContainer() refuses a running container, then works once stopped', async (f) => {
    const { containerId } = await running(f)
    await assert.rejects(f.runtime.removeContainer(containerId), (e: unknown) => isRuntimeError(e, 'InvalidArgument'))
    const stopping = f.runtime.stopContainer(containerId, 0)
    await f.clock.advance(1)
    await stopping
    await f.runtime.removeContainer(containerId)
    assert.deepEqual(await f.runtime.listContainers({ id: containerId }), [])
  })

  it('stopPodSandbox() stops every container; removePodSandbox() removes them all', async (f) => {
    const { sandboxId, sb } = await running(f)
    const second = await f.runtime.createContainer(sandboxId, containerConfig('sidecar'), sb)
    await f.runtime.stopPodSandbox(sandboxId)
    await f.clock.advance(1)
    const cs = await f.runtime.listContainers({ podUid: sb.metadata.uid })
    assert.equal(cs.length, 2)
    assert.ok(cs.every((c) => c.state === 'exited'), JSON.stringify(cs.map((c) => c.state)))
    assert.ok(cs.some((c) => c.id === second))
    const [s] = await f.runtime.listPodSandboxes({ id: sandboxId })
    assert.equal(s?.state, 'notready')
    await f.runtime.removePodSandbox(sandboxId)
    assert.deepEqual(await f.runtime.listPodSandboxes({ podUid: sb.metadata.uid }), [])
    assert.deepEqual(await f.runtime.listContainers({ podUid: sb.metadata.uid }), [])
  })

  it('list results are copies', async (f) => {
    const { containerId } = await running(f)
    const [c] = await f.runtime.listContainers({ id: containerId })
    c!.state = 'exited'
    const [again] = await f.runtime.listContainers({ id: containerId })
    assert.equal(again?.state, 'running')
  })

  it('listContainers() filters by pod uid and sandbox', async (f) => {
    const a = await running(f, sandboxConfig('a'))
    const b = await running(f, sandboxConfig('b'))
    assert.deepEqual((await f.runtime.listContainers({ podUid: a.sb.metadata.uid })).map((c) => c.id), [a.containerId])
    assert.deepEqual((await f.runtime.listContainers({ podSandboxId: b.sandboxId })).map((c) => c.id), [b.containerId])
    const all = (await f.runtime.listContainers()).map((c) => c.id)
    assert.ok(all.includes(a.containerId) && all.includes(b.containerId))
  })
}
