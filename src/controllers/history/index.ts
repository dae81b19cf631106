export * from './hash.js'
export * from './revisions.js'
