export * from './errors.js'
export * from './object.js'
export * from './resources.js'
export * from './selectors.js'
