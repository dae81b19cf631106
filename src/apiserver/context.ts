import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ResourceInfo } from '../api/index.js'
import type { Registry } from './registry.js'
import type { WatchCache } from './watch-cache.js'
import type { Store } from '../storage/index.js'
import type { ResourceRequest } from './request-info.js'

/** Everything a resource handler needs about one request. */
export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  query: URLSearchParams
  target: ResourceRequest
  info: ResourceInfo
  /** the group-version the client addressed (may be a legacy alias of info's) */
  requestApiVersion: string
  registry: Registry
  cache: WatchCache
  store: Store
  /** Warning headers to send (fieldValidation=Warn) */
  warnings: string[]
}

/** Upstream's default field manager: the user agent up to the first '/'. */
export function defaultFieldManager(ctx: RequestContext): string {
  const given = ctx.query.get('fieldManager')
  if (given) return given
  const ua = ctx.req.headers['user-agent'] ?? 'unknown'
  return ua.split('/')[0] ?? 'unknown'
}

export function isDryRun(ctx: RequestContext): boolean {
  const v = ctx.query.getAll('dryRun')
  return v.includes('All')
}
