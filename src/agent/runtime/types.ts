/**
 * ContainerRuntime: the part of the CRI (v1 RuntimeService + ImageService) the node agent
 * uses, as plain TypeScript. Implementations: FakeRuntime (tests), SimulatedRuntime
 * (KWOK-style stages, thousands of nodes per process) and later CRI (containerd).
 *
 * Contract (checked by `contract.ts`):
 * - ids are opaque strings; an unknown id fails with `RuntimeError` code `NotFound`, except
 *   that stop/remove of an unknown id succeed (CRI: idempotent);
 * - `stopContainer` resolves once the container has exited (or immediately when it was not
 *   running), after at most `timeoutSeconds` (then it is killed);
 * - `stopPodSandbox` stops every container of the sandbox; `removePodSandbox` removes them;
 * - `listContainers`/`listPodSandboxes` return snapshots (copies), filterable by pod uid;
 * - `onEvent` (optional, like CRI's GetContainerEvents) tells the agent a container or
 *   sandbox changed state so it need not poll.
 */

/**
 * The agent annotates each container with its probes (`probe.kubeling.dev/readiness`: the
 * probe as JSON) so a simulated runtime can play them out; real runtimes ignore them.
 */
export const PROBE_ANNOTATION_PREFIX = 'probe.kubeling.dev/'

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown'
export type SandboxState = 'ready' | 'notready'

export interface PodSandboxMetadata {
  name: string
  namespace: string
  uid: string
  attempt: number
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata
  hostname?: string
  hostNetwork?: boolean
  labels: Record<string, string>
  annotations: Record<string, string>
}

export interface PodSandboxStatus {
  id: string
  metadata: PodSandboxMetadata
  state: SandboxState
  createdAt: number // ms since epoch
  /** pod IP (absent for host-network sandboxes: the agent uses the host IP) */
  ip?: string
  labels: Record<string, string>
  annotations: Record<string, string>
}

/**
 * CRI Mount: a host directory inside the container. The agent passes one per volumeMount of
 * a claim-backed volume; the simulated runtime records them (no real mounts), a real one
 * would bind-mount `hostPath` at `containerPath`.
 */
export interface Mount {
  /** the pod's volume name */
  volumeName: string
  containerPath: string
  /** '' when the volume has no host directory (not a hostPath or local volume) */
  hostPath: string
  readonly: boolean
}

export interface ContainerConfig {
  name: string
  attempt: number
  image: string
  command?: string[]
  args?: string[]
  env?: Array<{ name: string; value: string }>
  mounts?: Mount[]
  labels: Record<string, string>
  annotations: Record<string, string>
}

export interface ContainerStatus {
  id: string
  podSandboxId: string
  /** pod uid (CRI carries it in labels; here as a field) */
  podUid: string
  name: string
  attempt: number
  image: string
  imageRef: string
  state: ContainerState
  createdAt: number
  startedAt?: number
  finishedAt?: number
  exitCode?: number
  reason?: string
  message?: string
  /** what the container was created with (CRI ContainerStatus.mounts) */
  mounts?: Mount[]
  labels: Record<string, string>
  annotations: Record<string, string>
  /**
   * Simulated probe outcome (`undefined` for real runtimes, where the agent probes):
   * readiness true/false once known.
   */
  ready?: boolean
}

export interface ImageStatus {
  /** image reference the runtime resolved (`docker.io/library/nginx:latest`) */
  ref: string
  id: string
  size: number
}

export interface RuntimeVersion {
  runtimeName: string
  runtimeVersion: string
  runtimeApiVersion: string
}

export interface SandboxFilter {
  id?: string
  podUid?: string
  state?: SandboxState
}

export interface ContainerFilter {
  id?: string
  podSandboxId?: string
  podUid?: string
  state?: ContainerState
}

export interface RuntimeEvent {
  type: 'ContainerCreated' | 'ContainerStarted' | 'ContainerStopped' | 'ContainerDeleted' | 'SandboxChanged' | 'ContainerUpdated'
  containerId?: string
  podSandboxId: string
  podUid: string
}

export interface ContainerRuntime {
  readonly name: string
  version(): Promise<RuntimeVersion>
  /** CRI UpdateRuntimeConfig: the node's pod CIDR, once known */
  updateRuntimeConfig(config: { podCIDR?: string }): Promise<void>
  /** Undefined when the image is not present. */
  imageStatus(image: string): Promise<ImageStatus | undefined>
  /** Resolves with the image ref; rejects with code `ImagePull` (message says why). */
  pullImage(image: string, sandbox: PodSandboxConfig): Promise<string>
  runPodSandbox(config: PodSandboxConfig): Promise<string>
  stopPodSandbox(id: string): Promise<void>
  removePodSandbox(id: string): Promise<void>
  listPodSandboxes(filter?: SandboxFilter): Promise<PodSandboxStatus[]>
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>
  startContainer(id: string): Promise<void>
  stopContainer(id: string, timeoutSeconds: number): Promise<void>
  removeContainer(id: string): Promise<void>
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>
  /** Subscribe to state changes; returns an unsubscribe function. */
  onEvent(listener: (e: RuntimeEvent) => void): () => void
  close(): Promise<void>
}

export type RuntimeErrorCode = 'NotFound' | 'InvalidArgument' | 'ImagePull' | 'AlreadyExists' | 'Unknown'

/** A runtime failure with a CRI-like code; `message` is what the agent shows in events. */
export class RuntimeError extends Error {
  constructor(readonly code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RuntimeError'
  }
}

export const isRuntimeError = (e: unknown, code?: RuntimeErrorCode): e is RuntimeError =>
  e instanceof RuntimeError && (code === undefined || e.code === code)
