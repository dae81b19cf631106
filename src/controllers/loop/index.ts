export { Runner } from './runner.js'
export type { ReconcileResult, Reconciler, RunnerOptions } from './runner.js'
