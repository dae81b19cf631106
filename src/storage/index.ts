export * from './store.js'
export { EventFanout } from './fanout.js'
