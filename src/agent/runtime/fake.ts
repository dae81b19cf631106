/**
 * FakeRuntime, after cri-api's fake runtime service: maps of sandboxes and containers whose
 * state changes immediately, a `calls` log, one-shot `injectError(method, err)`, and
 * `setContainerState` to script crashes. For agent tests.
 */
import type {
  ContainerConfig, ContainerFilter, ContainerRuntime, ContainerStatus, ImageStatus, PodSandboxConfig,
  PodSandboxStatus, RuntimeEvent, RuntimeVersion, SandboxFilter,
} from './types.js'
import { RuntimeError } from './types.js'
import type { Clock } from './clock.js'
import { realClock } from './clock.js'
import { HostLocalIpam } from './ipam.js'

export type RuntimeMethod = Exclude<keyof ContainerRuntime, 'name' | 'onEvent'>

export class FakeRuntime implements ContainerRuntime {
  readonly name = 'fake'
  readonly calls: string[] = []
  readonly sandboxes = new Map<string, PodSandboxStatus>()
  readonly containers = new Map<string, ContainerStatus>()
  readonly images = new Map<string, ImageStatus>()
  readonly #errors = new Map<string, Error[]>()
  readonly #listeners = new Set<(e: RuntimeEvent) => void>()
  readonly #ipam = new HostLocalIpam('10.88.0.0/16')
  #seq = 0

  constructor(private readonly clock: Clock = realClock) {}

  /** The next call of `method` fails with `err`. */
  injectError(method: RuntimeMethod, err: Error): void {
    const list = this.#errors.get(method) ?? []
    list.push(err)
    this.#errors.set(method, list)
  }

  /** Asserts and clears the call log. */
  assertCalls(expected: readonly string[]): void {
    const got = this.calls.splice(0)
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(`runtime calls differ:\n  got:  ${JSON.stringify(got)}\n  want: ${JSON.stringify(expected)}`)
    }
  }

  /** Scripted state change (a crash, an exit), announced like a real event. */
  setContainerState(id: string, change: Partial<Pick<ContainerStatus, 'state' | 'exitCode' | 'reason' | 'message' | 'ready'>>): void {
    const c = this.#container(id)
    Object.assign(c, change)
    if (change.state === 'exited' && c.finishedAt === undefined) c.finishedAt = this.clock.now()
    this.#emit({ type: change.state === 'exited' ? 'ContainerStopped' : 'ContainerUpdated', containerId: id, podSandboxId: c.podSandboxId, podUid: c.podUid })
  }

  #call(method: RuntimeMethod, ...args: unknown[]): void {
    this.calls.push(args.length ? `${method}:${args.join(',')}` : method)
    const err = this.#errors.get(method)?.shift()
    if (err) throw err
  }

  #container(id: string): ContainerStatus {
    const c = this.containers.get(id)
    if (!c) throw new RuntimeError('NotFound', `container "${id}" not found`)
    return c
  }

  #emit(e: RuntimeEvent): void {
    for (const l of this.#listeners) l(e)
  }

  version(): Promise<RuntimeVersion> {
    return Promise.resolve({ runtimeName: 'fake', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' })
  }

  async updateRuntimeConfig(config: { podCIDR?: string }): Promise<void> {
    this.#call('updateRuntimeConfig', config.podCIDR ?? '')
    if (config.podCIDR) this.#ipam.setRange(config.podCIDR)
    return Promise.resolve()
  }

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    this.#call('imageStatus', image)
    return Promise.resolve(this.images.get(image))
  }

  async pullImage(image: string): Promise<string> {
    this.#call('pullImage', image)
    const status = { ref: image, id: `sha256:${fakeDigest(image)}`, size: 1000 }
    this.images.set(image, status)
    return Promise.resolve(status.id)
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.#call('runPodSandbox', config.metadata.uid)
    const id = `sandbox-${++this.#seq}`
    const ip = config.hostNetwork ? undefined : this.#ipam.allocate()
    this.sandboxes.set(id, {
      id, metadata: { ...config.metadata }, state: 'ready', createdAt: this.clock.now(),
      ...(ip ? { ip } : {}), labels: { ...config.labels }, annotations: { ...config.annotations },
    })
    this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: config.metadata.uid })
    return Promise.resolve(id)
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.#call('stopPodSandbox', id)
    const s = this.sandboxes.get(id)
    if (!s) return
    for (const c of this.containers.values()) {
      if (c.podSandboxId === id && c.state !== 'exited') Object.assign(c, { state: 'exited', exitCode: 137, reason: 'Error', finishedAt: this.clock.now() })
    }
    s.state = 'notready'
    this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: s.metadata.uid })
  }

  async removePodSandbox(id: string): Promise<void> {
    this.#call('removePodSandbox', id)
    const s = this.sandboxes.get(id)
    if (!s) return
    for (const [cid, c] of this.containers) if (c.podSandboxId === id) this.containers.delete(cid)
    this.#ipam.release(s.ip)
    this.sandboxes.delete(id)
    this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: s.metadata.uid })
  }

  async listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    this.#call('listPodSandboxes')
    return Promise.resolve([...this.sandboxes.values()]
      .filter((s) => (!filter.id || s.id === filter.id) && (!filter.podUid || s.metadata.uid === filter.podUid) && (!filter.state || s.state === filter.state))
      .map((s) => structuredClone(s)))
  }

  async createContainer(podSandboxId: string, config: ContainerConfig): Promise<string> {
    this.#call('createContainer', podSandboxId, config.name)
    const s = this.sandboxes.get(podSandboxId)
    if (!s) throw new RuntimeError('NotFound', `sandbox "${podSandboxId}" not found`)
    if (s.state !== 'ready') throw new RuntimeError('InvalidArgument', `sandbox "${podSandboxId}" is not ready`)
    const id = `container-${++this.#seq}`
    const image = this.images.get(config.image)
    this.containers.set(id, {
      id, podSandboxId, podUid: s.metadata.uid, name: config.name, attempt: config.attempt, image: config.image,
      imageRef: image?.id ?? config.image, state: 'created', createdAt: this.clock.now(),
      labels: { ...config.labels }, annotations: { ...config.annotations },
      ...(config.mounts ? { mounts: config.mounts.map((m) => ({ ...m })) } : {}),
    })
    this.#emit({ type: 'ContainerCreated', containerId: id, podSandboxId, podUid: s.metadata.uid })
    return Promise.resolve(id)
  }

  async startContainer(id: string): Promise<void> {
    this.#call('startContainer', id)
    const c = this.#container(id)
    if (c.state !== 'created') throw new RuntimeError('InvalidArgument', `container "${id}" is ${c.state}, not created`)
    c.state = 'running'
    c.startedAt = this.clock.now()
    this.#emit({ type: 'ContainerStarted', containerId: id, podSandboxId: c.podSandboxId, podUid: c.podUid })
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.#call('stopContainer', id, timeoutSeconds)
    const c = this.containers.get(id)
    if (!c || c.state === 'exited') return
    Object.assign(c, { state: 'exited', exitCode: c.state === 'running' ? 0 : 137, reason: c.state === 'running' ? 'Completed' : 'Error', finishedAt: this.clock.now() })
    this.#emit({ type: 'ContainerStopped', containerId: id, podSandboxId: c.podSandboxId, podUid: c.podUid })
  }

  async removeContainer(id: string): Promise<void> {
    this.#call('removeContainer', id)
    const c = this.containers.get(id)
    if (!c) return
    if (c.state === 'running') throw new RuntimeError('InvalidArgument', `container "${id}" is running; stop it first`)
    this.containers.delete(id)
    this.#emit({ type: 'ContainerDeleted', containerId: id, podSandboxId: c.podSandboxId, podUid: c.podUid })
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    this.#call('listContainers')
    return Promise.resolve([...this.containers.values()]
      .filter((c) => (!filter.id || c.id === filter.id) && (!filter.podSandboxId || c.podSandboxId === filter.podSandboxId) &&
        (!filter.podUid || c.podUid === filter.podUid) && (!filter.state || c.state === filter.state))
      .map((c) => structuredClone(c)))
  }

  onEvent(listener: (e: RuntimeEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  close(): Promise<void> {
    this.#listeners.clear()
    return Promise.resolve()
  }
}

export function fakeDigest(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0').repeat(8)
}
