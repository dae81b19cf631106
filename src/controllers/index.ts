export { ControllerManager } from './manager.js'
export type { ControllerManagerOptions } from './manager.js'
export { SharedInformers, Index, EventRecorder } from './common/index.js'
