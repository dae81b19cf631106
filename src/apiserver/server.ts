/**
 * The API server: HTTPS (or plain HTTP for in-process tests), bearer-token auth, and
 * routing of every Kubernetes path to its handler. Composition only; behaviour lives in
 * handlers/, registry.ts, watch-cache.ts and discovery.ts.
 */
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { timingSafeEqual } from 'node:crypto'
import { ApiError, apiVersionOf, lookupResource, methodNotAllowed, notFoundPath, unauthorized } from '../api/index.js'
import type { Store } from '../storage/index.js'
import { logger } from '../lib/log.js'
import { Registry } from './registry.js'
import { WatchCache } from './watch-cache.js'
import { parseRequestPath } from './request-info.js'
import type { ResourceRequest } from './request-info.js'
import type { RequestContext } from './context.js'
import { sendError, sendJson } from './http.js'
import { aggregated, aggregatedContentType, aggregatedVersionWanted, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js'
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleUpdate } from './handlers/crud.js'
import { handleList } from './handlers/list.js'
import { handleWatch } from './handlers/watch.js'
import { handlePatch } from './handlers/patch.js'
import { handleSubresource } from './handlers/subresources.js'
import type { PodStreamHandler } from './handlers/subresources.js'
import { openapiV2, openapiV3, openapiV3Index } from './openapi/index.js'
import { bootstrap } from './bootstrap.js'
import { Compactor } from './compactor.js'

const log = logger('apiserver')

export interface ApiServerOptions {
  store: Store
  /** PEM; absent → plain HTTP (in-process tests only: kubectl sends no token over HTTP) */
  tls?: { cert: string; key: string } | undefined
  /** bearer token required on every path but health and version; absent → no auth */
  token?: string | undefined
  /** how often store history is compacted (default 5 min, as upstream) */
  compactionIntervalMs?: number | undefined
  /** serves pods/log, exec, attach, portforward once agents exist */
  podStreams?: PodStreamHandler | undefined
}

export const VERSION_INFO = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-kubeling',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
}

const OPEN_PATHS = /^\/(livez|readyz|healthz|version)(\/.*)?$/

export class ApiServer {
  readonly registry: Registry
  readonly cache: WatchCache
  readonly compactor: Compactor
  #server: Server | undefined
  #ready = false
  #sockets = new Set<Socket>()

  constructor(private readonly opts: ApiServerOptions) {
    this.cache = new WatchCache(opts.store)
    this.registry = new Registry(opts.store, this.cache)
    this.compactor = new Compactor(opts.store, opts.compactionIntervalMs)
  }

  /** Loads the cache, creates the built-in namespaces, and listens. Resolves with the URL. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.cache.start()
    await bootstrap(this.registry)
    this.compactor.start()
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.#handle(req, res).catch((e: unknown) => sendError(res, e))
    }
    this.#server = this.opts.tls
      ? createHttpsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, handler)
      : createHttpServer(handler)
    this.#server.keepAliveTimeout = 65_000
    this.#server.headersTimeout = 70_000
    this.#server.requestTimeout = 0 // watches and streams are long-lived
    this.#server.on('connection', (s) => {
      this.#sockets.add(s)
      s.on('close', () => this.#sockets.delete(s))
    })
    // Requests Node cannot even parse still get a Status body, not a bare 400.
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) {
        socket.destroy()
        return
      }
      const code = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `malformed HTTP request: ${err.code ?? err.message}`, reason: 'BadRequest', code })
      socket.end(`HTTP/1.1 ${code} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
    })
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject)
      this.#server!.listen(port, host, () => resolve())
    })
    this.#ready = true
    const addr = this.#server.address() as AddressInfo
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
    return `${this.opts.tls ? 'https' : 'http'}://${h}:${addr.port}`
  }

  get server(): Server | undefined {
    return this.#server
  }

  async stop(): Promise<void> {
    this.#ready = false
    this.compactor.stop()
    const closed = new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
    for (const s of this.#sockets) s.destroy()
    await closed
    await this.cache.stop()
  }

  #authorized(req: IncomingMessage): boolean {
    const token = this.opts.token
    if (!token) return true
    const header = req.headers.authorization ?? ''
    if (!header.startsWith('Bearer ')) return false
    const given = Buffer.from(header.slice(7).trim())
    const want = Buffer.from(token)
    return given.length === want.length && timingSafeEqual(given, want)
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    if (!OPEN_PATHS.test(path) && !this.#authorized(req)) throw unauthorized()
    if (OPEN_PATHS.test(path)) return this.#health(path, res)
    const accept = req.headers.accept
    if (path === '/api' || path === '/apis') {
      const v = aggregatedVersionWanted(accept)
      if (v) {
        const body = JSON.stringify(aggregated(path === '/api', v))
        res.writeHead(200, { 'Content-Type': aggregatedContentType(v), 'Content-Length': Buffer.byteLength(body) })
        res.end(body)
        return
      }
      return sendJson(res, 200, path === '/api' ? apiVersions() : apiGroupList())
    }
    if (path === '/openapi/v2' || path === '/swagger.json') {
      const { contentType, body } = openapiV2(accept ?? '')
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length })
      res.end(body)
      return
    }
    if (path === '/openapi/v3') return sendJson(res, 200, openapiV3Index())
    if (path.startsWith('/openapi/v3/')) {
      const doc = openapiV3(path.slice('/openapi/v3/'.length))
      if (!doc) throw notFoundPath()
      return sendJson(res, 200, doc, { 'Cache-Control': 'public, immutable' })
    }
    const target = parseRequestPath(path)
    if (target.kind === 'other') {
      const parts = path.split('/').filter(Boolean)
      if (parts[0] === 'api' && parts.length === 2) {
        const list = apiResourceList('', parts[1]!)
        if (list) return sendJson(res, 200, list)
      }
      if (parts[0] === 'apis' && parts.length === 2) {
        const group = apiGroup(parts[1]!)
        if (group) return sendJson(res, 200, group)
      }
      if (parts[0] === 'apis' && parts.length === 3) {
        const list = apiResourceList(parts[1]!, parts[2]!)
        if (list) return sendJson(res, 200, list)
      }
      throw notFoundPath()
    }
    return this.#resource(req, res, url.searchParams, target)
  }

  #health(path: string, res: ServerResponse): void {
    if (path === '/version') return sendJson(res, 200, VERSION_INFO)
    const ok = path.startsWith('/livez') || this.#ready
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
    res.end(ok ? 'ok' : 'not ready')
  }

  async #resource(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, target: ResourceRequest): Promise<void> {
    const info = lookupResource(target.group, target.version, target.resource)
    if (!info || (target.namespace !== undefined && !info.namespaced)) throw notFoundPath()
    const requestApiVersion = target.group ? `${target.group}/${target.version}` : target.version
    const ctx: RequestContext = {
      req, res, query, target, info, requestApiVersion,
      registry: this.registry, cache: this.cache, store: this.opts.store, warnings: [],
    }
    void apiVersionOf
    const method = req.method ?? 'GET'
    const watch = target.watchPath || query.get('watch') === 'true' || query.get('watch') === '1'
    if (target.subresource) return handleSubresource(ctx, this.opts.podStreams)
    if (target.name === undefined) {
      if (method === 'GET') return watch ? handleWatch(ctx) : handleList(ctx)
      if (method === 'POST') return handleCreate(ctx)
      if (method === 'DELETE') return handleDeleteCollection(ctx)
      throw methodNotAllowed()
    }
    if (target.watchPath && method === 'GET') return handleWatch(ctx)
    switch (method) {
      case 'GET': return handleGet(ctx)
      case 'PUT': return handleUpdate(ctx)
      case 'PATCH': return handlePatch(ctx)
      case 'DELETE': return handleDelete(ctx)
      default: throw methodNotAllowed()
    }
  }
}

export function logRequestError(e: unknown): void {
  if (!(e instanceof ApiError)) log.error('request failed', { err: e })
}
