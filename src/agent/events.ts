/**
 * The agent records events through this interface; `cmd` wires in the API-backed recorder
 * (one per node: `source.host` is the node name). Reasons and messages are the kubelet's.
 */
export type EventType = 'Normal' | 'Warning'

export interface EventObject {
  apiVersion?: string
  kind?: string
  metadata: { name?: string | undefined; namespace?: string | undefined; uid?: string | undefined; resourceVersion?: string | undefined }
  fieldPath?: string
}

export interface EventRecorder {
  event(obj: EventObject, type: EventType, reason: string, message: string): void
}

/** One recorder per node name. */
export type EventRecorderFactory = (nodeName: string) => EventRecorder

export const noEvents: EventRecorder = { event: () => undefined }

// Kubelet event reasons (pkg/kubelet/events).
export const REASON_PULLING = 'Pulling'
export const REASON_PULLED = 'Pulled'
export const REASON_CREATED = 'Created'
export const REASON_STARTED = 'Started'
export const REASON_KILLING = 'Killing'
export const REASON_FAILED = 'Failed'
export const REASON_BACKOFF = 'BackOff'
export const REASON_FAILED_SANDBOX = 'FailedCreatePodSandBox'
export const REASON_FAILED_MOUNT = 'FailedMount'
export const REASON_NEVER_PULL = 'ErrImageNeverPull'
export const REASON_STARTING = 'Starting'
export const REASON_NODE_READY = 'NodeReady'
export const REASON_NODE_SCHEDULABLE = 'NodeSchedulable'
export const REASON_NODE_NOT_SCHEDULABLE = 'NodeNotSchedulable'
