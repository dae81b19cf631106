export { ApiServer, VERSION_INFO } from './server.js'
export type { ApiServerOptions } from './server.js'
export { SYSTEM_NAMESPACES } from './bootstrap.js'
