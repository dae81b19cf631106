/**
 * SimulatedRuntime: a ContainerRuntime whose containers are records moved through their
 * lifecycle by stages (see stage.ts) on an injected Clock — no processes, no privileges,
 * a few hundred bytes per container, so thousands of nodes fit in one process.
 *
 * - `startContainer` asks for a start; the container turns Running when a stage says so
 *   (immediately when the due stage has no delay, or when no stage matches);
 * - `stopContainer` asks for a stop and resolves when the container has exited: after the
 *   matching stop stage's delay, or killed (137) at the grace deadline;
 * - image pulls follow Image stages (delay, or failure with a message);
 * - pod IPs come from the node's pod CIDR (`updateRuntimeConfig`).
 * Probe annotations the agent passes on containers (`probe.kubeling.dev/readiness`: JSON of
 * the probe) become `.probes.*` in the stage view.
 */
import type {
  ContainerConfig, ContainerFilter, ContainerRuntime, ContainerStatus, ImageStatus, PodSandboxConfig,
  PodSandboxStatus, RuntimeEvent, RuntimeVersion, SandboxFilter,
} from '../types.js'
import { PROBE_ANNOTATION_PREFIX, RuntimeError } from '../types.js'
import type { Clock, Timer } from '../clock.js'
import { realClock } from '../clock.js'
import { HostLocalIpam } from '../ipam.js'
import { normalizeImage } from '../image-ref.js'
import { lookup, matchStage } from './match.js'
import type { StageView } from './match.js'
import type { Stage } from './stage.js'


export interface SimulatedRuntimeOptions {
  stages: readonly Stage[]
  clock?: Clock
  random?: () => number
  podCIDR?: string
}

interface SimContainer {
  status: ContainerStatus
  sandbox: SimSandbox
  probes: Record<string, { initialDelay: string; period: string }>
  startRequested: boolean
  stopping: boolean
  stopDeadline: number
  since: number
  timer: Timer | undefined
  waiters: Array<() => void>
}

interface SimSandbox {
  status: PodSandboxStatus
  config: PodSandboxConfig
  containers: Set<string>
}

let globalSeq = 0
/** ids stay unique across restarts of the process (a restarted cluster reuses no container ID) */
const PROCESS_TAG = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')
const nextId = (prefix: string): string => `${prefix}${PROCESS_TAG}${(++globalSeq).toString(16).padStart(12, '0')}`

const STATE_NAME = { created: 'Created', running: 'Running', exited: 'Exited', unknown: 'Unknown' } as const

export class SimulatedRuntime implements ContainerRuntime {
  readonly name = 'simulated'
  readonly #stages: readonly Stage[]
  readonly #clock: Clock
  readonly #random: () => number
  readonly #ipam = new HostLocalIpam()
  readonly #sandboxes = new Map<string, SimSandbox>()
  readonly #byUid = new Map<string, Set<string>>()
  readonly #containers = new Map<string, SimContainer>()
  readonly #images = new Map<string, ImageStatus>()
  readonly #listeners = new Set<(e: RuntimeEvent) => void>()

  constructor(opts: SimulatedRuntimeOptions) {
    this.#stages = opts.stages
    this.#clock = opts.clock ?? realClock
    this.#random = opts.random ?? Math.random
    if (opts.podCIDR) this.#ipam.setRange(opts.podCIDR)
  }

  version(): Promise<RuntimeVersion> {
    return Promise.resolve({ runtimeName: 'kubeling-simulated', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' })
  }

  updateRuntimeConfig(config: { podCIDR?: string }): Promise<void> {
    if (config.podCIDR) this.#ipam.setRange(config.podCIDR)
    return Promise.resolve()
  }

  imageStatus(image: string): Promise<ImageStatus | undefined> {
    return Promise.resolve(this.#images.get(normalizeImage(image)))
  }

  pullImage(image: string, sandbox: PodSandboxConfig): Promise<string> {
    const ref = normalizeImage(image)
    const view: StageView = { kind: 'Image', since: this.#clock.now(), fields: { image, ref, pod: podFields(sandbox) } }
    const m = matchStage(view, this.#stages, this.#clock.now(), this.#random)
    const finish = (): string => {
      const err = m?.stage.next.errorFrom !== undefined ? String(lookup(view.fields, m.stage.next.errorFrom) ?? '') : m?.stage.next.error
      if (err !== undefined) {
        throw new RuntimeError('ImagePull', `failed to pull and unpack image "${ref}": ${err || 'simulated pull failure'}`)
      }
      const status = { ref, id: `sha256:${digest(ref)}`, size: 10_000_000 + (parseInt(digest(ref).slice(0, 6), 16) % 90_000_000) }
      this.#images.set(ref, status)
      return status.id
    }
    if (!m || m.delayMs === 0) {
      try {
        return Promise.resolve(finish())
      } catch (e) {
        return Promise.reject(e as Error)
      }
    }
    return new Promise((resolve, reject) => {
      this.#clock.setTimer(m.delayMs, () => {
        try {
          resolve(finish())
        } catch (e) {
          reject(e as Error)
        }
      })
    })
  }

  runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = nextId('')
    const ip = config.hostNetwork ? undefined : this.#ipam.allocate()
    if (!config.hostNetwork && ip === undefined) {
      return Promise.reject(new RuntimeError('Unknown', this.#ipam.configured
        ? 'failed to set up sandbox container network: no IP addresses available in range set'
        : 'failed to set up sandbox container network: the node has no pod CIDR yet'))
    }
    const status: PodSandboxStatus = {
      id, metadata: { ...config.metadata }, state: 'ready', createdAt: this.#clock.now(),
      ...(ip ? { ip } : {}), labels: { ...config.labels }, annotations: { ...config.annotations },
    }
    this.#sandboxes.set(id, { status, config, containers: new Set() })
    let set = this.#byUid.get(config.metadata.uid)
    if (!set) this.#byUid.set(config.metadata.uid, (set = new Set()))
    set.add(id)
    this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: config.metadata.uid })
    return Promise.resolve(id)
  }

  stopPodSandbox(id: string): Promise<void> {
    const s = this.#sandboxes.get(id)
    if (!s) return Promise.resolve()
    for (const cid of s.containers) {
      const c = this.#containers.get(cid)
      if (c && c.status.state !== 'exited') this.#exit(c, c.status.state === 'running' ? 137 : 0, c.status.state === 'running' ? 'Error' : 'Completed', undefined)
    }
    if (s.status.state !== 'notready') {
      s.status.state = 'notready'
      this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: s.status.metadata.uid })
    }
    return Promise.resolve()
  }

  removePodSandbox(id: string): Promise<void> {
    const s = this.#sandboxes.get(id)
    if (!s) return Promise.resolve()
    for (const cid of s.containers) {
      const c = this.#containers.get(cid)
      c?.timer?.cancel()
      for (const w of c?.waiters.splice(0) ?? []) w()
      this.#containers.delete(cid)
    }
    this.#ipam.release(s.status.ip)
    this.#sandboxes.delete(id)
    const uid = s.status.metadata.uid
    const set = this.#byUid.get(uid)
    set?.delete(id)
    if (set?.size === 0) this.#byUid.delete(uid)
    this.#emit({ type: 'SandboxChanged', podSandboxId: id, podUid: uid })
    return Promise.resolve()
  }

  listPodSandboxes(filter: SandboxFilter = {}): Promise<PodSandboxStatus[]> {
    let ids: Iterable<string>
    if (filter.id) ids = [filter.id]
    else if (filter.podUid) ids = this.#byUid.get(filter.podUid) ?? []
    else ids = this.#sandboxes.keys()
    const out: PodSandboxStatus[] = []
    for (const id of ids) {
      const s = this.#sandboxes.get(id)
      if (!s || (filter.podUid && s.status.metadata.uid !== filter.podUid) || (filter.state && s.status.state !== filter.state)) continue
      out.push({ ...s.status, metadata: { ...s.status.metadata } })
    }
    return Promise.resolve(out)
  }

  createContainer(podSandboxId: string, config: ContainerConfig): Promise<string> {
    const s = this.#sandboxes.get(podSandboxId)
    if (!s) return Promise.reject(new RuntimeError('NotFound', `sandbox "${podSandboxId}" not found`))
    if (s.status.state !== 'ready') return Promise.reject(new RuntimeError('InvalidArgument', `sandbox "${podSandboxId}" is not ready`))
    const id = nextId('c')
    const now = this.#clock.now()
    const image = this.#images.get(normalizeImage(config.image))
    const c: SimContainer = {
      status: {
        id, podSandboxId, podUid: s.status.metadata.uid, name: config.name, attempt: config.attempt, image: config.image,
        imageRef: image?.id ?? '', state: 'created', createdAt: now, labels: { ...config.labels }, annotations: { ...config.annotations },
        ...(config.mounts ? { mounts: config.mounts.map((m) => ({ ...m })) } : {}),
      },
      sandbox: s,
      probes: parseProbes(config.annotations),
      startRequested: false,
      stopping: false,
      stopDeadline: Infinity,
      since: now,
      timer: undefined,
      waiters: [],
    }
    this.#containers.set(id, c)
    s.containers.add(id)
    this.#emit({ type: 'ContainerCreated', containerId: id, podSandboxId, podUid: c.status.podUid })
    return Promise.resolve(id)
  }

  startContainer(id: string): Promise<void> {
    const c = this.#containers.get(id)
    if (!c) return Promise.reject(new RuntimeError('NotFound', `container "${id}" not found`))
    if (c.status.state !== 'created' || c.startRequested) {
      return Promise.reject(new RuntimeError('InvalidArgument', `container "${id}" is ${c.status.state}, not created`))
    }
    c.startRequested = true
    c.since = this.#clock.now()
    this.#evaluate(c, true)
    return Promise.resolve()
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.#containers.get(id)
    if (!c || c.status.state === 'exited') return Promise.resolve()
    if (c.status.state === 'created') {
      this.#exit(c, 0, 'Completed', undefined)
      return Promise.resolve()
    }
    const done = new Promise<void>((resolve) => c.waiters.push(resolve))
    const deadline = this.#clock.now() + Math.max(0, timeoutSeconds) * 1000
    if (!c.stopping || deadline < c.stopDeadline) {
      c.stopping = true
      c.stopDeadline = deadline
      c.since = this.#clock.now()
      this.#evaluate(c, true)
    }
    return done
  }

  removeContainer(id: string): Promise<void> {
    const c = this.#containers.get(id)
    if (!c) return Promise.resolve()
    if (c.status.state === 'running') return Promise.reject(new RuntimeError('InvalidArgument', `container "${id}" is running; stop it first`))
    c.timer?.cancel()
    this.#containers.delete(id)
    c.sandbox.containers.delete(id)
    this.#emit({ type: 'ContainerDeleted', containerId: id, podSandboxId: c.status.podSandboxId, podUid: c.status.podUid })
    return Promise.resolve()
  }

  listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    let ids: Iterable<string>
    if (filter.id) ids = [filter.id]
    else if (filter.podSandboxId) ids = this.#sandboxes.get(filter.podSandboxId)?.containers ?? []
    else if (filter.podUid) ids = [...(this.#byUid.get(filter.podUid) ?? [])].flatMap((sid) => [...(this.#sandboxes.get(sid)?.containers ?? [])])
    else ids = this.#containers.keys()
    const out: ContainerStatus[] = []
    for (const id of ids) {
      const c = this.#containers.get(id)
      if (!c) continue
      const st = c.status
      if ((filter.podSandboxId && st.podSandboxId !== filter.podSandboxId) || (filter.podUid && st.podUid !== filter.podUid) || (filter.state && st.state !== filter.state)) continue
      out.push({ ...st })
    }
    return Promise.resolve(out)
  }

  onEvent(listener: (e: RuntimeEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  close(): Promise<void> {
    for (const c of this.#containers.values()) c.timer?.cancel()
    this.#listeners.clear()
    return Promise.resolve()
  }

  /** Counts for benchmarks. */
  get size(): { sandboxes: number; containers: number } {
    return { sandboxes: this.#sandboxes.size, containers: this.#containers.size }
  }

  #view(c: SimContainer): StageView {
    const st = c.status
    return {
      kind: 'Container',
      since: c.since,
      fields: {
        state: STATE_NAME[st.state],
        startRequested: c.startRequested,
        stopping: c.stopping,
        ...(st.ready !== undefined ? { ready: st.ready } : {}),
        name: st.name,
        image: st.image,
        attempt: st.attempt,
        ...(st.exitCode !== undefined ? { exitCode: st.exitCode } : {}),
        probes: c.probes,
        labels: st.labels,
        annotations: st.annotations,
        pod: podFields(c.sandbox.config),
      },
    }
  }

  /** Finds the due stage and applies it now (when `sync` and due) or on a timer. */
  #evaluate(c: SimContainer, sync: boolean): void {
    c.timer?.cancel()
    c.timer = undefined
    for (let guard = 0; guard < 16; guard++) {
      if (!this.#containers.has(c.status.id) || c.status.state === 'exited') return
      const now = this.#clock.now()
      const view = this.#view(c)
      const m = matchStage(view, this.#stages, now, this.#random)
      if (c.stopping && (!m || now + m.delayMs > c.stopDeadline)) {
        // No stop stage, or it would outlast the grace period: kill at the deadline.
        if (!m) return this.#exit(c, 0, 'Completed', undefined)
        const killIn = Math.max(0, c.stopDeadline - now)
        if (killIn === 0 && sync) return this.#exit(c, 137, 'Error', undefined)
        c.timer = this.#clock.setTimer(killIn, () => this.#exit(c, 137, 'Error', undefined))
        return
      }
      if (!m) {
        // Built-in fallback: a requested start that no stage handles happens at once.
        if (c.startRequested && c.status.state === 'created') {
          this.#apply(c, { state: 'Running' }, view)
          sync = true
          continue
        }
        return
      }
      if (m.delayMs === 0 && sync) {
        this.#apply(c, m.stage.next, view)
        continue
      }
      c.timer = this.#clock.setTimer(m.delayMs, () => {
        c.timer = undefined
        if (!this.#containers.has(c.status.id)) return
        this.#apply(c, m.stage.next, this.#view(c))
        this.#evaluate(c, true)
      })
      return
    }
  }

  #apply(c: SimContainer, next: Stage['next'], view: StageView): void {
    const st = c.status
    const now = this.#clock.now()
    if (next.state === 'Exited') {
      const fromView = next.exitCodeFrom !== undefined ? Number.parseInt(String(lookup(view.fields, next.exitCodeFrom) ?? ''), 10) : NaN
      const code = Number.isFinite(fromView) ? fromView : next.exitCode ?? 0
      const message = next.messageFrom !== undefined ? String(lookup(view.fields, next.messageFrom) ?? '') : next.message
      this.#exit(c, code, next.reason ?? (code === 0 ? 'Completed' : 'Error'), message)
      return
    }
    let changed = false
    if (next.state === 'Running' && st.state === 'created') {
      st.state = 'running'
      st.startedAt = now
      c.since = now
      changed = true
    }
    if (next.ready !== undefined && st.ready !== next.ready) {
      st.ready = next.ready
      changed = true
    }
    if (next.reason !== undefined) st.reason = next.reason
    if (next.message !== undefined) st.message = next.message
    if (changed) this.#emit({ type: next.state === 'Running' ? 'ContainerStarted' : 'ContainerUpdated', containerId: st.id, podSandboxId: st.podSandboxId, podUid: st.podUid })
  }

  #exit(c: SimContainer, exitCode: number, reason: string, message: string | undefined): void {
    const st = c.status
    if (st.state === 'exited') return
    c.timer?.cancel()
    c.timer = undefined
    const now = this.#clock.now()
    st.state = 'exited'
    st.exitCode = exitCode
    st.reason = reason
    if (message !== undefined && message !== '') st.message = message
    st.finishedAt = now
    if (st.startedAt === undefined && reason !== 'StartError') st.startedAt = now
    st.ready = false
    c.since = now
    for (const w of c.waiters.splice(0)) w()
    this.#emit({ type: 'ContainerStopped', containerId: st.id, podSandboxId: st.podSandboxId, podUid: st.podUid })
  }

  #emit(e: RuntimeEvent): void {
    for (const l of this.#listeners) l(e)
  }
}

function podFields(config: PodSandboxConfig): Record<string, unknown> {
  return { name: config.metadata.name, namespace: config.metadata.namespace, uid: config.metadata.uid, labels: config.labels, annotations: config.annotations }
}

function parseProbes(annotations: Record<string, string>): SimContainer['probes'] {
  const out: SimContainer['probes'] = {}
  for (const [k, v] of Object.entries(annotations)) {
    if (!k.startsWith(PROBE_ANNOTATION_PREFIX)) continue
    let p: { initialDelaySeconds?: number; periodSeconds?: number } = {}
    try {
      p = JSON.parse(v) as typeof p
    } catch {
      /* a malformed probe annotation counts as a probe with defaults */
    }
    out[k.slice(PROBE_ANNOTATION_PREFIX.length)] = { initialDelay: `${p.initialDelaySeconds ?? 0}s`, period: `${p.periodSeconds ?? 10}s` }
  }
  return out
}

function digest(s: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193) >>> 0
    h2 = Math.imul(h2 ^ s.charCodeAt(i), 0x5bd1e995) >>> 0
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(4)
}
