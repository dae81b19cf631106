export * from './hash.js'
export * from './revisions.js'
export * from './create.js'
