/** Pure PV/PVC rules shared by the binder, the scheduler and the node agent. */
export * from './helpers.js'
export * from './matching.js'
export * from './scheduling.js'
export * from './mount.js'
