export { ControllerManager } from './manager.js'
export type { ControllerManagerOptions, ControllerName } from './manager.js'
export { SharedInformers, Index, EventRecorder } from './common/index.js'
