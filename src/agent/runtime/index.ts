export type {
  ContainerConfig, ContainerFilter, ContainerRuntime, ContainerState, ContainerStatus, ImageStatus, Mount, PodSandboxConfig,
  PodSandboxMetadata, PodSandboxStatus, RuntimeErrorCode, RuntimeEvent, RuntimeVersion, SandboxFilter, SandboxState,
} from './types.js'
export { RuntimeError, isRuntimeError, PROBE_ANNOTATION_PREFIX } from './types.js'
export { FakeRuntime } from './fake.js'
export { FakeClock, realClock } from './clock.js'
export type { Clock, Timer } from './clock.js'
export { HostLocalIpam } from './ipam.js'
export { normalizeImage, imageIdFor } from './image-ref.js'
